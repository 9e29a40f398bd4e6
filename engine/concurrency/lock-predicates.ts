// Lock tests defined in a tree, read from its text like its lock wrappers (lock-wrappers.ts):
// a macro or a function whose whole body returns a test that a lock is held, so that
// `ASSERT(paging_locked_by_me(d))` says the caller holds that lock. Learned:
// - a test of the knowledge base (`spin_is_locked`, `rw_is_locked`) on a path under a
//   parameter: `#define vgic_is_locked(v) spin_is_locked(&(v)->arch.vgic.lock)`;
// - a lock's owner compared with the running CPU, where the knowledge base says which field
//   records the owner (Xen's recursive spinlock: `l->lock.recurse_cpu == current->processor`);
// - tests of tests (`#define paging_locked_by_me(d) mm_locked_by_me(&(d)->arch.paging.lock)`),
//   to a fixpoint.
// The lock is a path under one parameter (lock-paths.ts), the same path a wrapper of the same
// lock names, so the two are one lock. Anything else (a second condition, a lock reached
// through a call) is no test: an assertion of it says nothing, as before. Where a definition
// is plainly about a lock test and still not read (a known test of a lock that is no path, a
// field that is no known owner compared with the running CPU, a test of such a test), it is
// listed as unread, so that an assertion of it says it was not understood (unreadLockTests).
import type { LockMode } from '../kb/types';
import { matchParen, stripOuterParens } from '../c/lexical';
import { callArgs, lockAt, throughCall, type LockAt } from './lock-paths';
import type { Definition } from './lock-wrappers';

export interface LockTest {
  readonly name: string;
  /** The lock tested: a path under one argument. */
  readonly at: LockAt;
  /** What the test being true says: held exclusively (`spin`, `write`) or maybe only for reading. */
  readonly mode: LockMode;
}

/** What the knowledge base says about lock tests. */
export interface LockTestKnowledge {
  /** Its own tests (`spin_is_locked`), by name. */
  readonly test: (name: string) => Omit<LockTest, 'name'> | undefined;
  /** Fields that record the CPU holding a lock, and the ways code names the running CPU. */
  readonly owners: ReadonlyArray<{ readonly field: string; readonly cpus: readonly string[] }>;
}

/** Every lock test among a tree's definitions. */
export function lockTestsOf(defs: readonly Definition[], kb: LockTestKnowledge): LockTest[] {
  const learned = new Map<string, LockTest>();
  const known = (name: string): Omit<LockTest, 'name'> | undefined => kb.test(name) ?? learned.get(name);
  const candidates = defs.flatMap((d) => {
    const e = testedExpression(d.body);
    return e !== undefined && kb.test(d.name) === undefined ? [{ d, e }] : [];
  });
  for (let changed = true, round = 0; changed && round < 8; round++) {
    changed = false;
    for (const { d, e } of candidates) {
      if (learned.has(d.name)) continue;
      const t = called(e, d.params, known) ?? ownerTest(e, d.params, kb.owners);
      if (t) { learned.set(d.name, { name: d.name, ...t }); changed = true; }
    }
  }
  return [...learned.values()];
}

/**
 * Definitions that test a lock in a way not read (see above), each with why: what an assertion
 * of one reports. `tests` are the tests lockTestsOf learned from the same definitions.
 */
export function unreadLockTests(defs: readonly Definition[], kb: LockTestKnowledge, tests: readonly LockTest[]): Array<{ name: string; why: string }> {
  const learned = new Set(tests.map((t) => t.name));
  const unread = new Map<string, string>();
  const candidates = defs.flatMap((d) => {
    const e = testedExpression(d.body);
    return e !== undefined && kb.test(d.name) === undefined && !learned.has(d.name) ? [{ d, e }] : [];
  });
  for (let changed = true, round = 0; changed && round < 8; round++) {
    changed = false;
    for (const { d, e } of candidates) {
      if (unread.has(d.name)) continue;
      const call = /^([A-Za-z_]\w*)\(/.exec(e);
      const callee = call && matchParen(e, call[0].length - 1) === e.length - 1 ? call[1]! : undefined;
      let why: string | undefined;
      if (callee !== undefined && unread.has(callee)) why = `${callee}() is not understood`;
      else if (callee !== undefined && (kb.test(callee) || learned.has(callee))) why = `its lock \`${e.slice(callee.length + 1, -1)}\` is no path under a parameter`;
      else why = unknownOwner(e, kb.owners);
      if (why) { unread.set(d.name, why); changed = true; }
    }
  }
  return [...unread].map(([name, why]) => ({ name, why }));
}

/** `l->locker == get_processor_id()`: a field compared with the running CPU that the knowledge base does not know records an owner. */
function unknownOwner(e: string, owners: LockTestKnowledge['owners']): string | undefined {
  const sides = splitEquality(e);
  if (!sides) return undefined;
  for (const [field, cpu] of [sides, [sides[1], sides[0]]] as const) {
    const f = stripOuterParens(field);
    // A lock's own field (`l->locker`), not any CPU number (`v->processor`).
    if (owners.some((o) => o.cpus.includes(stripOuterParens(cpu))) && /(?:\.|->)[A-Za-z_]\w*$/.test(f) && /lock/i.test(f)) {
      return `it compares \`${f}\` with the running CPU, and the knowledge base knows no lock owner recorded there`;
    }
  }
  return undefined;
}

/** The expression a body returns as a whole: a macro's body, or a function's only `return`. */
function testedExpression(body: string): string | undefined {
  const text = body.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ').replace(/\s+/g, '').replace(/^\{(.*)\}$/, '$1');
  const ret = /^return(.*);$/.exec(text)?.[1];
  const e = ret ?? (/[;{}]/.test(text) ? undefined : text);
  return e === undefined || e === '' || /[;{}]/.test(e) ? undefined : stripOuterParens(e);
}

/** `mm_locked_by_me(&(d)->arch.paging.lock)`: a known test of a path under a parameter. */
function called(e: string, params: readonly string[], known: (name: string) => Omit<LockTest, 'name'> | undefined): Omit<LockTest, 'name'> | undefined {
  const m = /^([A-Za-z_]\w*)\(/.exec(e);
  if (!m || matchParen(e, m[0].length - 1) !== e.length - 1) return undefined;
  const test = known(m[1]!);
  const at = test && throughCall(test.at, callArgs(e.slice(m[0].length)), params);
  return at && test ? { at, mode: test.mode } : undefined;
}

/** `l->lock.recurse_cpu == current->processor` (either way round): the lock is `l->lock`. */
function ownerTest(e: string, params: readonly string[], owners: LockTestKnowledge['owners']): Omit<LockTest, 'name'> | undefined {
  const sides = splitEquality(e);
  if (!sides) return undefined;
  for (const [lock, cpu] of [sides, [sides[1], sides[0]]] as const) {
    const m = /^(.+?)(\.|->)([A-Za-z_]\w*)$/.exec(stripOuterParens(lock));
    const owner = m && owners.find((o) => o.field === m[3] && o.cpus.includes(stripOuterParens(cpu)));
    if (!m || !owner) continue;
    // `p->recurse_cpu`: the lock is what p points to; `p->lock.recurse_cpu`: p->lock.
    const at = m[2] === '->' ? lockAt(m[1]!, params) : lockAt(`&${m[1]!}`, params);
    if (at) return { at, mode: 'spin' };
  }
  return undefined;
}

/** The two sides of an `==` at the top level of an expression, if that is what it is. */
function splitEquality(e: string): readonly [string, string] | undefined {
  let depth = 0;
  for (let i = 0; i < e.length - 1; i++) {
    const ch = e[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && ch === '=' && e[i + 1] === '=') {
      const rest = e.slice(i + 2);
      // One comparison and nothing else (`->` aside): `a == b && c` tests more than the lock.
      return /[=!<>&|?]/.test(`${e.slice(0, i)} ${rest}`.replace(/->/g, '.')) ? undefined : [e.slice(0, i), rest];
    }
  }
  return undefined;
}
