// A patch that removes the full fence before an IPI send the driver makes itself.
//
// The knowledge base assumes an IPI is ordered after the sender's earlier stores (IPI_ORDERING
// in engine/kb/hv-events.ts): on x86 that holds only because the x2APIC driver executes a full
// fence before the WRMSR to the interrupt command register, which is not ordered after earlier
// stores on its own. A patch to the driver that leaves its ICR writes without that fence
// breaks what every IPI's caller relies on: data stored before the IPI may not be visible to
// the handler on the target CPU.
import { callIn, ICR_WRITES } from '../kb/hv-events';
import type { Event, Thread } from '../extract/types';
import type { CheckContext } from './context';
import { imagePairs, type imageCounterparts } from './differential';
import { FULL_FENCES } from '../concurrency/facts';
import { fencePrim } from './litmus-build';
import { placeKey, type Finding } from './types';

function icrWrites(t: Thread): Event[] {
  return t.events.filter((e) => e.kind === 'CALL' && callIn(ICR_WRITES, e.callee, e.args));
}

/** The last full fence before an ICR write, or undefined when the write has none. */
function fenceBefore(t: Thread, write: Event): Extract<Event, { kind: 'F' }> | undefined {
  for (let i = t.events.indexOf(write) - 1; i >= 0; i--) {
    const e = t.events[i]!;
    if (e.kind === 'F' && FULL_FENCES.has(e.fence)) return e;
  }
  return undefined;
}

export function removedIpiFences(ctx: CheckContext, a: { docAll: readonly Thread[]; counterpart: ReturnType<typeof imageCounterparts> }): Finding[] {
  const out: Finding[] = [];
  for (const { pre: t, post } of imagePairs(a.docAll, a.counterpart)) {
    const before = icrWrites(t)[0];
    const fence = before && fenceBefore(t, before);
    const write = icrWrites(post).find((w) => !fenceBefore(post, w));
    if (!fence || !write) continue;
    const place = ctx.place(t, fence.stmt);
    out.push({
      id: `ordering-regression:${placeKey(place)}:ipi-fence`, code: 'ordering-regression', severity: 'warning', place,
      message: `This patch removes \`${fence.text}\` (${fencePrim(fence.fence)}) before the x2APIC ICR write in ${t.name}(): the WRMSR that sends the IPI is not ordered after earlier stores, so a handler on the target CPU may not see data stored before the IPI (on x86).`,
      explanation: [
        `${t.name}() sends IPIs by writing the interrupt command register (\`${write.text}\` after the patch). On x86 a WRMSR to it can execute before earlier stores are visible; the driver's full fence is what makes an IPI ordered after its caller's stores.`,
        'hvbarrier, like every caller of the IPI functions, relies on that fence (engine/kb/hv-events.ts, IPI_ORDERING): keep it before the first ICR write.',
      ].join('\n'),
      related: [{ place: ctx.place(post, write), message: `the ICR write without the fence: \`${write.text}\`` }],
      models: [], fixes: [],
    });
  }
  return out;
}
