// What rules a two-CPU cycle out, whatever the view (a whole tree, or the files in view):
// the two functions never run at once, an access is the running CPU's own, or one lock orders
// the two sides where they communicate. Each oracle says what "never at once" and "held" mean.
import type { Event, Thread } from '../extract/types';
import type { SideView } from './index';
import type { LocalAccesses, LocalReason } from './local';
import { launchedAfter } from './launch';

export interface RuleOutAsk {
  neverConcurrent(x: Thread, y: Thread): string | undefined;
  local: LocalAccesses;
  /** Locks held at an access, with those held on entry. */
  lockset(t: Thread, e: Event): ReadonlySet<string>;
  /** A lock that excludes nobody (taken in read mode somewhere), left out of the common set. */
  shared?(key: string): boolean;
  /**
   * A lock held on entry (not taken in the function, not asserted) may be held in read mode:
   * whether some code takes it so.
   */
  readMode?(key: string): boolean;
  /** The access is to the vCPU running the function (a running-vCPU parameter, see model.ts). */
  running?(t: Thread, e: Event): boolean;
  /** The one function whose IPI launches start this one, if it starts no other way (launch.ts). */
  launcherOf?(name: string, file?: string): { readonly launcher: string; readonly callback: string } | undefined;
}

/**
 * A lock held at both ends of one communication of the cycle. Every two-CPU cycle pairing
 * builds (message passing, store and load buffering) is a1 →po a2 → b1 →po b2 → a1, where
 * a2 and b1 touch one location and so do b2 and a1 (see engine/pair/scenario.ts: a side's
 * `second` meets the other side's `first`). If a2 and b1 both run inside critical sections of
 * one exclusive lock L, the two sections are ordered one way or the other:
 * - A's section first: its release orders a1 (po-before a2) before B's acquire, which orders
 *   b1 and b2 after it; so a1 happens before b2 and the edge b2 → a1 is impossible.
 * - B's section first: b1 happens before a2, and the edge a2 → b1 is impossible.
 * Either way the cycle cannot close, under every model whose locks acquire and release (all we
 * simulate). It holds whatever the other two accesses do, in or out of the lock.
 */
/**
 * A lock key that names no lock: the object behind a pointer known only by a scalar or lock
 * type. A learned wrapper that computes its lock from a number (`pcpu_schedule_lock(cpu)`
 * takes that CPU's scheduler lock) is keyed by its argument, `*unsigned int`; a local
 * `spinlock_t *lock` is `*spinlock_t`. Every such lock shares the key with every other, and the
 * wrapper's unlock (`pcpu_schedule_unlock(lock, cpu)`) releases another key, so the first stays
 * "held" to the end of the function. Neither says two sides hold one lock.
 */
const NAMELESS_LOCK = /^\*+(?:const )?(?:(?:unsigned|signed) )?(?:int|long|long long|short|char|bool|_Bool|unsigned|u?int\d+_t|[us]\d+|size_t|void|spinlock_t|rwlock_t|rspinlock_t|percpu_rwlock_t|struct (?:spinlock|rwlock|mutex))$/;

export function namesALock(key: string): boolean {
  return !NAMELESS_LOCK.test(key);
}

/**
 * The same for any location: the pointee of a pointer known only by a scalar type
 * (`*unsigned long`: `__set_bit(i, bitmap)` on whatever bitmap the caller passes) is every
 * such location at once, not one object two functions can be shown to share.
 */
export function namesAnObject(key: string): boolean {
  return namesALock(key);
}

/**
 * How `t` holds `key` at `e`: the mode of its latest acquisition before `e`, or of the caller's
 * assertion; undefined when only every caller holds it (see model.ts).
 */
function modeAt(t: Thread, e: Event, key: string): string | undefined {
  for (let i = e.id - 1; i >= 0; i--) {
    const x = t.events[i]!;
    if (x.kind === 'LOCK' && x.lock.key === key) return x.mode;
  }
  return t.callerHolds?.find((h) => h.lock.key === key)?.mode;
}

/** Two holders exclude each other unless both may hold it for reading (a trylock is not known to hold). */
function excludes(a: RuleOutAsk, key: string, ends: ReadonlyArray<{ t: Thread; e: Event }>): boolean {
  return ends.some(({ t, e }) => {
    const mode = modeAt(t, e, key);
    return mode === undefined ? !(a.readMode?.(key) ?? true) : mode === 'spin' || mode === 'write' || mode === 'mutex';
  });
}

/** One access of a side, where it meets the other side. */
export interface End { readonly t: Thread; readonly e: Event }

/**
 * The two places a two-CPU cycle communicates (see lockedEdge): each side's `second` with the
 * other's `first`, as [from's end, to's end]; a side whose first access is assumed meets nothing.
 */
function meetings(sides: readonly SideView[]): Array<readonly [End, End]> {
  const [x, y] = sides as readonly [SideView, SideView];
  return ([[x, y], [y, x]] as const).flatMap(([from, to]) => (to.first ? [[{ t: from.thread, e: from.second }, { t: to.thread, e: to.first }] as const] : []));
}

function lockedEdge(sides: readonly SideView[], a: RuleOutAsk): string | undefined {
  for (const ends of meetings(sides)) {
    const there = a.lockset(ends[1].t, ends[1].e);
    const lock = [...a.lockset(ends[0].t, ends[0].e)].find((k) => namesALock(k) && !a.shared?.(k) && there.has(k) && excludes(a, k, ends));
    if (lock) return `both sides hold ${lock} where they meet`;
  }
  return undefined;
}

/**
 * Where the two sides meet (see lockedEdge), each holds a lock exclusively, and one of the
 * two names no lock (see namesALock): a lock reached through a pointer, such as the
 * scheduler's per-CPU lock that `pcpu_schedule_lock(cpu)` takes, which may be the very lock
 * the other side holds by name (RTDS points every CPU's scheduler lock at its own `prv->lock`).
 * Whether the cycle is ordered then turns on lock identity, which the code in view does not
 * show. Whole-tree mode reports lockless protocols only, and this code is lock-based where it
 * communicates: it is counted as not judged for lock identity, not reported.
 */
export function lockIdentityUnknown(sides: readonly SideView[], a: RuleOutAsk): string | undefined {
  for (const ends of meetings(sides)) {
    const held = ends.map((end) => [...a.lockset(end.t, end.e)].filter((k) => !a.shared?.(k) && excludes(a, k, [end])));
    if (held.every((ks) => ks.length > 0) && held.flat().some((k) => !namesALock(k))) {
      return `lock identity: ${ends[0].t.name}() holds ${held[0]!.join(', ')} and ${ends[1].t.name}() holds ${held[1]!.join(', ')} where they meet; whether one lock orders them is not known`;
    }
  }
  return undefined;
}

/**
 * Where the two sides meet (see lockedEdge), each touches a vCPU the other cannot be touching:
 * - both touch the vCPU each runs as: two CPUs never run one vCPU at once;
 * - one touches a vCPU it has paused, the other the vCPU it runs as: a paused vCPU runs nowhere.
 * A pause alone rules nothing out: other CPUs still touch the paused vCPU (seed 000).
 */
function distinctVcpus(sides: readonly SideView[], a: RuleOutAsk): string | undefined {
  if (!a.running) return undefined;
  for (const ends of meetings(sides)) {
    const runs = ends.map((s) => a.running!(s.t, s.e));
    if (runs[0] && runs[1]) return `both sides touch the vCPU they run as (${ends[0].t.name}() and ${ends[1].t.name}()): two CPUs never run one vCPU`;
    for (const [i, j] of [[0, 1], [1, 0]] as const) {
      const paused = runs[j] ? a.local.paused(ends[i].t, ends[i].e) : undefined;
      if (paused) return `${paused} and ${ends[j].t.name}() touches the vCPU it runs as: a paused vCPU runs nowhere`;
    }
  }
  return undefined;
}

/**
 * A bit number written as a constant: a number, or a name in the style of one (`_VPF_blocked`,
 * `CSCHED_FLAG_UNIT_PARKED`, `KVM_REQ_VCPU_RESET`). A variable index (`v->vcpu_id`, `i`) may
 * name any bit, so two different texts of it may be the same bit.
 */
const CONSTANT_BIT = /^(?:\d+|0x[0-9a-fA-F]+|_*[A-Z][A-Z0-9]*_\w+|[A-Z][A-Z0-9_]*)$/;

function bitOf(e: Event): string | undefined {
  const bit = (e.kind === 'R' || e.kind === 'RMW') ? e.bit : undefined;
  return bit !== undefined && CONSTANT_BIT.test(bit) ? bit : undefined;
}

/**
 * Where the two sides meet, one tests or changes one bit of a word and the other another,
 * both named by constants (`test_bit(_VPF_migrating, &v->pause_flags)` against
 * `clear_bit(_VPF_blocked, &v->pause_flags)`). The word is one location, so the hardware may
 * close the cycle, but the program cannot tell: a bit test reads the same whether or not the
 * other bit's write is seen, and a bit operation leaves the other bits as they are. No message
 * passes there, and no stale value is used.
 */
function differentBits(sides: readonly SideView[]): string | undefined {
  for (const [from, to] of meetings(sides)) {
    const x = bitOf(from.e);
    const y = bitOf(to.e);
    if (x !== undefined && y !== undefined && x !== y) {
      return `different bits: ${from.t.name}() touches bit ${x} and ${to.t.name}() bit ${y} of one word where they meet`;
    }
  }
  return undefined;
}

/** Stores that publish a pointer to RCU readers. */
const RCU_PUBLISH = new Set(['rcu_assign_pointer', 'RCU_INIT_POINTER']);

/**
 * Both sides update a pointer that is published to RCU readers with rcu_assign_pointer()
 * (radix_tree_insert() against radix_tree_delete(), whose shrink moves `root->rnode` with a
 * plain store), wherever in the two functions that happens: they are updaters of one RCU
 * structure, whatever location the cycle meets at. RCU orders an updater against its readers
 * only; updaters coordinate among themselves, normally with a lock of their own
 * (Documentation/RCU/whatisRCU.rst), which their callers hold where the code in view does not
 * show it. Two updaters are not a barrier question. A side that only reads the pointer is a
 * reader and stays judged.
 */
function rcuUpdaters(sides: readonly SideView[]): string | undefined {
  const [x, y] = sides.map((s) => s.thread) as [Thread, Thread];
  const [wx, wy] = [writesOf(x), writesOf(y)];
  for (const [key, e] of wx) {
    const other = wy.get(key);
    if (!other || !(isPublish(e) || isPublish(other))) continue;
    const at = isPublish(e) ? e : other;
    return `RCU updaters: ${x.name}() and ${y.name}() both update \`${'loc' in at ? at.loc.text : key}\`, published with rcu_assign_pointer(); updaters exclude one another by their own lock`;
  }
  return undefined;
}

const writesMemo = new WeakMap<Thread, Map<string, Event>>();

/** A thread's writes by location, an RCU publication where there is one (memoized: asked per cycle). */
function writesOf(t: Thread): Map<string, Event> {
  let out = writesMemo.get(t);
  if (out) return out;
  out = new Map<string, Event>();
  for (const e of t.events) if ((e.kind === 'W' || e.kind === 'RMW') && (!out.has(e.loc.key) || isPublish(e))) out.set(e.loc.key, e);
  writesMemo.set(t, out);
  return out;
}

function isPublish(e: Event): boolean {
  return e.prim !== undefined && RCU_PUBLISH.has(e.prim);
}

/**
 * A per-CPU reason (the running CPU's copy) holds only when the other side reaches the location
 * as its running CPU's copy too: `per_cpu(timers, cpu)` is another CPU's copy, which that CPU
 * may be using as its own (Xen inserts into another CPU's timer heap under its lock). Other
 * local reasons (a stack, an object under construction) are no one else's whatever they do.
 */
function ownCopyOnBoth(why: LocalReason, e: Event, other: SideView | undefined, a: RuleOutAsk): boolean {
  if (why.kind !== 'per-cpu' || !other || !('loc' in e)) return true;
  return [other.first, other.second].every((o) => !o || !('loc' in o) || o.loc.key !== e.loc.key || a.local.why(other.thread, o)?.kind === 'per-cpu');
}

/** Why the update `x` is local, when it is (see ownCopyOnBoth), against the update `y`. */
function localApart(x: End, y: End, a: RuleOutAsk): string | undefined {
  const why = a.local.why(x.t, x.e);
  return why && ownCopyOnBoth(why, x.e, { thread: y.t, first: y.e, second: y.e }, a) ? why.text : undefined;
}

export function ruledOut(sides: readonly SideView[], a: RuleOutAsk): string | undefined {
  const real = sides.filter((s) => !s.synthesized);
  if (real.length === 2) {
    const never = a.neverConcurrent(real[0]!.thread, real[1]!.thread);
    if (never) return never;
  }
  for (const [i, s] of real.entries()) {
    for (const e of [s.first, s.second]) {
      const why = e && a.local.why(s.thread, e);
      if (why && ownCopyOnBoth(why, e, real.length === 2 ? real[1 - i] : undefined, a)) return why.text;
    }
  }
  if (real.length !== 2) return undefined;
  return differentBits(real) ?? lockedEdge(real, a) ?? distinctVcpus(real, a) ?? rcuUpdaters(real) ?? (a.launcherOf ? launchedAfter(real, a.launcherOf) : undefined);
}

/**
 * Both sides update one location with a load and then a store of what it read, not one atomic
 * instruction (`x++`, `write_atomic(&d->n, d->n - 1)`): where the cycle meets, or anywhere in
 * the two functions with plain accesses (`s->nel++` in both). Two such updates at the same time
 * lose one of them, whatever the barriers around them, and plain ones are a data race the
 * kernel memory model leaves undefined; so the code relies on something else to keep the two
 * functions apart (a lock their callers hold, a state the code in view does not show), or it
 * has an atomicity bug a barrier does not fix. Either way the cycle is no barrier question.
 * Whole-tree mode only: a patch keeps its own rules.
 */
export function plainUpdatesOnBothSides(sides: readonly SideView[]): string | undefined {
  if (sides.length !== 2) return undefined;
  const [x, y] = [updatesOf(sides[0]!.thread), updatesOf(sides[1]!.thread)];
  const cycle = new Set(sides.flatMap((s) => [s.first, s.second]).flatMap((e) => (e && 'loc' in e ? [e.loc.key] : [])));
  for (const [key, ux] of x) {
    const uy = y.get(key);
    if (!uy || !(cycle.has(key) || (ux.plain && uy.plain))) continue;
    return `plain updates on both sides: ${sides[0]!.thread.name}() and ${sides[1]!.thread.name}() both read and then write \`${ux.at.text}\` with no atomic instruction; run at the same time one update is lost, so the code keeps them apart some other way`;
  }
  return undefined;
}

const updatesMemo = new WeakMap<Thread, Map<string, { readonly at: Event; readonly plain: boolean }>>();

/** Stores whose value comes from a load of the same location, by location; `plain` when both are plain. */
function updatesOf(t: Thread): Map<string, { readonly at: Event; readonly plain: boolean }> {
  const hit = updatesMemo.get(t);
  if (hit) return hit;
  const byId = new Map(t.events.map((e) => [e.id, e] as const));
  const out = new Map<string, { at: Event; plain: boolean }>();
  updatesMemo.set(t, out);
  for (const d of t.valueDeps) {
    if (d.kind !== 'data') continue;
    const r = byId.get(d.from);
    const w = byId.get(d.to);
    if (r?.kind !== 'R' || w?.kind !== 'W' || r.loc.key !== w.loc.key || r.loc.cpuLocal) continue;
    const plain = r.annot === 'plain' && w.annot === 'plain';
    if (!out.get(r.loc.key)?.plain) out.set(r.loc.key, { at: w, plain });
  }
  return out;
}

/**
 * Why two updates of one location never run at the same time, or undefined when they may:
 * `x` a split update (a separate load and store, see updates.ts), `y` an atomic one. The rules
 * are those of a cycle (ruledOut) that speak of concurrency, with the two accesses as the place
 * the two sides meet: the functions never run at once, either access is the running CPU's own
 * (per-CPU data, its own or its callers' stack, an object under construction), one lock held
 * exclusively at both, a lock whose identity is unknown at both (not judged), the vCPU each runs
 * as, a launch after the update. Not the rules about what a cycle passes: the split store
 * rewrites the whole word, so different bits of it are no help, and RCU updaters or plain
 * updates on both sides say nothing of an atomic updater.
 */
export function updatesApart(x: End, y: End, a: RuleOutAsk): string | undefined {
  const sides: readonly SideView[] = [{ thread: x.t, first: x.e, second: x.e }, { thread: y.t, first: y.e, second: y.e }];
  return a.neverConcurrent(x.t, y.t)
    ?? localApart(x, y, a) ?? localApart(y, x, a)
    ?? lockedEdge(sides, a) ?? lockIdentityUnknown(sides, a) ?? distinctVcpus(sides, a)
    ?? (a.launcherOf ? launchedAfter(sides, a.launcherOf) : undefined);
}
