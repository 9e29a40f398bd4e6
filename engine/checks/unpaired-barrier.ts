// unpaired-barrier: a barrier on one side of a message-passing pair with no counterpart on
// the other. A writer's smp_wmb() orders its stores, but a reader that loads the flag and the
// data with nothing between them can still see them out of order: barriers work in pairs.
// Reported on the lonely barrier when it is in the document and the other side is real code
// in view (not a synthesized observer).
import type { CheckContext } from './context';
import { fencePrim, orderingEvents } from './litmus-build';
import type { Finding } from './types';

export function unpairedBarrier(ctx: CheckContext): Finding[] {
  const out = new Map<string, Finding>();
  for (const f of ctx.analysis.faults) {
    for (const c of f.cases) {
      if (c.scenario.shape !== 'MP') continue;
      const other = c.scenario.sides[1 - f.sideIndex]!;
      if (other.synthesized || !ctx.isDocument(other.thread)) continue;
      const fence = orderingEvents(other).between.find((e) => e.kind === 'F' && !e.via?.length);
      if (!fence) continue;
      const id = `unpaired:${other.thread.name}:${fence.id}`;
      if (out.has(id)) continue;
      const lonely = f.sideIndex === 0 ? 'write' : 'read';
      out.set(id, {
        id, code: 'unpaired-barrier', severity: 'warning', place: ctx.place(other.thread, fence),
        message: `${fence.kind === 'F' ? fencePrim(fence.fence) : 'This barrier'}() in ${other.thread.name}() has no ${lonely}-side counterpart in ${f.thread.name}().`,
        explanation: `${fence.kind === 'F' ? fencePrim(fence.fence) : 'The barrier'}() orders ${other.thread.name}()'s side of the handshake, but ${f.thread.name}() accesses \`${f.side.firstLoc.text}\` and then \`${f.side.second.text}\` with nothing that orders them, so the pair can still be observed out of order.`,
        related: [{ place: ctx.place(f.thread, f.side.second), message: `the unordered access in ${f.thread.name}()` }],
        models: c.judgement.models, litmus: c.judgement.litmus, witness: c.judgement.witness, fixes: [],
      });
    }
  }
  return [...out.values()];
}
