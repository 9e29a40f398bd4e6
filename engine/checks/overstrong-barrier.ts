// overstrong-barrier (information): a full barrier where a weaker one provably suffices.
//
// For each smp_mb() written in the function, hvbarrier replaces it with smp_wmb() (or
// smp_rmb()) and re-simulates every scenario the barrier takes part in; if all stay forbidden
// under every target, the weaker barrier is offered. A barrier with a shared store before it
// and a shared load after it is never weakened: that store→load order is what only a full
// barrier gives (store buffering), even when no peer in view needs it.
import type { Event, Thread } from '../extract/types';
import { isSharedAccess, observes, writes, compatible } from '../pair/peers';
import type { CheckContext } from './context';
import { orderingEvents } from './litmus-build';
import { ownFences } from './ordering';
import type { Finding } from './types';

export interface OverstrongFinding extends Finding {
  readonly thread: Thread;
  readonly fence: Event;
  readonly weaker: 'wmb' | 'rmb';
}

export function overstrongBarrier(ctx: CheckContext): OverstrongFinding[] {
  const out: OverstrongFinding[] = [];
  for (const t of ctx.document) {
    if (t.side === 'pre') continue;
    for (const fence of ownFences(t)) {
      if (fence.fence !== 'mb') continue;
      const acc = t.events.filter(isSharedAccess).filter((e) => compatible(e, fence));
      const storeBefore = acc.some((e) => e.id < fence.id && writes(e));
      const loadAfter = acc.some((e) => e.id > fence.id && observes(e));
      if (storeBefore && loadAfter) continue;
      const around = ctx.analysis.scenariosOf(t).filter((j) => j.scenario.sides.some((s) => s.thread === t && !s.synthesized && orderingEvents(s).between.includes(fence)));
      const involved = around.filter((j) => j.allowed.length === 0);
      // A cycle through the barrier that is broken anyway (the other CPU lacks its half) cannot
      // say what the barrier is for: its fix may need all of it.
      if (involved.length === 0 || involved.length < around.length) continue;
      for (const weaker of ['wmb', 'rmb'] as const) {
        const { broke } = ctx.analysis.verify(t, [{ kind: 'replace-fence', event: fence.id, fence: weaker }]);
        if (broke.length > 0) continue;
        const prim = weaker === 'wmb' ? 'smp_wmb' : 'smp_rmb';
        out.push({
          id: `overstrong:${t.name}:${fence.id}`, code: 'overstrong-barrier', severity: 'information',
          place: ctx.place(t, fence),
          message: `smp_mb() is stronger than needed here: ${prim}() keeps every ordering the code in view relies on.`,
          explanation: `Replacing this smp_mb() with ${prim}() and re-simulating the ${involved.length} scenario${involved.length > 1 ? 's' : ''} it takes part in leaves each bad outcome forbidden under every target. `
            + `It only orders ${weaker === 'wmb' ? 'stores against stores' : 'loads against loads'} here.`,
          related: [], models: involved[0]!.judgement.models, litmus: involved[0]!.judgement.litmus, fixes: [],
          thread: t, fence, weaker,
        });
        break;
      }
    }
  }
  return out;
}
