// misplaced-barrier: the function has a barrier, but where it sits it orders nothing any
// scenario in view needs (for example after the flag store instead of before it), while moving
// it between the two accesses repairs the fault. Removing it is verified to change no verdict.
import type { CheckContext } from './context';
import { ownFences } from './ordering';
import type { Finding } from './types';
import { compatible } from '../pair/peers';

export function misplacedBarrier(ctx: CheckContext): Finding[] {
  const out: Finding[] = [];
  for (const f of ctx.analysis.faults) {
    const { first, second } = f.side;
    for (const fence of ownFences(f.thread)) {
      const outside = fence.id > second.id || (first !== undefined && fence.id < first.id);
      if (!outside || !compatible(fence, second)) continue;
      const removed = ctx.analysis.verify(f.thread, [{ kind: 'remove-fence', event: fence.id }]);
      if (removed.broke.length > 0) continue;
      const moved = ctx.analysis.verify(f.thread, [{ kind: 'remove-fence', event: fence.id }, { kind: 'insert-fence', fence: fence.fence as 'mb' | 'wmb' | 'rmb' }]);
      if (!f.cases.every((c) => moved.fixed.has(c))) continue;
      out.push({
        id: `misplaced:${f.thread.name}:${fence.id}`, code: 'misplaced-barrier', severity: 'warning',
        place: ctx.place(f.thread, fence),
        message: `${fence.prim}() sits where it orders nothing the code relies on; it belongs before \`${second.text}\`.`,
        explanation: `Removing this ${fence.prim}() changes no verdict, and moving it before \`${second.text}\` makes the bad outcome forbidden.`,
        related: [{ place: ctx.place(f.thread, second), message: 'the access that needs it before it' }],
        models: f.cases[0]!.judgement.models, fixes: [],
      });
    }
  }
  return out;
}
