// The one question pairing asks in whole-tree mode: can these two sides run at the same time,
// unordered by anything but the barriers under test, and does the code show it means them to?
// Answers come from the tree's concurrency model (model.ts: call graph, locks on entry, boot
// code, exclusive callers) and from each function's own events (local.ts: per-CPU data, paused
// vCPUs). Patch mode does not ask: it keeps its own rules (differential judgement).
import type { Event, Thread } from '../extract/types';
import { functionFacts, isMarked as marked, ordersMemory, ownOrKb as own, type FunctionFacts } from './facts';
import { isSharedAccess } from '../pair/peers';
import { otherArchitectures } from './arch';
import { LocalAccesses } from './local';
import { lockIdentityUnknown, ruledOut, type RuleOutAsk } from './rule-out';
import { ConcurrencyModel, type TreeFacts } from './model';
import { MMIO } from '../kb/mmio';

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
  const addressFrom = new Set(s.thread.deps.filter((d) => d.kind === 'addr' && d.to === end.id).map((d) => d.from));
  const sameKind = (e: Event): boolean => isSharedAccess(e) && !addressFrom.has(e.id) && (end.kind === 'R' ? e.kind !== 'W' : e.kind !== 'R');
  return at === 'second'
    ? !between.some((e) => e.id > fences[fences.length - 1]!.id && sameKind(e))
    : !between.some((e) => e.id < fences[0]!.id && sameKind(e));
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
 * Cycles with lockless evidence one function of the document may take part in before the rest
 * of its cycles are not judged (deterministic: cycles come in the same order every run). Real
 * code stays far below it; a few very large functions (KVM's 14,000-line `x86.c`, functions
 * with thousands of inlined accesses) reach thousands, which took gigabytes to judge and keep.
 */
export const MAX_CYCLES_PER_FUNCTION = 64;
/** The same for all functions of one document together. */
export const MAX_CYCLES_PER_DOCUMENT = 1024;
/**
 * Shared accesses (callees inlined) past which a function is not paired in whole-tree mode.
 * Pairing keeps every ordered pair of a function's accesses per shape while it meets its
 * peers: a file of dispatchers with hundreds of inlined accesses each (KVM's `x86.c`) held
 * over 4 GB that way. Such functions are where a handshake's two accesses are least likely to
 * be told apart from everything else they do; the ones past the bound are stated as not judged.
 */
export const MAX_TREE_ACCESSES = 120;

/** `v->field`, `v->arch.regs[2]`: a member of what the parameter points to, no further pointer. */
const MEMBER_OF = /^([A-Za-z_]\w*)->\w+(?:\.\w+|\[[^\]]*\])*$/;

/**
 * The access is to a member of the vCPU the function runs as: a running-vCPU parameter's own
 * member, touched by the function itself (or a knowledge-base primitive it calls), since a
 * callee's names are its own.
 */
export function runsAs(t: Thread, e: Event, params: ReadonlySet<number>): boolean {
  if (params.size === 0 || !('loc' in e) || !own(e)) return false;
  const root = MEMBER_OF.exec(e.loc.text.replace(/\s+/g, ''))?.[1];
  return root !== undefined && [...params].some((i) => t.params[i]?.name === root);
}

export class TreeConcurrency implements ConcurrencyOracle {
  readonly model: ConcurrencyModel;
  private readonly local: LocalAccesses;

  /** `text`: a file's text by path, for what a function declares on its own stack (optional). */
  private readonly caps: { readonly perFunction: number; readonly perDocument: number };

  /** `text`: a file's text by path, for what a function declares on its own stack (optional). */
  constructor(facts: TreeFacts, text?: (file: string) => string | undefined, caps?: { perFunction?: number; perDocument?: number }) {
    this.model = new ConcurrencyModel(facts);
    this.local = new LocalAccesses({ text });
    this.caps = { perFunction: caps?.perFunction ?? MAX_CYCLES_PER_FUNCTION, perDocument: caps?.perDocument ?? MAX_CYCLES_PER_DOCUMENT };
  }

  private readonly facts = new WeakMap<Thread, FunctionFacts>();

  private factsOf(t: Thread): FunctionFacts {
    let f = this.facts.get(t);
    if (!f) this.facts.set(t, (f = functionFacts(t, [])));
    return f;
  }

  private document: string | undefined;
  private cycles = new Map<Thread, number>();
  private documentCycles = 0;
  private readonly capped = new Set<Thread>();

  /** Starts counting cycles per function (MAX_CYCLES_PER_FUNCTION) for the document at `path`. */
  beginDocument(path: string): void {
    this.document = path;
    this.cycles = new Map();
    this.documentCycles = 0;
    this.capped.clear();
  }

  /** The document's functions whose cycles were cut at MAX_CYCLES_PER_FUNCTION, in order met. */
  cappedFunctions(): Thread[] {
    return [...this.capped];
  }

  private readonly accessCounts = new WeakMap<Thread, number>();

  private tooLarge(t: Thread): string | undefined {
    let n = this.accessCounts.get(t);
    if (n === undefined) this.accessCounts.set(t, (n = t.events.filter(isSharedAccess).length));
    if (n <= MAX_TREE_ACCESSES) return undefined;
    if (t.file === this.document) this.capped.add(t);
    return `not judged: budget: ${t.name}() has ${n} shared accesses with its callees inlined, more than the ${MAX_TREE_ACCESSES} whole-tree mode pairs`;
  }

  neverConcurrent(a: Thread, b: Thread): string | undefined {
    const arch = otherArchitectures(a.file, b.file);
    if (arch) return arch;
    const large = this.tooLarge(a) ?? this.tooLarge(b);
    if (large) return large;
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
    const ask: RuleOutAsk = {
      neverConcurrent: (a, b) => this.neverConcurrent(a, b), local: this.local, lockset: (t, e) => this.lockset(t, e),
      running: (t, e) => runsAs(t, e, this.model.runningParams(t.name)), readMode: (k) => this.model.takenForReading(k),
    };
    const out = ruledOut(real, ask) ?? (real.length === 2 ? lockIdentityUnknown(real, ask) : undefined);
    if (out) return out;
    // Evidence that the code means this cycle to run lockless: a barrier or fully ordered atomic
    // of a side's own between its two accesses, or marked accesses of its own in the cycle
    // (message passing: the flag marked, see messageMarked(); store buffering: both of a side's
    // accesses marked, since copying fields is not a protocol).
    // Load buffering needs ordering meant for it: a barrier between a side's load and store, or
    // an acquire load or release store of its own. Plain or merely marked loads followed by
    // stores are how all code reads and then writes; no hardware we model shows the cycle
    // where the store depends on the load, and no protocol relies on it being forbidden.
    if (shape === 'LB') {
      // smp_wmb()/smp_rmb() order stores or loads among themselves, not a load before a store.
      const meant = real.some((s) => barrierBeside(s, 'second', true) || [s.first, s.second].some((e) => !!e && own(e) && 'annot' in e && (e.annot === 'acquire' || e.annot === 'release')));
      return meant ? undefined : 'load buffering with no barrier, acquire or release of its own on either side';
    }
    const evidence = shape === 'SB'
      ? real.some((s) => barrierBeside(s, 'second', true) || (ownMarked(s.first) && ownMarked(s.second)))
      : (!sides[0].synthesized && barrierBeside(sides[0], 'second', false)) || (!sides[1].synthesized && barrierBeside(sides[1], 'first', false)) || messageMarked(sides);
    return evidence ? this.withinBudget(real) : 'no barrier or marked access of its own in the cycle on either side: no sign the code is meant to run lockless here';
  }

  /** Counts a reportable cycle against the document's functions in it; past the cap, says so. */
  private withinBudget(real: readonly SideView[]): string | undefined {
    if (this.document === undefined) return undefined;
    const mine = [...new Set(real.map((s) => s.thread).filter((t) => t.file === this.document))];
    if (mine.length === 0) return undefined;
    const over = mine.find((t) => (this.cycles.get(t) ?? 0) >= this.caps.perFunction)
      ?? (this.documentCycles >= this.caps.perDocument ? mine[0] : undefined);
    if (over) {
      this.capped.add(over);
      return `not judged: budget: ${over.name}() takes part in more than ${this.caps.perFunction} cycles with lockless evidence, or its file in more than ${this.caps.perDocument}`;
    }
    this.documentCycles++;
    for (const t of mine) this.cycles.set(t, (this.cycles.get(t) ?? 0) + 1);
    return undefined;
  }
}
