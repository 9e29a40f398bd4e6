// The one question pairing asks in whole-tree mode: can these two sides run at the same time,
// unordered by anything but the barriers under test, and does the code show it means them to?
// Answers come from the tree's concurrency model (model.ts: call graph, locks on entry, boot
// code, exclusive callers) and from each function's own events (local.ts: per-CPU data, paused
// vCPUs). Patch mode does not ask: it keeps its own rules (differential judgement).
import type { Event, Thread } from '../extract/types';
import { functionFacts, isMarked as marked, ordersMemory, ownOrKb as own, type FunctionFacts } from './facts';
import { otherArchitectures } from './arch';
import { LocalAccesses } from './local';
import { ConcurrencyModel, type TreeFacts } from './model';

export { ConcurrencyModel, type TreeFacts } from './model';
export { functionFacts, addressTaken, type FunctionFacts, type CallSite } from './facts';
export { lockWrappers, treeLockWrappers, type LockWrapper } from './lock-wrappers';
export { TreePeers, type PeerFile } from './relevant';
export { otherArchitectures } from './arch';

/** One CPU's half of a two-CPU cycle, as pairing builds it (see engine/pair/scenario.ts). */
export interface SideView {
  readonly thread: Thread;
  readonly first?: Event;
  readonly second: Event;
  readonly synthesized?: string;
}

export interface ConcurrencyOracle {
  /** Why two functions never run as two concurrent threads (pairing skips them), or undefined. */
  neverConcurrent(a: Thread, b: Thread): string | undefined;
  /** Why a two-CPU cycle (message passing, store or load buffering) is not reported, or undefined when it stands. */
  excludes(sides: readonly [SideView, SideView], shape: 'MP' | 'SB' | 'LB'): string | undefined;
}


/**
 * A barrier or fully ordered atomic of the side's own between its two accesses: the protocol
 * orders them on purpose (OFence's pairing anchor). `full`: only what orders a store before a
 * later load (store buffering needs that).
 */
function orderedBetween(s: SideView, full: boolean): boolean {
  if (!s.first) return false;
  const lo = s.first.id;
  return s.thread.events.some((e) => e.id > lo && e.id < s.second.id && own(e) && ordersMemory(e, full));
}

/** An access the function marks itself (a callee's marked access says nothing of this code). */
function ownMarked(e: Event | undefined): boolean {
  return !!e && own(e) && marked(e);
}

export class TreeConcurrency implements ConcurrencyOracle {
  readonly model: ConcurrencyModel;
  private readonly local: LocalAccesses;

  /** `text`: a file's text by path, for what a function declares on its own stack (optional). */
  constructor(facts: TreeFacts, text?: (file: string) => string | undefined) {
    this.model = new ConcurrencyModel(facts);
    this.local = new LocalAccesses(text);
  }

  private readonly facts = new WeakMap<Thread, FunctionFacts>();

  private factsOf(t: Thread): FunctionFacts {
    let f = this.facts.get(t);
    if (!f) this.facts.set(t, (f = functionFacts(t, [])));
    return f;
  }

  neverConcurrent(a: Thread, b: Thread): string | undefined {
    const arch = otherArchitectures(a.file, b.file);
    if (arch) return arch;
    const never = this.model.neverConcurrent(a.name, b.name);
    if (never) return never;
    // No cycle between them can show evidence (see excludes): not worth pairing.
    const fa = this.factsOf(a);
    const fb = this.factsOf(b);
    return fa.orders || fb.orders || fa.marked.length > 0 || fb.marked.length > 0 ? undefined : 'neither orders memory nor marks an access of its own';
  }

  /** Locks held at an access: taken in the function, or held by every caller on entry. */
  private lockset(t: Thread, e: Event): Set<string> {
    return new Set([...e.held, ...this.model.locksOnEntry(t.name)]);
  }

  excludes(sides: readonly [SideView, SideView], shape: 'MP' | 'SB' | 'LB'): string | undefined {
    const real = sides.filter((s) => !s.synthesized);
    if (real.length === 2) {
      const never = this.neverConcurrent(real[0]!.thread, real[1]!.thread);
      if (never) return never;
    }
    for (const s of real) {
      for (const e of [s.first, s.second]) {
        const why = e && this.local.why(s.thread, e);
        if (why) return why;
      }
    }
    if (real.length === 2) {
      const sets = real.flatMap((s) => [s.first, s.second].filter((e): e is Event => !!e).map((e) => this.lockset(s.thread, e)));
      const common = [...sets[0]!].filter((k) => sets.every((x) => x.has(k)));
      if (common.length > 0) return `both sides hold ${common[0]}`;
    }
    // Evidence that the code means this cycle to run lockless: a barrier or fully ordered atomic
    // of a side's own between its two accesses, or marked accesses of its own in the cycle
    // (store buffering: both of a side's accesses marked, since copying fields is not a protocol).
    // Load buffering needs ordering meant for it: a barrier between a side's load and store, or
    // an acquire load or release store of its own. Plain or merely marked loads followed by
    // stores are how all code reads and then writes; no hardware we model shows the cycle
    // where the store depends on the load, and no protocol relies on it being forbidden.
    if (shape === 'LB') {
      // smp_wmb()/smp_rmb() order stores or loads among themselves, not a load before a store.
      const meant = real.some((s) => orderedBetween(s, true) || [s.first, s.second].some((e) => !!e && own(e) && 'annot' in e && (e.annot === 'acquire' || e.annot === 'release')));
      return meant ? undefined : 'load buffering with no barrier, acquire or release of its own on either side';
    }
    const evidence = real.some((s) => orderedBetween(s, shape === 'SB')
      || (shape === 'SB' ? ownMarked(s.first) && ownMarked(s.second) : ownMarked(s.first) || ownMarked(s.second)));
    return evidence ? undefined : 'no barrier or marked access of its own in the cycle on either side: no sign the code is meant to run lockless here';
  }
}
