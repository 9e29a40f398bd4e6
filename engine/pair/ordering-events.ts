// The events of one side of a scenario that can order its two accesses: locks taken before and
// released after both, and the fences, atomics and lock operations between them on one path.
// Locks the function's caller holds (it asserts them) have no events: they come separately.
import type { CallerHeld, Event, Thread } from '../extract/types';
import { compatible } from './peers';

/**
 * The events that can order `first` before `second`: locks taken before and released after
 * both, and what lies between; and the caller's locks held across both (outside all of those).
 */
export function orderingEvents(s: { thread: Thread; first?: Event; second: Event }): {
  before: Event[]; between: Event[]; after: Event[]; callerHeld: CallerHeld[];
} {
  const { thread, first, second } = s;
  const lo = first?.id ?? -1;
  const between = thread.events.filter((e) =>
    e.id > lo && e.id < second.id && compatible(e, second) && (!first || compatible(e, first)) &&
    (e.kind === 'F' || e.kind === 'RMW' || e.kind === 'LOCK' || e.kind === 'UNLOCK'));
  const heldAcross = first ? first.held.filter((k) => second.held.includes(k)) : second.held;
  const start = first?.id ?? second.id;
  const locks = heldAcross.map((k) => [...thread.events].reverse().find((e) => e.kind === 'LOCK' && e.lock.key === k && e.id < start)).filter((e): e is Event => !!e);
  const unlocks = heldAcross.map((k) => thread.events.find((e) => e.kind === 'UNLOCK' && e.lock.key === k && e.id > second.id && compatible(e, second))).filter((e): e is Event => !!e);
  const callerHeld = (thread.callerHolds ?? []).filter((h) => heldAcross.includes(h.lock.key));
  return { before: locks.sort((a, b) => a.id - b.id), between, after: unlocks.sort((a, b) => a.id - b.id), callerHeld };
}
