// Locks a callee releases for its caller. `vgic_queue_irq_unlock(d, irq, flags)` is called with
// `irq->irq_lock` held and returns with it released, on every path (it drops it, takes the
// list lock, takes it again and drops both). Inlined, extraction sees that; through a callee of
// another file, the caller's events still list the lock as held, and every lock it takes later
// looks ordered after it. A callee releases its caller's lock when it unlocks a lock it did not
// take, every `return` follows such a release on its path, and its last operation on that lock
// is an unlock: then the lock is not held after the call, until the caller takes it again.
// Anything less certain (a release on one path only) keeps the lock held: more orders, never
// fewer.
import { guardsWithin } from '../../extract/query';
import type { Event, Thread } from '../../extract/types';

const memo = new WeakMap<Thread, readonly string[]>();

/** Keys of the locks held on entry that `t` has released by the time it returns, on every path. */
export function callerReleases(t: Thread): readonly string[] {
  const known = memo.get(t);
  if (known) return known;
  const own = t.events.filter((e) => (e.kind === 'LOCK' || e.kind === 'UNLOCK') && !e.via?.length) as Extract<Event, { kind: 'LOCK' | 'UNLOCK' }>[];
  const out: string[] = [];
  for (const key of new Set(own.map((e) => e.lock.key))) {
    const ops = own.filter((e) => e.lock.key === key);
    // An unlock of a lock the function does not hold at that point is the caller's.
    const releases = ops.filter((e) => e.kind === 'UNLOCK' && !e.held.includes(key));
    // The last operation an unlock, on the path that falls off the end too.
    const last = ops[ops.length - 1]!;
    const end = t.events[t.events.length - 1]!;
    if (releases.length === 0 || last.kind !== 'UNLOCK' || !guardsWithin(last.guards, end.guards)) continue;
    const returns = t.events.filter((e) => e.kind === 'EXIT' && e.how === 'return');
    if (returns.every((x) => releases.some((r) => r.id < x.id && guardsWithin(r.guards, x.guards)))) out.push(key);
  }
  memo.set(t, out);
  return out;
}
