// Which functions may run against which: the ones that touch the same shared locations
// (type-rooted keys, so `v->is_initialised` in one function meets `vcpu->is_initialised` in
// another). CPU-local locations (`current`, ASSERT(v == current)) are never shared.
import type { Event, Loc, Thread } from '../extract/types';
import { memoryEvents, type MemoryEvent } from '../extract/query';

export function isSharedAccess(e: Event): e is MemoryEvent {
  return (e.kind === 'R' || e.kind === 'W' || e.kind === 'RMW') && !e.loc.cpuLocal;
}

export function writes(e: Event): boolean {
  return e.kind === 'W' || e.kind === 'RMW';
}

/** Reads that return a value (a void RMW such as set_bit observes nothing). */
export function observes(e: Event): boolean {
  return e.kind === 'R' || (e.kind === 'RMW' && e.annot !== 'noreturn');
}

/**
 * Keys under which a location can be recognised in another function: its type-rooted key, and
 * its root variable plus field path, so a hunk that starts mid-function (where `v`'s type is
 * not in view) still meets `v->is_initialised` in a function that declares `struct vcpu *v`.
 */
export function matchKeys(l: Loc): string[] {
  const m = /(->|\.)/.exec(l.key);
  const path = m ? l.key.slice(m.index) : '';
  return path ? [l.key, `${l.root}::${path}`] : [l.key];
}

export function sameLoc(a: Loc, b: Loc): boolean {
  if (a.key === b.key) return true;
  const kb = matchKeys(b);
  return matchKeys(a).some((k) => kb.includes(k));
}

export function sharedKeys(t: Thread): Set<string> {
  return new Set(memoryEvents(t).filter((e) => !e.loc.cpuLocal).flatMap((e) => matchKeys(e.loc)));
}

/**
 * Candidate peers of `t`: every other thread sharing at least two locations with it (a
 * two-CPU cycle needs two), or one when either is a hunk shown from mid-function, whose
 * earlier accesses may be assumed.
 */
export function peersOf(t: Thread, all: readonly Thread[]): Thread[] {
  const mine = sharedKeys(t);
  const overlap = (u: Thread): number => new Set(memoryEvents(u).filter((e) => !e.loc.cpuLocal && matchKeys(e.loc).some((k) => mine.has(k))).map((e) => e.loc.key)).size;
  return all.filter((u) => u !== t && !(u.name === t.name && u.file === t.file && u.side === t.side) && overlap(u) >= (t.partial || u.partial ? 1 : 2));
}

/** Two guard lists can hold on one path unless they need one condition both ways. */
export function compatible(a: Event, b: Event): boolean {
  return a.guards.every((g) => !b.guards.some((h) => h.cond === g.cond && h.value !== g.value));
}
