// Which one of several locks a lock fact's argument names. A fact keys a lock by the declared
// type of its argument (`p2m_lock(p)` locks `struct p2m_domain->lock`), which stands for every
// lock of that type: the host p2m's and each alternate p2m's alike, two locks of different
// classes in Xen's mm lock order. Where the code shows which one the argument is (it passes
// `p2m_get_hostp2m(d)`, or a local set from it), the lock is that one (kb/lock-facts.ts
// LOCK_INSTANCES), and it orders against the other as two locks do. Otherwise it stays any of
// them: a lock that may be the same as a narrowed one (mayBeOne) is not a second lock.
import type { Thread } from '../../extract/types';
import { LOCK_INSTANCES, type FactLock, type LockInstance } from '../../kb/lock-facts';

/** Pointer locals followed through `p = q` before giving up (a chain, never a cycle). */
const MAX_HOPS = 3;

const isNull = (v: string): boolean => /^\(?(?:NULL|0)\)?$/.test(v);

/**
 * The instance `arg` names, for a fact call of `t`'s own body (not of an inlined callee's, whose
 * arguments are the callee's names). A parameter's value comes from the callers, unseen here;
 * a local whose address is passed on may be set by the callee.
 */
export function instanceOf(t: Thread, fact: FactLock, arg: string): LockInstance | undefined {
  const candidates = LOCK_INSTANCES.filter((i) => i.argType === fact.argType && (fact.classes ?? []).length > 1
    && i.classes.every((c) => fact.classes!.includes(c)));
  if (candidates.length === 0) return undefined;
  const byText = (text: string, hops: number): LockInstance | undefined => {
    const direct = candidates.find((i) => i.from.some((re) => re.test(text)));
    if (direct || hops >= MAX_HOPS || !/^\w+$/.test(text)) return direct;
    const values = (t.pointerValues?.[text] ?? []).filter((v) => !isNull(v));
    if (values.length === 0 || t.params.some((p) => p.name === text) || addressTaken(t, text)) return undefined;
    const each = values.map((v) => byText(v, hops + 1));
    return each.every((i) => i !== undefined && i === each[0]) ? each[0] : undefined;
  };
  return byText(arg.replace(/\s+/g, '').replace(/^\((\w+)\)$/, '$1'), 0);
}

/** `&name` among the arguments of a call the function makes. */
function addressTaken(t: Thread, name: string): boolean {
  const re = new RegExp(`&\\s*${name}(?![\\w.]|->|\\[)`);
  return t.events.some((e) => e.kind === 'CALL' && e.args.some((a) => re.test(a)));
}

const broader = new Map(LOCK_INSTANCES.map((i) => [i.key, i.within]));

/**
 * Two lock keys that may name one lock: the same key, or one the other's narrowing (the host
 * p2m's lock and any p2m's). Where a lock is held, taking or releasing a lock that may be it is
 * not an order, and two paths that both hold one are taken as serialized by it, as before the
 * narrowing, when both were one key: the quiet side.
 */
export function mayBeOne(a: string, b: string): boolean {
  return a === b || broader.get(a) === b || broader.get(b) === a;
}
