// lost-event: the patch removes the call that delivers pending state (re-inject an IRQ, kick
// or wake a vCPU, send an IPI) while the state it delivers is still there, so the event is
// dropped. Seed 001's v3 patch took out `vgic_vcpu_inject_irq(new, irq)` after
// `list_del_init(&p->inflight)`: the interrupt leaves the queue and is never injected again.
// Delivering is a KB kick/wake/reinject or any IPI sender (engine/kb/hv-events.ts). The state
// is still there when, on the call's path, the post-image still
// - consumes it: dequeues (list_del*) or clears a pending bit (clear_bit, test_and_clear_bit,
//   xchg to 0) and so takes it from whoever would have found it;
// - publishes it: writes what the call announced (`set_bit(X, &v->pending); vcpu_kick(v)`),
//   so the write stays and nobody is told;
// - or the call was the body of a test for it (`if ( pending ) inject(...)`): the event the
//   test detects is no longer delivered from here when it is pending.
// A call the post-image makes elsewhere in the patch (moved, not removed) is not reported.
// When the vCPU side is in view, lost-wakeup judges the same protocol per model.
import type { Cond, Event, Span, Thread } from '../extract/types';
import { guardsWithin } from '../extract/query';
import type { CheckContext } from './context';
import type { Finding } from './types';
import { IPI_SENDERS } from '../kb/hv-events';

const REDELIVERS = ['reinject', 'kick', 'wake'];

type Call = Extract<Event, { kind: 'CALL' }>;

function callKey(e: Call): string {
  return `${e.callee}(${e.args.join(',')})`;
}

/** Why the state the call delivered is still there after the patch, said for the message. */
interface Remains {
  readonly what: string;
  readonly before: string;
  /** Where the related location points: the write, or the test. */
  readonly at: Span;
  readonly relatedMessage: string;
  readonly inAfter: boolean;
}

export function lostEvent(ctx: CheckContext): Finding[] {
  const out: Finding[] = [];
  const pre = ctx.document.filter((t) => t.side === 'pre');
  const fnKey = (t: Thread): string => `${t.name}|${t.file ?? ''}|${t.unit ?? ''}`;
  const posts = new Map<string, Thread[]>();
  for (const t of ctx.document) if (t.side === 'post') (posts.get(fnKey(t)) ?? posts.set(fnKey(t), []).get(fnKey(t))!).push(t);
  // Calls the patch leaves (or puts) anywhere in its post-images: a delivery moved, not dropped.
  const delivered = new Set(ctx.document.filter((t) => t.side === 'post').flatMap((t) => t.events.filter((e): e is Call => e.kind === 'CALL').map(callKey)));
  for (const before of pre) {
    // The post-image of the same hunk: same function, overlapping lines in the input.
    const after = [...(posts.get(fnKey(before)) ?? [])].sort((x, y) => overlap(y, before) - overlap(x, before))[0];
    if (!after) continue;
    for (const call of before.events) {
      if (call.kind !== 'CALL' || call.via?.length || !redelivers(call) || delivered.has(callKey(call))) continue;
      const remains = stillDequeues(before, after, call) ?? stillPublishes(before, after, call) ?? testedFor(before, call);
      if (!remains) continue;
      const thread = remains.inAfter ? after : before;
      out.push({
        id: `lost-event:${before.name}:${call.id}`, code: 'lost-event', severity: 'warning', place: ctx.place(before, call.stmt),
        message: `The patch removes ${call.callee}(), but ${remains.what}: the event is lost.`,
        explanation: `Before the patch ${remains.before} and delivered it with \`${callKey(call)}\`. `
          + `After the patch nothing on this path delivers it, so it is dropped for good (unless the commit message says what delivers it now).`,
        related: [{ place: ctx.place(thread, remains.at), message: remains.relatedMessage }],
        models: [], fixes: [],
      });
    }
  }
  return out;
}

function redelivers(call: Call): boolean {
  return call.tags.some((g) => REDELIVERS.includes(g)) || IPI_SENDERS.some((s) => s.name === call.callee);
}

/** Takes pending state away: a list removal, or clearing a pending bit / exchanging it for 0. */
function consumes(e: Event): boolean {
  if (e.kind === 'W') return /^list_del/.test(e.prim ?? '');
  return e.kind === 'RMW' && (e.rmw === 'clear-bit' || (e.rmw === 'xchg' && e.value?.trim() === '0'));
}

/** The last write of the kind `pick` accepts that came before the call on its path, and its post-image counterpart. */
function keptWrite(before: Thread, after: Thread, call: Event, pick: (e: Event) => boolean): Event | undefined {
  const write = [...before.events].reverse().find((e) => e.id < call.id && !e.via?.length && pick(e) && guardsWithin(e.guards, call.guards));
  if (!write || (write.kind !== 'W' && write.kind !== 'RMW')) return undefined;
  return after.events.find((e) => e.kind === write.kind && e.prim === write.prim && e.loc.text === write.loc.text);
}

/** The post-image still consumes the pending state the call re-delivered. */
function stillDequeues(before: Thread, after: Thread, call: Event): Remains | undefined {
  const dequeue = keptWrite(before, after, call, consumes);
  return dequeue && {
    what: `${after.name}() still dequeues with \`${dequeue.text}\``, at: dequeue.stmt, inAfter: true,
    before: `this path took the pending state off the queue (\`${dequeue.text}\`)`, relatedMessage: 'the dequeue that remains',
  };
}

/** The post-image still writes the state the call announced. */
function stillPublishes(before: Thread, after: Thread, call: Event): Remains | undefined {
  const publishes = (e: Event): boolean => (e.kind === 'W' || (e.kind === 'RMW' && e.rmw !== 'clear-bit')) && !consumes(e) && !e.loc.cpuLocal;
  const write = keptWrite(before, after, call, publishes);
  return write && {
    what: `${after.name}() still publishes \`${write.text}\`, which the call announced, and nobody is told`, at: write.stmt, inAfter: true,
    before: `this path published \`${write.text}\``, relatedMessage: 'the write nobody is told about now',
  };
}

/** The call was what the function did when a test found the event pending (`if ( pending ) deliver`). */
function testedFor(before: Thread, call: Event): Remains | undefined {
  const guard = [...call.guards].reverse().map((g) => before.conds[g.cond]).find((c): c is Cond => !!c && c.kind === 'if');
  // A test of state: something is read or called to decide (not a constant or a parameter alone).
  const readsState = guard && (guard.reads.length > 0 || before.events.some((e) => e.kind === 'CALL' && within(e.span, guard.span)));
  if (!guard || !readsState) return undefined;
  const test = guard.text.replace(/^\(\s*(.*?)\s*\)$/s, '$1');
  return {
    what: `${before.name}() called it when \`${test}\` found an event pending, and when one is pending here nothing on this path delivers it`, at: guard.span, inAfter: false,
    before: `${before.name}() tested \`${test}\` for a pending event`, relatedMessage: 'the test for the pending event, gone with the delivery',
  };
}

function within(inner: { line: number; col: number }, outer: { line: number; col: number; endLine: number; endCol: number }): boolean {
  const after = inner.line > outer.line || (inner.line === outer.line && inner.col >= outer.col);
  const before = inner.line < outer.endLine || (inner.line === outer.endLine && inner.col < outer.endCol);
  return after && before;
}

function overlap(a: Thread, b: Thread): number {
  return Math.max(0, Math.min(a.span.endLine, b.span.endLine) - Math.max(a.span.line, b.span.line) + 1);
}
