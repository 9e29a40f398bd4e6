// A patch that removes the full fence before an IPI send the driver makes itself.
//
// The knowledge base assumes an IPI is ordered after the sender's earlier stores (IPI_ORDERING
// in engine/kb/hv-events.ts): on x86 that holds only because the x2APIC driver executes a full
// fence before the WRMSR to the interrupt command register, which is not ordered after earlier
// stores on its own. A patch to the driver that leaves its ICR writes without that fence
// breaks what every IPI's caller relies on: data stored before the IPI may not be visible to
// the handler on the target CPU.
import { ICR_WRITES } from '../kb/hv-events';
import type { Event, Thread } from '../extract/types';
import type { CheckContext } from './context';
import type { imageCounterparts } from './differential';
import { fencePrim } from './litmus-build';
import { placeKey, type Finding } from './types';

const FULL = new Set(['mb', 'before-atomic', 'after-atomic', 'after-spinlock', 'after-unlock-lock']);

function icrWrites(t: Thread): Event[] {
  return t.events.filter((e) => e.kind === 'CALL' && ICR_WRITES.some((w) => w.name === e.callee && (!w.arg || w.arg.test((e.args[0] ?? '').trim()))));
}

/** The last full fence before the first ICR write, or undefined when the write has none. */
function fenceBefore(t: Thread, write: Event): Event | undefined {
  return [...t.events].reverse().find((e) => e.id < write.id && e.kind === 'F' && FULL.has(e.fence));
}

export function removedIpiFences(ctx: CheckContext, a: { docAll: readonly Thread[]; counterpart: ReturnType<typeof imageCounterparts> }): Finding[] {
  const out: Finding[] = [];
  for (const t of a.docAll) {
    if (t.side !== 'pre') continue;
    const post = a.counterpart(t, 'post');
    const before = icrWrites(t)[0];
    const after = post && icrWrites(post);
    if (!post || !before || !after || after.length === 0) continue;
    const fence = fenceBefore(t, before);
    if (!fence || fence.kind !== 'F' || after.every((w) => fenceBefore(post, w))) continue;
    const place = ctx.place(t, fence.stmt);
    const write = after.find((w) => !fenceBefore(post, w))!;
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
