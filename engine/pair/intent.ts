// Which scenarios to judge at all. Kernel and hypervisor code is full of plain accesses that
// are serialized by means the extraction cannot see (a lock the caller holds, per-vCPU data
// only its own thread touches, preemption or IRQs disabled elsewhere). Reported as ordering
// bugs, every such pair of functions would bury the real findings: on KVM's arm64 timer code
// alone, plain pairs gave 198 warnings. The code tells where it is meant to run lockless: a
// marked access (READ_ONCE/WRITE_ONCE, acquire/release, an atomic or bit operation) at one of
// the scenario's accesses, or a barrier or atomic anywhere in a side's function. A scenario
// with none of these is plain code on both sides; whether it races is a data-race question
// (KCSAN's), not a barrier one, and it is not judged. Only what the function writes itself (or
// a knowledge-base primitive it calls, such as kvm_make_request()) counts: a lock or atomic
// somewhere inside a callee's body says nothing about the caller's intent.
// A side whose two accesses both come from one call of a callee with a body in view is that
// callee's own ordering, judged where its body is; it is not reported again at each call site.
import type { Event, Thread } from '../extract/types';
import { dependsOn, guardedBy, hasDependents } from '../extract/deps';
import type { Scenario, Side } from './scenario';
import { ownOrKb as own } from '../concurrency/facts';

function marked(e: Event | undefined): boolean {
  if (!e || !own(e)) return false;
  return e.kind === 'RMW' || ((e.kind === 'R' || e.kind === 'W') && e.annot !== 'plain');
}

/** Both accesses come from the same call of a callee whose body was summarized. */
function insideOneCall(side: Side): boolean {
  const { first, second } = side;
  if (!first?.via?.length || !second.via?.length || first.via[0]!.resolution !== 'body') return false;
  return first.via[0]!.callee === second.via[0]!.callee && first.stmt.line === second.stmt.line && first.stmt.col === second.stmt.col
    && first.span.line === second.span.line && first.span.col === second.span.col;
}

const orders = new WeakMap<Thread, boolean>();

/**
 * The function orders memory itself somewhere: a barrier or an atomic of its own. Asked for
 * both sides of every scenario found; a thread's events do not change, so read once.
 */
function ordersMemory(t: Thread): boolean {
  let o = orders.get(t);
  if (o === undefined) orders.set(t, (o = t.events.some((e) => (e.kind === 'F' || e.kind === 'RMW') && own(e))));
  return o;
}

export function showsLocklessIntent(s: Scenario): boolean {
  if (s.sides.some((side) => !side.synthesized && insideOneCall(side))) return false;
  return s.sides.some((side) => !side.synthesized && (marked(side.first) || marked(side.second) || ordersMemory(side.thread)));
}

/**
 * Whether any scenario with this function on one side could show lockless intent on its side:
 * it has a marked access or a barrier or atomic of its own. Two functions without either are
 * not paired at all (the exact precondition of showsLocklessIntent, checked once per function).
 */
export function mayShowIntent(t: Thread): boolean {
  return ordersMemory(t) || t.events.some((e) => marked(e));
}

/**
 * New code is judged on what it does, not only on how it is marked: a patch that adds a plain
 * publication (fields, then a flag) or a plain store-buffering handshake gets no benefit of
 * the doubt. A scenario counts when one of its accesses is on a line the patch adds, no lock
 * is held across both accesses of both sides, and the side that reads acts on what it read
 * (a branch or a dependency from the first access to the second).
 */
export function newCodeHandshake(s: Scenario, isAdded: (e: Event) => boolean): boolean {
  const real = s.sides.filter((x) => !x.synthesized);
  // The patch must write the access itself: a call it adds brings the callee's accesses, whose
  // protocol (and its locks) the patch author did not write and the callee's own code decides.
  const written = (e: Event | undefined): boolean => !!e && isAdded(e) && !e.via?.length;
  if (real.length < 2 || !real.some((x) => written(x.first) || written(x.second))) return false;
  if (s.sides.some((x) => insideOneCall(x))) return false;
  const common = (x: Side): string[] => (x.first ? x.first.held.filter((k) => x.second.held.includes(k)) : []);
  const [a, b] = s.sides;
  if (common(a).some((k) => common(b).includes(k))) return false;
  const acts = (x: Side): boolean => !!x.first && (dependsOn(x.thread, x.first, x.second)
    || guardedBy(x.thread, x.first.id, x.second));
  // Store buffering: each CPU stores, then loads the other's flag and decides on it.
  const decides = (x: Side): boolean => x.thread.conds.some((c) => c.reads.includes(x.second.id)) || hasDependents(x.thread, x.second);
  return s.shape === 'MP' ? acts(b) : s.shape === 'SB' ? real.every(decides) : false;
}
