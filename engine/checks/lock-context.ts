// lock-context: a primitive that must not run under a lock or with interrupts off is reached
// there — do_softirq() and process_pending_softirqs() with a lock held (Xen runs softirqs that
// may take the same lock or reschedule), or a sleeping call with a spinlock held or IRQs off.
// The knowledge base tags such primitives (`softirq`, `must-not-hold-lock`, `sleeps`).
import type { CheckContext } from './context';
import type { Finding } from './types';

export function lockContext(ctx: CheckContext): Finding[] {
  const out: Finding[] = [];
  for (const t of ctx.document) {
    if (t.side === 'pre') continue;
    // A lock the caller holds by lockdep's word may be a mutex, under which sleeping is fine.
    const maySleepUnder = new Set((t.callerHolds ?? []).filter((h) => !h.spins).map((h) => h.lock.key));
    for (const e of t.events) {
      if (e.kind !== 'CALL') continue;
      const noLock = e.tags.includes('must-not-hold-lock') || e.tags.includes('softirq');
      const sleeps = e.tags.includes('sleeps');
      const held = e.held.filter((k) => !/mutex|sem/.test(k) && !maySleepUnder.has(k));
      const problem = noLock && e.held.length > 0 ? `with ${e.held.join(', ')} held`
        : sleeps && held.length > 0 ? `with spinlock ${held.join(', ')} held`
          : sleeps && e.irqsOff ? 'with interrupts disabled' : undefined;
      if (!problem) continue;
      out.push({
        id: `lock-context:${t.name}:${e.id}`, code: 'lock-context', severity: 'warning', place: ctx.place(t, e.stmt),
        message: `${e.callee}() must not be called ${problem}.`,
        explanation: `${e.callee}() ${noLock ? 'may run work that takes locks or reschedules' : 'may sleep'}; reaching it ${problem} can deadlock or schedule in atomic context.${e.source ? ` (Source: ${e.source}.)` : ''}`,
        related: [], models: [], fixes: [],
      });
    }
  }
  return out;
}
