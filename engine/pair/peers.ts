// Which functions may run against which: the ones that touch the same shared locations
// (type-rooted keys, so `v->is_initialised` in one function meets `vcpu->is_initialised` in
// another). CPU-local locations (`current`, ASSERT(v == current)) are never shared.
import type { Event, Loc, Thread } from '../extract/types';
import { guardsContradict, memoryEvents, type MemoryEvent } from '../extract/query';

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
export function matchKeys(l: Loc): readonly string[] {
  let keys = keyCache.get(l);
  if (!keys) {
    const m = /(->|\.)/.exec(l.key);
    const path = m ? l.key.slice(m.index) : '';
    keys = path ? [l.key, `${l.root}::${path}`] : [l.key];
    keyCache.set(l, keys);
  }
  return keys;
}

const keyCache = new WeakMap<Loc, readonly string[]>();

/**
 * The two locations share a match key (a type-rooted key never equals a root::path key). Two
 * paths rooted at different known types are different memory whatever their variables are
 * called (`p->ro_map` of two unrelated structs); names match only where a type is not in view.
 */
export function sameLoc(a: Loc, b: Loc): boolean {
  if (a.key === b.key) return true;
  if (a.rootType !== undefined && b.rootType !== undefined && a.rootType !== b.rootType) return false;
  const ka = matchKeys(a);
  const kb = matchKeys(b);
  return ka.length > 1 && kb.length > 1 && ka[1] === kb[1];
}

const sharedCache = new WeakMap<Thread, Map<string, string>>();

/** Every match key of the thread's shared locations, mapped to the location's own key. */
function sharedIndex(t: Thread): Map<string, string> {
  let m = sharedCache.get(t);
  if (!m) {
    m = new Map();
    for (const e of memoryEvents(t)) if (!e.loc.cpuLocal) for (const k of matchKeys(e.loc)) m.set(k, e.loc.key);
    sharedCache.set(t, m);
  }
  return m;
}

/**
 * Candidate peers of `t`: every other thread sharing at least two locations with it (a
 * two-CPU cycle needs two), or one when either is a hunk shown from mid-function, whose
 * earlier accesses may be assumed.
 */
export function peersOf(t: Thread, all: readonly Thread[], byKey?: ReadonlyMap<string, readonly Thread[]>): Thread[] {
  const mine = sharedIndex(t);
  // How many of u's locations meet one of t's, counted up to `enough`: walks the smaller index.
  const overlaps = (u: Thread, enough: number): boolean => {
    const theirs = sharedIndex(u);
    const hit = new Set<string>();
    if (theirs.size <= mine.size) {
      for (const [k, own] of theirs) if (mine.has(k) && hit.add(own).size >= enough) return true;
    } else {
      for (const k of mine.keys()) { const own = theirs.get(k); if (own !== undefined && hit.add(own).size >= enough) return true; }
    }
    return false;
  };
  const peer = (u: Thread): boolean => u !== t && !(u.name === t.name && u.file === t.file && u.side === t.side) && overlaps(u, t.partial || u.partial ? 1 : 2);
  if (!byKey) return all.filter(peer);
  // With an index of who touches which key, only threads sharing a key are looked at, in the
  // order their first shared key comes.
  const candidates = new Set<Thread>();
  for (const k of mine.keys()) for (const u of byKey.get(k) ?? []) candidates.add(u);
  return [...candidates].filter(peer);
}

/** Threads by every match key of their shared locations, for peersOf. */
export function threadsByKey(all: readonly Thread[]): Map<string, Thread[]> {
  const out = new Map<string, Thread[]>();
  for (const u of all) for (const k of sharedIndex(u).keys()) (out.get(k) ?? out.set(k, []).get(k)!).push(u);
  return out;
}

/** Two guard lists can hold on one path unless they need one condition both ways. */
export function compatible(a: Event, b: Event): boolean {
  return !guardsContradict(a.guards, b.guards);
}
