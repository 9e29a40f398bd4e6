// The one question pairing asks in whole-tree mode: can these two sides run at the same time,
// unordered by anything but the barriers under test, and does the code show it means them to?
// Answers come from the tree's concurrency model (model.ts: call graph, locks on entry, boot
// code, exclusive callers) and from each function's own events (local.ts: per-CPU data, paused
// vCPUs). Patch mode does not ask: it keeps its own rules (differential judgement).
import type { Event, Thread } from '../extract/types';
import { isMarked, ordersMemory, ownOrKb, paramMember } from './facts';
import { isSharedAccess } from '../pair/peers';
import { otherArchitectures } from './arch';
import { LocalAccesses } from './local';
import { lockIdentityUnknown, plainUpdatesOnBothSides, ruledOut, updatesApart, type End, type RuleOutAsk } from './rule-out';
import { ConcurrencyModel, type TreeFacts } from './model';
import { missingEvidence } from './evidence';
import { LockSummaries, type SummarizedLock } from './lock-summaries';

export { ConcurrencyModel, type TreeFacts } from './model';
export { functionFacts, addressTaken, type FunctionFacts, type CallSite } from './facts';
export { lockWrappers, treeLockWrappers, type LockWrapper } from './lock-wrappers';
export { TreePeers, type PeerFile } from './relevant';
export { otherArchitectures } from './arch';
export { LockSummaries, type SummarizedLock } from './lock-summaries';

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
  /** The function runs only while the system boots, before other CPUs run anything else (whole-tree mode). */
  runsOnlyAtBoot?(name: string, file?: string): boolean;
  /** Whole-tree mode: the locks a call of `name` from `file` may take, itself or through its callees (lock-summaries.ts). */
  locksTakenByCall?(name: string, file?: string): readonly SummarizedLock[];
  /** Why a two-CPU cycle (message passing, store or load buffering) is not reported, or undefined when it stands. */
  excludes(sides: readonly [SideView, SideView], shape: 'MP' | 'SB' | 'LB'): string | undefined;
  /**
   * Why a split update (a separate load and store) and an atomic update of one location never
   * run at the same time, or undefined when they may (whole-tree mode; non-atomic-rmw).
   */
  updatesApart?(split: End, atomic: End): string | undefined;
  /** How many functions of the tree update a location atomically, and how many with a separate load and store. */
  updatersOf?(key: string): { readonly atomic: number; readonly split: number };
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

/**
 * The access is to a member of the vCPU the function runs as: a running-vCPU parameter's own
 * member, touched by the function itself (or a knowledge-base primitive it calls), since a
 * callee's names are its own.
 */
export function runsAs(t: Thread, e: Event, params: ReadonlySet<number>): boolean {
  return paramMember(t, e, params) !== undefined;
}

export class TreeConcurrency implements ConcurrencyOracle {
  readonly model: ConcurrencyModel;
  /** Lock orders through calls of other files (lock-summaries.ts), shared with TreePeers. */
  readonly lockSummaries: LockSummaries;
  private readonly local: LocalAccesses;
  private readonly caps: { readonly perFunction: number; readonly perDocument: number };

  /** `text`: a file's text by path, for what a function declares on its own stack (optional). */
  constructor(facts: TreeFacts, text?: (file: string) => string | undefined, caps?: { perFunction?: number; perDocument?: number }) {
    this.model = new ConcurrencyModel(facts);
    this.lockSummaries = new LockSummaries(this.model);
    this.local = new LocalAccesses({
      text, stackParams: (name, file) => this.model.stackParams(name, file), constructionParams: (name, file) => this.model.constructionParams(name, file),
    });
    this.caps = { perFunction: caps?.perFunction ?? MAX_CYCLES_PER_FUNCTION, perDocument: caps?.perDocument ?? MAX_CYCLES_PER_DOCUMENT };
  }

  private readonly evidence = new WeakMap<Thread, boolean>();

  /**
   * The function orders memory itself or marks an access of its own: its facts' `orders`, or
   * a `marked` location (facts.ts), read from its events alone. Asked for every pair pairing
   * considers; building the whole facts (regular expressions over every call) only for this
   * was most of pairing's time on a new peer.
   */
  private showsEvidence(t: Thread): boolean {
    let shows = this.evidence.get(t);
    if (shows === undefined) this.evidence.set(t, (shows = t.events.some((e) => ownOrKb(e) && (ordersMemory(e) || (isMarked(e) && 'loc' in e)))));
    return shows;
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
    const never = this.model.neverConcurrent(a.name, b.name, { a: a.file, b: b.file });
    if (never) return never;
    // No cycle between them can show evidence (see excludes): not worth pairing.
    return this.showsEvidence(a) || this.showsEvidence(b) ? undefined : 'neither orders memory nor marks an access of its own';
  }

  runsOnlyAtBoot(name: string, file?: string): boolean {
    return this.model.bootOnly(name, file);
  }

  locksTakenByCall(name: string, file?: string): readonly SummarizedLock[] {
    return this.lockSummaries.locksTakenByCall(name, file);
  }

  /** Locks held at an access: taken in the function, or held by every caller on entry. */
  private lockset(t: Thread, e: Event): Set<string> {
    return this.model.lockKeys([...e.held, ...this.model.locksOnEntry(t.name, t.file)]);
  }

  private ask(neverConcurrent: RuleOutAsk['neverConcurrent']): RuleOutAsk {
    return {
      neverConcurrent, local: this.local, lockset: (t, e) => this.lockset(t, e),
      running: (t, e) => runsAs(t, e, this.model.runningParams(t.name, t.file)), readMode: (k) => this.model.takenForReading(k),
      launcherOf: (n, file) => this.model.launcherOf(n, file),
    };
  }

  /**
   * Asks what the model knows of the two functions (other architectures, boot-only, exclusive
   * callers), not the pairing bounds of neverConcurrent(): an update is one access, not a cycle
   * to simulate, and its evidence is the atomic updater itself.
   */
  updatesApart(split: End, atomic: End): string | undefined {
    return updatesApart(split, atomic, this.ask((a, b) => otherArchitectures(a.file, b.file) ?? this.model.neverConcurrent(a.name, b.name, { a: a.file, b: b.file })));
  }

  updatersOf(key: string): { readonly atomic: number; readonly split: number } {
    return this.model.updatersOf(key);
  }

  excludes(sides: readonly [SideView, SideView], shape: 'MP' | 'SB' | 'LB'): string | undefined {
    const real = sides.filter((s) => !s.synthesized);
    const ask = this.ask((a, b) => this.neverConcurrent(a, b));
    const out = ruledOut(real, ask) ?? (real.length === 2 ? lockIdentityUnknown(real, ask) ?? plainUpdatesOnBothSides(real) : undefined);
    if (out) return out;
    const missing = missingEvidence(sides, shape);
    return missing ?? this.withinBudget(real);
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
