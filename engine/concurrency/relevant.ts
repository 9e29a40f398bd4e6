// Which files of the tree a document must be paired with in whole-tree mode. Plain `--tree`
// reads every file sharing a location with the document; over a whole hypervisor that is most
// of the tree for every file (struct domain and struct vcpu are everywhere). Here a peer is read
// only when a cycle with it could be reported: the two functions share two locations, they may
// run concurrently, and one of them shows lockless intent on the way (a barrier or atomic of
// its own, or a marked access on a shared location). Files with lock orders on a lock the
// document also nests still join, for lock-order inversions.
import type { Thread } from '../extract/types';
import type { FileSummary } from '../pair/summary';
import { functionFacts, type FunctionFacts } from './facts';
import type { ConcurrencyModel } from './model';

interface Entry {
  readonly file: string;
  readonly keys: ReadonlySet<string>;
  readonly facts: FunctionFacts;
}

export class TreePeers {
  private readonly byKey = new Map<string, Entry[]>();
  private readonly byLock = new Map<string, string[]>();

  constructor(index: readonly FileSummary[], private readonly model: ConcurrencyModel) {
    for (const file of index) {
      file.functions.forEach((f, i) => {
        const facts = file.concurrency?.functions[i];
        if (!facts) return;
        const e = { file: file.path, keys: new Set(f.keys), facts };
        for (const k of f.keys) (this.byKey.get(k) ?? this.byKey.set(k, []).get(k)!).push(e);
        for (const l of f.locks) (this.byLock.get(l) ?? this.byLock.set(l, []).get(l)!).push(file.path);
      });
    }
  }

  /** The files holding a function that can form a reportable cycle with one of the document's. */
  relevant(document: readonly Thread[], summaries: ReadonlyArray<{ keys: readonly string[]; locks: readonly string[] }>): string[] {
    const out = new Set<string>();
    document.forEach((t, i) => {
      const mine = functionFacts(t, []);
      const keys = summaries[i]!.keys;
      const shared = new Map<Entry, string[]>();
      for (const k of keys) for (const e of this.byKey.get(k) ?? []) (shared.get(e) ?? shared.set(e, []).get(e)!).push(k);
      for (const [e, ks] of shared) {
        // Two match keys of one location (type-rooted and by name) count once: by field path.
        if (out.has(e.file) || new Set(ks.map(pathOf)).size < 2) continue;
        if (this.model.neverConcurrent(t.name, e.facts.name)) continue;
        const intent = mine.orders || e.facts.orders || ks.some((k) => mine.marked.includes(k) || e.facts.marked.includes(k));
        if (intent) out.add(e.file);
      }
      for (const l of summaries[i]!.locks) for (const f of this.byLock.get(l) ?? []) out.add(f);
    });
    return [...out].sort();
  }
}

function pathOf(key: string): string {
  const at = key.search(/->|\./);
  return at < 0 ? key : key.slice(at);
}
