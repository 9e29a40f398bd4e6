// lock-order-inversion: two paths take the same two locks in opposite orders, so each can hold
// one and wait forever for the other (ABBA deadlock). Lock orders are collected through callees
// whose bodies or knowledge-base summaries are known (gic_clear_lrs() holds the vgic lock and
// reaches vgic_get_target_vcpu(), which takes the rank lock; vgic_store_itargetsr() holds the
// rank lock and reaches vgic_migrate_irq(), which takes the vgic lock). A lock a function
// asserts its caller holds (ASSERT(spin_is_locked(...)), lockdep_assert_held()) counts as held.
import { lockOrders } from '../extract/query';
import type { Event, Thread } from '../extract/types';
import type { CheckContext } from './context';
import type { Finding } from './types';

interface Order {
  readonly thread: Thread;
  readonly held: string;
  readonly taken: string;
  readonly event: Event;
}

function lockText(e: Event): string {
  return e.kind === 'LOCK' ? e.lock.text : e.text;
}

export function lockOrderInversion(ctx: CheckContext): Finding[] {
  const orders: Order[] = ctx.all.flatMap((t) => lockOrders(t).map((o) => ({ thread: t, held: o.held, taken: o.taken, event: t.events[o.event]! })));
  const out = new Map<string, Finding>();
  for (const a of orders) {
    if (!ctx.isDocument(a.thread)) continue;
    const b = orders.find((o) => o.held === a.taken && o.taken === a.held && o.thread !== a.thread);
    if (!b) continue;
    const id = `lock-order:${a.thread.name}:${a.event.id}`;
    // Both paths of one inversion are in the document: one finding, the other path related.
    const mirror = `lock-order:${b.thread.name}:${b.event.id}`;
    if (out.has(id) || out.has(mirror)) continue;
    const heldEvent = a.thread.events.find((e) => e.kind === 'LOCK' && e.lock.key === a.held && e.id < a.event.id);
    // A lock the function asserts instead of taking: its caller took it, before the function ran.
    const byCaller = heldEvent ? undefined : a.thread.callerHolds?.find((h) => h.lock.key === a.held);
    const via = a.event.via?.length ? ` (via ${a.event.via.map((v) => `${v.callee}()`).join(' → ')})` : '';
    const viaB = b.event.via?.length ? ` (via ${b.event.via.map((v) => `${v.callee}()`).join(' → ')})` : '';
    out.set(id, {
      id, code: 'lock-order-inversion', severity: 'warning', place: ctx.place(a.thread, a.event.stmt),
      message: `${a.thread.name}() takes ${lockText(a.event)} while holding ${a.held}${byCaller ? ' (taken by its caller)' : ''}${via}, but ${b.thread.name}() takes them in the opposite order${viaB}: the two can deadlock.`,
      explanation: `Lock order \`${a.held}\` → \`${a.taken}\` in ${a.thread.name}()${via}, and \`${b.held}\` → \`${b.taken}\` in ${b.thread.name}()${viaB}. `
        + 'If each CPU gets its first lock, neither can take its second (ABBA). Take them in one order everywhere, or avoid holding one across the other.',
      related: [
        ...(heldEvent ? [{ place: ctx.place(a.thread, heldEvent.stmt), message: `${a.held} taken here` }] : []),
        ...(byCaller ? [{ place: ctx.place(a.thread, byCaller.span), message: `${a.held} held by the caller, as ${a.thread.name}() asserts here` }] : []),
        { place: ctx.place(b.thread, b.event.stmt), message: `the opposite order: ${b.thread.name}() takes ${b.taken} while holding ${b.held}` },
      ],
      models: [], fixes: [],
    });
  }
  return [...out.values()];
}
