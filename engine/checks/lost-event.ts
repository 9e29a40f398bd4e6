// lost-event: the patch removes the call that re-delivers pending state (re-inject an IRQ,
// kick or wake a vCPU, send an IPI) on a path that still consumes that state, so the event is
// dropped. Seed 001's v3 patch took out `vgic_vcpu_inject_irq(new, irq)` after
// `list_del_init(&p->inflight)`: the interrupt leaves the queue and is never injected again.
// Consuming is dequeuing (list_del*) or clearing a pending bit (clear_bit, test_and_clear_bit,
// xchg to 0); re-delivering is a KB kick/wake/reinject or any IPI sender (engine/kb/hv-events.ts).
// When the vCPU side is in view, lost-wakeup judges the same protocol per model.
import type { Event, Thread } from '../extract/types';
import { guardsWithin } from '../extract/query';
import type { CheckContext } from './context';
import type { Finding } from './types';
import { IPI_SENDERS } from '../kb/hv-events';

const REDELIVERS = ['reinject', 'kick', 'wake'];

function callKey(e: Extract<Event, { kind: 'CALL' }>): string {
  return `${e.callee}(${e.args.join(',')})`;
}

export function lostEvent(ctx: CheckContext): Finding[] {
  const out: Finding[] = [];
  const pre = ctx.document.filter((t) => t.side === 'pre');
  const fnKey = (t: Thread): string => `${t.name}|${t.file ?? ''}|${t.unit ?? ''}`;
  const posts = new Map<string, Thread[]>();
  for (const t of ctx.document) if (t.side === 'post') (posts.get(fnKey(t)) ?? posts.set(fnKey(t), []).get(fnKey(t))!).push(t);
  for (const before of pre) {
    // The post-image of the same hunk: same function, overlapping lines in the input.
    const after = [...(posts.get(fnKey(before)) ?? [])].sort((x, y) => overlap(y, before) - overlap(x, before))[0];
    if (!after) continue;
    for (const call of before.events) {
      if (call.kind !== 'CALL' || call.via?.length || !redelivers(call)) continue;
      const kept = after.events.some((e) => e.kind === 'CALL' && callKey(e) === callKey(call));
      if (kept) continue;
      const dequeue = stillDequeues(before, after, call);
      if (!dequeue) continue;
      out.push({
        id: `lost-event:${before.name}:${call.id}`, code: 'lost-event', severity: 'warning', place: ctx.place(before, call.stmt),
        message: `The patch removes ${call.callee}(), but ${after.name}() still dequeues with \`${dequeue.text}\`: the event is lost.`,
        explanation: `Before the patch this path took the pending state off the queue (\`${dequeue.text}\`) and re-delivered it with \`${callKey(call)}\`. `
          + `After the patch the dequeue remains and nothing re-delivers it, so it is dropped for good.`,
        related: [{ place: ctx.place(after, dequeue.stmt), message: 'the dequeue that remains' }],
        models: [], fixes: [],
      });
    }
  }
  return out;
}

function redelivers(call: Extract<Event, { kind: 'CALL' }>): boolean {
  return call.tags.some((g) => REDELIVERS.includes(g)) || IPI_SENDERS.some((s) => s.name === call.callee);
}

/** Takes pending state away: a list removal, or clearing a pending bit / exchanging it for 0. */
function consumes(e: Event): boolean {
  if (e.kind === 'W') return /^list_del/.test(e.prim ?? '');
  return e.kind === 'RMW' && (e.rmw === 'clear-bit' || (e.rmw === 'xchg' && e.value?.trim() === '0'));
}

/** The post-image's counterpart of a consumption that came before the call on the same path. */
function stillDequeues(before: Thread, after: Thread, call: Event): Event | undefined {
  const removal = [...before.events].reverse().find((e) => e.id < call.id && consumes(e) && guardsWithin(e.guards, call.guards));
  if (!removal || (removal.kind !== 'W' && removal.kind !== 'RMW')) return undefined;
  return after.events.find((e) => e.kind === removal.kind && e.prim === removal.prim && e.loc.text === removal.loc.text);
}

function overlap(a: Thread, b: Thread): number {
  return Math.max(0, Math.min(a.span.endLine, b.span.endLine) - Math.max(a.span.line, b.span.line) + 1);
}
