// Unlocked tests acted on under a lock, read from one function's events: the function tests a
// shared location with no lock, and on one outcome takes a lock and, under it, acts on the
// answer without asking again (check-outside-lock.ts says when that is a finding: when the
// location's writers hold that lock). The index keeps the tested locations of each function
// (facts.ts), so whole-tree mode analyses a file that has one and reads its writers' files.
import type { Cond, Event, Thread } from '../extract/types';
import { namesAnObject, namesALock } from './rule-out';

export type Access = Extract<Event, { kind: 'R' | 'W' | 'RMW' }>;
export type LockEvent = Extract<Event, { kind: 'LOCK' | 'UNLOCK' }>;

/** One unlocked test and the access under the lock that relies on it. */
export interface UnlockedTest {
  /** The plain read the condition makes, with no lock the `lock` event takes held. */
  readonly test: Access;
  readonly cond: Cond;
  /** The acquisition that runs on one outcome of the condition. */
  readonly lock: LockEvent;
  readonly use: Access;
}

/**
 * Every unlocked test of `t` that a later critical section relies on, one per location and
 * lock. Loop conditions, marked reads (READ_ONCE(): the lockless test is deliberate), reads a
 * callee made (its result says nothing of what it read under which lock) and trylocks aside.
 */
export function unlockedTests(t: Thread): UnlockedTest[] {
  const out: UnlockedTest[] = [];
  const seen = new Set<string>();
  for (const lock of t.events) {
    if (lock.kind !== 'LOCK' || lock.mode === 'try' || !namesALock(lock.lock.key)) continue;
    const key = lock.lock.key;
    for (const g of lock.guards) {
      const cond = t.conds[g.cond];
      if (!cond || cond.kind === 'loop') continue;
      for (const id of cond.reads) {
        const test = t.events[id];
        if (!test || test.kind !== 'R' || test.annot !== 'plain' || test.id > lock.id || test.held.includes(key) || !sharedObject(test)) continue;
        if (test.via?.some((v) => v.resolution === 'body') || seen.has(`${test.loc.key}|${key}`)) continue;
        const use = staleUse(t, { lock, test, cond, branch: g.value });
        if (!use) continue;
        seen.add(`${test.loc.key}|${key}`);
        out.push({ test, cond, lock, use });
      }
    }
  }
  return out;
}

/**
 * The first access under the lock that acts on the unlocked test's answer, with nothing under
 * the lock asking the question again:
 * - a pointer tested for NULL and then followed (`d->evtchn_fifo->num_evtchns`), where no
 *   condition evaluated under the lock reads the pointer and guards the access;
 * - a location compared with a value and then set to that value (`gt->gt_version ==
 *   op.version`, then `gt->gt_version = op.version`: "nothing to do if already so"), where no
 *   condition under the lock makes the same comparison.
 * Other uses are left alone: code that reads the location again under the lock and decides
 * afresh (vmap's `start >= vm_top[t]` after `vm_top[t] >= vm_end[t]`) re-validates it.
 */
function staleUse(t: Thread, a: { lock: LockEvent; test: Access; cond: Cond; branch: boolean }): Access | undefined {
  const key = a.lock.lock.key;
  const loc = a.test.loc.key;
  const underLock = (c: Cond): boolean => c.reads.some((id) => t.events[id]?.held.includes(key));
  const readsLoc = (c: Cond): boolean => c.reads.some((id) => { const e = t.events[id]; return e !== undefined && 'loc' in e && e.loc.key === loc; });
  const guardedBy = (e: Event, ok: (c: Cond) => boolean): boolean => e.guards.some((g) => { const c = t.conds[g.cond]; return c !== undefined && c !== a.cond && underLock(c) && ok(c); });
  // The branch the lock is on: the pointer seen non-NULL, or the location seen different.
  const zero = a.cond.zeroTest?.read === a.test.id ? a.cond.zeroTest : undefined;
  const nullTest = zero !== undefined && a.branch === zero.nonzero;
  const cmp = zero ? undefined : comparison(a.cond, a.test);
  const compared = cmp && a.branch !== cmp.equal ? cmp.value : undefined;
  if (!nullTest && compared === undefined) return undefined;
  // Events are numbered in program order: only those after the acquisition can be under it.
  for (let id = a.lock.id + 1; id < t.events.length; id++) {
    const e = t.events[id]!;
    if (!e.held.includes(key) || (e.kind !== 'R' && e.kind !== 'W' && e.kind !== 'RMW')) continue;
    // In the critical section the guarded lock opens, on the branch the test chose.
    if (!e.guards.some((g) => g.cond === a.cond.id && g.value === a.branch)) continue;
    const acts = (nullTest && e.loc.key !== loc && through(e.loc.key, loc) && !guardedBy(e, readsLoc))
      || (compared !== undefined && e.kind === 'W' && e.loc.key === loc && e.value !== undefined && normalized(e.value) === compared && !guardedBy(e, (c) => sameTest(t, c, a.cond)));
    if (acts && !releasedBetween(t, a.lock, e)) return e;
  }
  return undefined;
}

/** The lock is released on every path from `lock` to `e` (an unlock that runs whenever `e` does). */
function releasedBetween(t: Thread, lock: LockEvent, e: Event): boolean {
  for (let id = lock.id + 1; id < e.id; id++) {
    const u = t.events[id]!;
    if (u.kind === 'UNLOCK' && u.lock.key === lock.lock.key && u.guards.every((g) => e.guards.some((h) => h.cond === g.cond && h.value === g.value))) return true;
  }
  return false;
}

/**
 * `L == v` or `L != v` (under any number of `!`), with `L` the test's read: `v` normalized, and
 * whether the condition is true when the two are equal.
 */
function comparison(cond: Cond, test: Access): { value: string; equal: boolean } | undefined {
  const { core: s, negated } = unwrapped(cond.text);
  const m = /^(.+?)(==|!=)(.+)$/.exec(s);
  if (!m || /&&|\|\||\?|[=!]=/.test(m[1]! + m[3]!)) return undefined;
  const read = normalized(test.text);
  const value = m[1] === read ? m[3]! : m[3] === read ? m[1]! : undefined;
  return value === undefined ? undefined : { value, equal: (m[2] === '==') !== negated };
}

/** `key` is the location or a path through it (`…->evtchn_fifo->num_evtchns`, `…->map[]`). */
function through(key: string, loc: string): boolean {
  return key === loc || (key.startsWith(loc) && /^(?:->|\.|\[)/.test(key.slice(loc.length)));
}

/**
 * Two conditions make the same test: both whether one location is zero, both one bit of one
 * location, or the same text once negation, likely()/unlikely(), parentheses and spaces are set
 * aside (`gt->gt_version == op.version` before the lock and under it).
 */
function sameTest(t: Thread, a: Cond, b: Cond): boolean {
  const locOf = (id: number): string | undefined => { const e = t.events[id]; return e && 'loc' in e ? e.loc.key : undefined; };
  if (a.zeroTest && b.zeroTest) return locOf(a.zeroTest.read) === locOf(b.zeroTest.read);
  if (a.bitTest && b.bitTest) return locOf(a.bitTest.read) === locOf(b.bitTest.read) && a.bitTest.bit.text === b.bitTest.bit.text;
  return normalized(a.text) === normalized(b.text);
}

/** A condition's text without spaces, and without the negations, likely()/unlikely() and parentheses around it. */
export function normalized(text: string): string {
  return unwrapped(text).core;
}

/** What `normalized()` leaves, and whether an odd number of `!` was taken off on the way. */
function unwrapped(text: string): { core: string; negated: boolean } {
  let s = text.replace(/\s+/g, '');
  let negated = false;
  for (let last = ''; last !== s;) {
    last = s;
    const bangs = /^!*/.exec(s)![0].length;
    negated = negated !== (bangs % 2 === 1);
    s = s.slice(bangs).replace(/^(?:un)?likely\((.*)\)$/, '$1').replace(/^\((.*)\)$/, '$1');
  }
  return { core: s, negated };
}

/**
 * A member of a known struct type or a global: a path rooted at a variable of unknown type names
 * different memory in different functions, and the running CPU's own data is nobody else's.
 */
function sharedObject(e: Access): boolean {
  const { loc } = e;
  if (loc.cpuLocal || !namesAnObject(loc.key)) return false;
  return loc.rootType !== undefined || !/->|\./.test(loc.key);
}
