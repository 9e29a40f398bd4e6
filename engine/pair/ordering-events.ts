// The events of one side of a scenario that can order its two accesses: locks taken before and
// released after both, the RCU read-side critical section around both (what a grace period on
// the other CPU waits for), and the fences, atomics and lock operations between them on one path.
// Locks the function's caller holds (it asserts them) have no events: they come separately.
// Also the side's other accesses to the cycle's own locations between the two (revisits): a
// read then a write of the same location is ordered (coherence; Arm's local write successor,
// LKMM's internal overwrite), and a barrier after that write then orders it before the second.
import type { CallerHeld, Event, Guard, Thread } from '../extract/types';
import { compatible } from './peers';

/** Revisits kept per side: each adds an access to the test, and dropping one only drops ordering. */
export const MAX_REVISITS = 4;

/**
 * The events that can order `first` before `second`: locks taken before and released after
 * both, and what lies between; and the caller's locks held across both (outside all of those).
 */
export function orderingEvents(s: { thread: Thread; first?: Event; second: Event }): {
  before: Event[]; between: Event[]; after: Event[]; callerHeld: CallerHeld[]; revisits: Access[];
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
  const rcu = rcuSection(thread, start, second);
  const before = [...locks, ...(rcu ? [rcu.lock] : [])].sort((a, b) => a.id - b.id);
  const after = [...unlocks, ...(rcu ? [rcu.unlock] : [])].sort((a, b) => a.id - b.id);
  const callerHeld = (thread.callerHolds ?? []).filter((h) => heldAcross.includes(h.lock.key));
  return { before, between, after, callerHeld, revisits: revisits(s) };
}

type Access = Extract<Event, { kind: 'R' | 'W' }>;

/**
 * Plain reads and writes of the first's or the second's location (the very same access path)
 * between the two, that run on every path that runs the second: each is under no condition the
 * second is not under. One that runs only sometimes would add ordering the other paths lack.
 * Atomics are not here: they are between-events already. Nor is a write to the location the
 * second access reads: the test asks whether that read misses the other CPU's store, and
 * reading back one's own overwrite may miss it or not, which one value cannot say.
 */
function revisits(s: { thread: Thread; first?: Event; second: Event }): Access[] {
  const { thread, first, second } = s;
  if (!first || !('loc' in first) || !('loc' in second)) return [];
  const secondReads = second.kind === 'R' || second.kind === 'RMW';
  const out: Access[] = [];
  for (const e of thread.events) {
    if (e.id <= first.id || e.id >= second.id || out.length >= MAX_REVISITS) continue;
    if (e.kind !== 'R' && e.kind !== 'W') continue;
    const at = e.loc.key === first.loc.key ? 'first' : e.loc.key === second.loc.key ? 'second' : undefined;
    if (!at || (at === 'second' && e.kind === 'W' && secondReads)) continue;
    if (e.guards.every((g) => hasGuard(second.guards, g))) out.push(e);
  }
  return out;
}

/** `g` is among `gs`: the same condition, the same way. */
export function hasGuard(gs: readonly Guard[], g: Guard): boolean {
  return gs.some((h) => h.cond === g.cond && h.value === g.value);
}

const isRcu = (e: Event, what: 'rcu-lock' | 'rcu-unlock'): boolean => e.kind === 'F' && e.fence === what;

/**
 * The outermost rcu_read_lock() still open at event `start` and the rcu_read_unlock() that
 * closes it after `second`, on the same path; nested sections are one section.
 */
function rcuSection(thread: Thread, start: number, second: Event): { lock: Event; unlock: Event } | undefined {
  const open: Event[] = [];
  for (const e of thread.events) {
    if (e.id >= start) break;
    if (!compatible(e, second)) continue;
    if (isRcu(e, 'rcu-lock')) open.push(e);
    else if (isRcu(e, 'rcu-unlock')) open.pop();
  }
  if (open.length === 0) return undefined;
  let depth = open.length;
  for (const e of thread.events) {
    if (e.id <= second.id || !compatible(e, second)) continue;
    if (isRcu(e, 'rcu-lock')) depth++;
    else if (isRcu(e, 'rcu-unlock') && --depth === 0) return { lock: open[0]!, unlock: e };
  }
  return undefined;
}
