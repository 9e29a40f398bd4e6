// Whether the code shows a two-CPU cycle is meant to run lockless, at the place where its two
// sides communicate: the evidence whole-tree mode, and a C file checked as it is (view.ts), ask
// before they report a cycle (see docs/whole-tree.md, "Evidence before reporting"). Patch mode
// keeps its own intent rules (engine/pair/intent.ts) and differential judgement.
import type { Event } from '../extract/types';
import { isMarked as marked, ordersMemory, ownOrKb as own } from './facts';
import { isSharedAccess } from '../pair/peers';
import { MMIO } from '../kb/mmio';
import type { SideView } from './index';

/**
 * Device register accessors (readl(), writel() and their kin, engine/kb/mmio.ts): their
 * volatile access and the barrier each carries order memory against a device, which is why
 * driver code uses them everywhere; they say nothing of a protocol between two CPUs.
 */
const DEVICE_ACCESSORS: ReadonlySet<string> = new Set(MMIO.map((p) => p.name));

function forDevice(e: Event): boolean {
  return e.prim !== undefined && DEVICE_ACCESSORS.has(e.prim);
}

/**
 * A barrier between the side's two accesses that sits beside the access where it meets the
 * other side (`at`): nothing of that access's kind (store or load) lies between them, but the
 * loads its address comes from. A barrier orders everything around it, yet it is meant for the
 * accesses beside it (OFence pairs barriers the same way): after `smp_mb(); sr->schedule_lock
 * = ...; ...; sr->scheduler = ...`, a reader of `sr->scheduler` is no party to the handshake
 * that publishes the lock pointer. Message passing meets at the writer's second access and the
 * reader's first; store and load buffering judge the access after the barrier. `full`: only a
 * barrier that orders a store before a later load counts.
 */
function barrierBeside(s: SideView, at: 'first' | 'second', full: boolean): boolean {
  if (!s.first) return false;
  const between = s.thread.events.filter((e) => e.id > s.first!.id && e.id < s.second.id);
  const fences = between.filter((e) => own(e) && !forDevice(e) && ordersMemory(e, full));
  if (fences.length === 0) return false;
  const end = at === 'first' ? s.first : s.second;
  const gap = at === 'second' ? between.filter((e) => e.id > fences[fences.length - 1]!.id) : between.filter((e) => e.id < fences[0]!.id);
  const inGap = gap.filter((e) => isSharedAccess(e) && (end.kind === 'R' ? e.kind !== 'W' : e.kind !== 'R'));
  if (inGap.length === 0) return true;
  // Only then the dependencies, which a large function has thousands of.
  const addressFrom = new Set(s.thread.valueDeps.filter((d) => d.kind === 'addr' && d.to === end.id).map((d) => d.from));
  return inGap.every((e) => addressFrom.has(e.id));
}

/** An access the function marks itself (a callee's marked access says nothing of this code). */
function ownMarked(e: Event | undefined): boolean {
  return !!e && own(e) && !forDevice(e) && marked(e);
}

/**
 * Message passing goes through its flag: the writer's second access and the reader's first.
 * A marked access there (WRITE_ONCE, set_bit(), test_bit(), an acquire load) shows the flag is
 * meant to be read while it is written. A marked data access says nothing of the flag: code
 * that sets a bit of a word and then updates a field under a lock the tool does not see is
 * not a handshake through that field.
 */
function messageMarked([writer, reader]: readonly [SideView, SideView]): boolean {
  return (!writer.synthesized && ownMarked(writer.second)) || (!reader.synthesized && ownMarked(reader.first));
}

/**
 * Why the cycle shows no sign of being meant to run lockless, or undefined when it does.
 * Message passing: the flag marked, or a barrier beside it (messageMarked, barrierBeside).
 * Store buffering: a full barrier beside the load, or both of a side's accesses marked, since
 * copying fields is not a protocol. Load buffering needs ordering meant for it: a full barrier
 * before a side's store, or an acquire load or release store of its own. Plain or merely marked
 * loads followed by stores are how all code reads and then writes; no hardware we model shows
 * the cycle where the store depends on the load, and no protocol relies on it being forbidden.
 */
export function missingEvidence(sides: readonly [SideView, SideView], shape: 'MP' | 'SB' | 'LB'): string | undefined {
  const real = sides.filter((s) => !s.synthesized);
  if (shape === 'LB') {
    // smp_wmb()/smp_rmb() order stores or loads among themselves, not a load before a store.
    const meant = real.some((s) => barrierBeside(s, 'second', true) || [s.first, s.second].some((e) => !!e && own(e) && 'annot' in e && (e.annot === 'acquire' || e.annot === 'release')));
    return meant ? undefined : 'load buffering with no barrier, acquire or release of its own on either side';
  }
  const evidence = shape === 'SB'
    ? real.some((s) => barrierBeside(s, 'second', true) || (ownMarked(s.first) && ownMarked(s.second)))
    : (!sides[0].synthesized && barrierBeside(sides[0], 'second', false)) || (!sides[1].synthesized && barrierBeside(sides[1], 'first', false)) || messageMarked(sides);
  return evidence ? undefined : 'no barrier or marked access of its own in the cycle on either side: no sign the code is meant to run lockless here';
}
