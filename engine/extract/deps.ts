// Dependencies between the events of one function. Address and data dependencies are listed
// with the thread (Thread.valueDeps). A control dependency is not: an access depends on every
// earlier read that a condition among its guards reads, so it is read off the guards and the
// conditions when asked. Listed, they were five objects per event on Xen's xen/ (2.8 million
// for the whole tree, 40% of the memory its threads held), made for every function walked and
// asked of the few that pair.
import type { Dep, Event, Guard, Thread } from './types';

/** Whether `e` runs only under a condition that reads the event with id `read`. */
export function guardedBy(t: Thread, read: number, e: Event): boolean {
  return e.guards.some((g) => condOf(t, g.cond)?.reads.includes(read) ?? false);
}

/** Whether `to` (an access) is control-dependent on the read with id `from`: guarded by it, after it. */
export function ctrlDependent(t: Thread, from: number, to: Event): boolean {
  return from < to.id && isAccess(to) && guardedBy(t, from, to);
}

/** A condition by id: its index in `conds` as extraction numbers them, else found by id. */
function condOf(t: Thread, id: number): Thread['conds'][number] | undefined {
  const c = t.conds[id];
  return c?.id === id ? c : t.conds.find((x) => x.id === id);
}

/** The kinds of the dependencies from event `from` to event `to`, value ones as listed, then ctrl. */
export function dependencyKinds(t: Thread, from: Event, to: Event): Array<Dep['kind']> {
  const kinds: Array<Dep['kind']> = [];
  for (const d of t.valueDeps) if (d.from === from.id && d.to === to.id) kinds.push(d.kind);
  if (ctrlDependent(t, from.id, to)) kinds.push('ctrl');
  return kinds;
}

/** Whether `to` depends on `from` in any way. */
export function dependsOn(t: Thread, from: Event, to: Event): boolean {
  return t.valueDeps.some((d) => d.from === from.id && d.to === to.id) || ctrlDependent(t, from.id, to);
}

/** Whether some later event depends on `from` (a condition reading it is enough for ctrl). */
export function hasDependents(t: Thread, from: Event): boolean {
  // A control dependency needs a condition that reads `from`: only then are the events scanned.
  return t.valueDeps.some((d) => d.from === from.id)
    || (t.conds.some((c) => c.reads.includes(from.id)) && t.events.some((e) => ctrlDependent(t, from.id, e)));
}

/**
 * Every dependency of the thread, control ones included, sorted by target, then source, then
 * kind: for printing, and for the few callers that need them all. Made anew on each call.
 */
export function dependencies(t: Thread, among?: ReadonlySet<number>): Dep[] {
  const out: Dep[] = among ? t.valueDeps.filter((d) => among.has(d.from) && among.has(d.to)) : [...t.valueDeps];
  // Events share their guards arrays (walker.ts currentGuards()): the reads one array's
  // conditions name are gathered once per array, each once.
  const readsUnder = new Map<readonly Guard[], number[]>();
  const targets = among ? [...among].sort((x, y) => x - y).flatMap((id) => t.events[id] ?? []) : t.events;
  for (const e of targets) {
    if (!isAccess(e)) continue;
    let reads = readsUnder.get(e.guards);
    if (!reads) {
      const seen = new Set<number>();
      for (const g of e.guards) for (const r of condOf(t, g.cond)?.reads ?? []) seen.add(r);
      reads = [...seen];
      readsUnder.set(e.guards, reads);
    }
    for (const from of reads) if (from < e.id && (!among || among.has(from))) out.push({ kind: 'ctrl', from, to: e.id });
  }
  return out.sort(byTargetThenSource);
}

/** The order dependencies are kept and printed in: by target, then source, then kind. */
export function byTargetThenSource(a: Dep, b: Dep): number {
  return a.to - b.to || a.from - b.from || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0);
}

function isAccess(e: Event): boolean {
  return e.kind === 'R' || e.kind === 'W' || e.kind === 'RMW';
}
