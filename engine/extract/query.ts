// Small read-only views of a thread that pairing and the checks ask for repeatedly.
import type { Event, Guard, Thread } from './types';

export type MemoryEvent = Extract<Event, { kind: 'R' | 'W' | 'RMW' }>;

export function isMemory(e: Event): e is MemoryEvent {
  return e.kind === 'R' || e.kind === 'W' || e.kind === 'RMW';
}

/** The thread's loads, stores and RMWs, in program order. */
export function memoryEvents(t: Thread): MemoryEvent[] {
  return t.events.filter(isMemory);
}

/** Every guard of `outer` is also a guard of `inner`: `inner` runs only where `outer` does. */
export function guardsWithin(outer: readonly Guard[], inner: readonly Guard[]): boolean {
  return outer.every((g) => inner.some((h) => h.cond === g.cond && h.value === g.value));
}

/** The two guard lists need one condition both ways: no path runs both. */
export function guardsContradict(a: readonly Guard[], b: readonly Guard[]): boolean {
  return a.some((g) => b.some((h) => h.cond === g.cond && h.value !== g.value));
}

/** Location keys the thread touches (type-rooted where known), for finding its peers. */
export function locationKeys(t: Thread): Set<string> {
  return new Set(memoryEvents(t).map((e) => e.loc.key));
}

/**
 * The LOCK events that stand in for a knowledge-base function's own lock (tag `hidden-lock`:
 * irq_set_affinity() takes the GIC driver's lock on Arm, none on x86): modelled for their
 * barrier, not a lock any caller can name or order.
 */
export function standInLocks(t: Thread): (e: Event) => boolean {
  const hidden = new Set(t.events.flatMap((e) => (e.kind === 'CALL' && e.tags.includes('hidden-lock') ? [e.callee] : [])));
  if (hidden.size === 0) return () => false;
  return (e) => e.kind === 'LOCK' && (e.via ?? []).some((v) => v.resolution === 'kb' && hidden.has(v.callee));
}

export type Drop = Extract<Event, { kind: 'LOCK' | 'UNLOCK' }>;

/** A function's releases of a lock it does not hold there: its caller's. */
export function callerDrops(t: Thread): Drop[] {
  return t.events.filter((e): e is Drop => e.kind === 'UNLOCK' && !e.held.includes(e.lock.key));
}

/** Keys of the caller's locks released before `e` on every path to it (the release's branch encloses it). */
export function droppedBefore(e: Event, drops: readonly Drop[]): string[] {
  return [...new Set(drops.filter((d) => d.id < e.id && guardsWithin(d.guards, e.guards)).map((d) => d.lock.key))].sort();
}

/** Every "lock B taken while A is held" edge, with the LOCK event that takes B. */
export function lockOrders(t: Thread): { held: string; taken: string; event: number }[] {
  const out: { held: string; taken: string; event: number }[] = [];
  for (const e of t.events) {
    if (e.kind !== 'LOCK') continue;
    for (const h of e.held) if (h !== e.lock.key) out.push({ held: h, taken: e.lock.key, event: e.id });
  }
  return out;
}
