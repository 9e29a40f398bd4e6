// Which files of the tree a document must be paired with in whole-tree mode. Plain `--tree`
// reads every file sharing a location with the document; over a whole hypervisor that is most
// of the tree for every file (struct domain and struct vcpu are everywhere). Here a peer is read
// only when a cycle with it could be reported: the two functions share two locations, they may
// run concurrently, and one of them shows lockless intent on the way (a barrier or atomic of
// its own, or a marked access on a shared location). Files with lock orders on a lock the
// document also nests still join, for lock-order inversions, and so do the atomic updaters of a
// word the document (or a header function it calls) updates with a separate load and store, for
// non-atomic-rmw.
import type { Thread } from '../extract/types';
import type { FileSummary } from '../pair/summary';
import { pairingFacts, type FunctionFacts, type PairingFacts } from './facts';
import type { ConcurrencyModel } from './model';
import { otherArchitectures } from './arch';
import { LockSummaries } from './lock-summaries';
import { atomicByPractice } from './updates';

interface Entry {
  readonly file: string;
  readonly keys: ReadonlySet<string>;
  readonly facts: FunctionFacts;
}

/** What peersOf() reads of a function: its pairing facts, index keys and locks, own lock orders. */
interface PairingInput {
  readonly facts: PairingFacts;
  readonly keys: readonly string[];
  readonly locks: readonly string[];
  readonly orders?: ReadonlyArray<readonly [string, string]>;
}

/** A function of the index with its facts, as mayReport() and reportable() read it. */
interface IndexedFunction extends PairingInput {
  readonly name: string;
  readonly facts: FunctionFacts & PairingFacts;
}

/** A peer file and the only functions of it that can pair with the document. */
export interface PeerFile {
  readonly path: string;
  readonly functions: ReadonlySet<string>;
}

export class TreePeers {
  private readonly byKey = new Map<string, Entry[]>();
  private readonly byLock = new Map<string, Array<{ file: string; name: string }>>();
  /** Functions per lock order `held→taken`, their own or through calls (lock-summaries.ts). */
  private readonly byOrder = new Map<string, Array<{ file: string; name: string }>>();
  /** Functions that update a location atomically, by its key (for non-atomic-rmw). */
  private readonly byAtomic = new Map<string, Entry[]>();
  /**
   * Headers' functions with split updates, by name: a header is never checked on its own, so
   * such a function is judged with the source files that call it (non-atomic-rmw).
   */
  private readonly splitInHeaders = new Map<string, Entry[]>();

  constructor(index: readonly FileSummary[], private readonly model: ConcurrencyModel, private readonly locks = new LockSummaries(model)) {
    for (const file of index) {
      file.functions.forEach((f, i) => {
        const facts = file.concurrency?.functions[i];
        if (!facts) return;
        const e = { file: file.path, keys: new Set(f.keys), facts };
        for (const k of f.keys) (this.byKey.get(k) ?? this.byKey.set(k, []).get(k)!).push(e);
        for (const l of f.locks) (this.byLock.get(l) ?? this.byLock.set(l, []).get(l)!).push({ file: file.path, name: f.name });
        for (const [held, taken] of this.ordersOf(file.path, f)) {
          const o = order(held, taken);
          (this.byOrder.get(o) ?? this.byOrder.set(o, []).get(o)!).push({ file: file.path, name: f.name });
        }
        for (const k of facts.atomicUpdates ?? []) (this.byAtomic.get(k) ?? this.byAtomic.set(k, []).get(k)!).push(e);
        if (facts.splitUpdates?.length && file.path.endsWith('.h')) (this.splitInHeaders.get(f.name) ?? this.splitInHeaders.set(f.name, []).get(f.name)!).push(e);
      });
    }
  }

  /** A function's lock orders, [held, taken] each once: its own and those through calls of other files. */
  private ordersOf(path: string, f: { name: string; orders?: ReadonlyArray<readonly [string, string]> }): Array<readonly [string, string]> {
    const out = new Map((f.orders ?? []).map(([held, taken]) => [order(held, taken), [held, taken] as const]));
    for (const o of this.throughCalls(path, f.name)) out.set(order(o.held, o.taken.key), [o.held, o.taken.key]);
    return [...out.values()];
  }

  /** The orders of the function `name` defined in `path` through calls of other files (lock-summaries.ts). */
  private throughCalls(path: string, name: string): ReturnType<LockSummaries['ordersThroughCalls']> {
    return this.locks.ordersThroughCalls(this.model.idOfDefinition(name, path));
  }

  /** Some function of the tree (of a build `path` is in) takes `taken` while holding `held`. */
  private opposite(path: string | undefined, held: string, taken: string): Array<{ file: string; name: string }> {
    return (this.byOrder.get(order(held, taken)) ?? []).filter((f) => !otherArchitectures(path, f.file));
  }

  /** The files holding a function that can form a reportable cycle with one of the document's. */
  relevant(document: readonly Thread[], summaries: ReadonlyArray<{ keys: readonly string[]; locks: readonly string[] }>): string[] {
    return this.relevantPeers(document, summaries).map((p) => p.path);
  }

  /**
   * The same, per file with the functions that can: the rest of a peer file is read only when
   * one of those calls it (its body is inlined), never paired.
   */
  relevantPeers(document: readonly Thread[], summaries: ReadonlyArray<{ keys: readonly string[]; locks: readonly string[] }>): PeerFile[] {
    return this.peersOf(document[0]?.file, document.map((t, i) => ({ facts: pairingFacts(t), keys: summaries[i]!.keys, locks: summaries[i]!.locks })));
  }

  /**
   * Events of a file's functions (callees inlined) past which whole-tree mode does not analyse
   * it, read from the index. Xen's largest files (hvm.c, sched/core.c) have about 12,000; KVM's
   * x86.c (31,000) took over 4 GB and vmx/nested.c (24,700) over 640 MB of heap before the bound,
   * for reasons not yet found (not pairing, not the number of judged cycles). 16,000 also leaves
   * out kvm_main.c (17,700) and vmx/vmx.c (17,100), stated as not judged.
   */
  static readonly MAX_DOCUMENT_EVENTS = 16_000;

  /** The file's events, when the index counted them and they are past MAX_DOCUMENT_EVENTS. */
  tooLarge(file: FileSummary): number | undefined {
    const n = (file.concurrency?.functions ?? []).reduce((k, f) => k + (f.events ?? 0), 0);
    return n > TreePeers.MAX_DOCUMENT_EVENTS ? n : undefined;
  }

  /**
   * Whether a file can give a finding at all, read from its index entry without extracting it:
   * a function that shows evidence of its own (ownEvidence), or a peer in another file that
   * can form a reportable cycle with one of its functions.
   */
  mayReport(file: FileSummary): boolean {
    const fns = this.indexed(file);
    if (!fns) return true;
    if (fns.some((fn) => this.ownEvidence(file.path, fn))) return true;
    return this.peersOf(file.path, fns).some((p) => p.path !== file.path);
  }

  /**
   * The functions of a document that can take part in a finding, read from its index entry:
   * those with evidence of their own, those with a peer (in another file or in the document),
   * and the document's functions some other function of it wants as a peer. The rest can give
   * no finding: analysis walks them only where a caller inlines them. Undefined when the index
   * has no facts for the file (then every function is analysed).
   */
  reportable(file: FileSummary): ReadonlySet<string> | undefined {
    const fns = this.indexed(file);
    if (!fns) return undefined;
    const out = new Set<string>();
    for (const fn of fns) {
      const peers = this.peersOf(file.path, [fn]);
      if (peers.length > 0 || this.ownEvidence(file.path, fn)) out.add(fn.name);
      for (const p of peers) if (p.path === file.path) p.functions.forEach((n) => out.add(n));
    }
    return out;
  }

  /** The file's functions with their index facts, or undefined when the index has none. */
  private indexed(file: FileSummary): IndexedFunction[] | undefined {
    const facts = file.concurrency?.functions;
    if (!facts || facts.length !== file.functions.length) return undefined;
    return file.functions.map((f, i) => ({ facts: { ...facts[i]!, callees: new Set(facts[i]!.calls.map((c) => c.callee)) }, ...f }));
  }

  /**
   * A finding can start in the function alone: it orders memory, marks an access, nests locks,
   * reaches a sleeping call under a lock or tests before taking a lock, or has an order through
   * a call of another file that some function takes the other way round (or that takes the
   * held lock again).
   */
  private ownEvidence(path: string, fn: IndexedFunction): boolean {
    const f = fn.facts;
    if (f.orders || f.marked.length > 0 || f.risky || f.unlockedTests || fn.locks.length > 0) return true;
    return this.throughCalls(path, fn.name).some((o) => o.held === o.taken.key || this.opposite(path, o.taken.key, o.held).length > 0);
  }

  private peersOf(path: string | undefined, fns: ReadonlyArray<PairingInput>): PeerFile[] {
    const out = new Map<string, Set<string>>();
    const want = (file: string, name: string): void => { (out.get(file) ?? out.set(file, new Set()).get(file)!).add(name); };
    for (const fn of fns) {
      const { facts: mine, keys, locks } = fn;
      // The functions sharing two locations with this one. Two match keys of one location
      // (type-rooted and by name) count once: by field path. The first shared key's path is
      // kept per function, not the list of shared keys: asked for every function of every
      // document, those lists were a sixth of what an analysis worker allocated.
      const firstPath = new Map<Entry, string>();
      const twoPaths = new Set<Entry>();
      for (const k of keys) {
        const p = pathOf(k);
        for (const e of this.byKey.get(k) ?? []) {
          const first = firstPath.get(e);
          if (first === undefined) firstPath.set(e, p);
          else if (first !== p) twoPaths.add(e);
        }
      }
      for (const e of twoPaths) {
        if (out.get(e.file)?.has(e.facts.name) || otherArchitectures(path, e.file)) continue;
        if (this.model.neverConcurrent(mine.name, e.facts.name, { a: path, b: e.file })) continue;
        const intent = mine.orders || e.facts.orders || keys.some((k) => e.keys.has(k) && (mine.marked.includes(k) || e.facts.marked.includes(k)));
        if (intent) want(e.file, e.facts.name);
      }
      // Every function touching a location the document tests before taking a lock, for
      // check-outside-lock: the writers that hold that lock are the evidence.
      for (const k of mine.unlockedTests ?? []) for (const e of this.byKey.get(k) ?? []) if (!otherArchitectures(path, e.file)) want(e.file, e.facts.name);
      // Lock orders on a lock the document also nests, for lock-order inversions.
      for (const l of locks) for (const f of this.byLock.get(l) ?? []) if (!otherArchitectures(path, f.file)) want(f.file, f.name);
      // The opposite of an order the document's function has through a call of another file.
      if (path !== undefined) {
        for (const [held, taken] of this.ordersOf(path, { name: mine.name, orders: fn.orders })) {
          for (const f of this.opposite(path, taken, held)) want(f.file, f.name);
        }
      }
      // Atomic updaters of a location the document updates with a separate load and store, for
      // non-atomic-rmw: they are the evidence that the location is updated lockless on purpose.
      // Whether any atomic updater of the keys may run with the function; each is wanted.
      const updaters = (name: string, file: string | undefined, keys: readonly string[]): boolean => {
        let any = false;
        for (const k of keys) {
          // Only words the tree mostly updates atomically are judged (non-atomic-rmw.ts).
          if (!atomicByPractice(this.model.updatersOf(k))) continue;
          for (const e of this.byAtomic.get(k) ?? []) {
            if (otherArchitectures(file, e.file) || this.model.neverConcurrent(name, e.facts.name, { a: file, b: e.file })) continue;
            want(e.file, e.facts.name);
            any = true;
          }
        }
        return any;
      };
      updaters(mine.name, path, mine.splitUpdates ?? []);
      for (const callee of mine.callees) {
        for (const h of this.splitInHeaders.get(callee) ?? []) {
          if (!otherArchitectures(path, h.file) && updaters(h.facts.name, h.file, h.facts.splitUpdates ?? [])) want(h.file, h.facts.name);
        }
      }
    }
    return [...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([path, functions]) => ({ path, functions }));
  }
}

const order = (held: string, taken: string): string => `${held}\u2192${taken}`;

function pathOf(key: string): string {
  let p = paths.get(key);
  if (p === undefined) {
    const at = key.search(/->|\./);
    paths.set(key, (p = at < 0 ? key : key.slice(at)));
  }
  return p;
}

/** Each key's field path: the tree's keys are few next to the times they are asked for. */
const paths = new Map<string, string>();
