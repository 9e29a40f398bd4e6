// Lock orders through calls, over the whole tree. A real ABBA mostly has a call on each side
// (Xen 603ad88fe8: vioapic_write_redirent() holds the IRQ lock across a helper of another file
// that takes the event lock; hvm_dirq_assist() holds the event lock across one that takes the
// IRQ lock). A whole-tree check reads one file at a time, with few others beside it, so what a
// callee of another file takes, and which functions elsewhere hold the opposite order, come
// from here: built from the index's per-function facts (facts.ts: the locks each function takes
// with callees of its own file inlined, and its call sites with the locks held at them).
// - locksTakenByCall: what a call may take, itself or through its callees, at most
//   MAX_LOCK_DEPTH calls down (as deep as the lock-order check follows bodies in view), one
//   path per lock, mode, build and dropped set (the shortest found first).
// - ordersThroughCalls: "A held at a call that takes B" per function, the orders one file's
//   extraction cannot see; a callee that drops its caller's lock first orders nothing after it.
// Pure data in, answers out.
import { archOf, sameBuild } from './arch';
import type { ConcurrencyModel } from './model';
import type { DomainPhase } from './domain-phase';

/** Calls down from a function that its lock summary follows (the lock-order check's depth). */
export const MAX_LOCK_DEPTH = 4;

export interface SummarizedLock {
  readonly key: string;
  readonly mode?: 'read' | 'try';
  /** Callees from the call to the acquisition, outermost first (the called function included). */
  readonly via: readonly string[];
  /** Locks held at the call that the path releases before it takes this one. */
  readonly dropped: readonly string[];
  /** The `arch/` directory of the code the path runs through, if any. */
  readonly arch?: string;
  /** The path runs only while its domain is being built or torn down (domain-phase.ts). */
  readonly phase?: DomainPhase;
}

export interface OrderThroughCall {
  readonly held: string;
  readonly taken: SummarizedLock;
}

export class LockSummaries {
  private readonly memo = new Map<string, readonly SummarizedLock[]>();
  private readonly busy = new Set<string>();
  private readonly orders = new Map<string, readonly OrderThroughCall[]>();

  constructor(private readonly model: ConcurrencyModel) {}

  /** What a call of `name` from `file` may take (every definition it may reach). */
  locksTakenByCall(name: string, file: string | undefined, depth = 1): readonly SummarizedLock[] {
    const ids = this.model.resolve(name, file);
    if (ids.length === 1) return this.taken(ids[0]!, depth);
    return unique(ids.flatMap((id) => this.taken(id, depth)));
  }

  /** Orders a definition of `id` has through its calls: a lock held at a call that takes another. */
  ordersThroughCalls(id: string): readonly OrderThroughCall[] {
    let out = this.orders.get(id);
    if (out) return out;
    const found: OrderThroughCall[] = [];
    for (const def of this.model.definitions(id)) {
      const own = archOf(def.file);
      for (const c of def.calls) {
        if (c.held.length === 0) continue;
        for (const x of this.locksTakenByCall(c.callee, def.file)) {
          if (x.mode === 'try' || !sameBuild(own, x.arch)) continue;
          for (const h of c.held) if (!x.dropped.includes(h)) found.push({ held: h, taken: x });
        }
      }
    }
    this.orders.set(id, (out = found));
    return out;
  }

  private taken(id: string, depth: number): readonly SummarizedLock[] {
    const key = `${id}\0${depth}`;
    const known = this.memo.get(key);
    if (known) return known;
    // A call cycle contributes nothing more on the way back.
    if (this.busy.has(key)) return [];
    this.busy.add(key);
    const out: SummarizedLock[] = [];
    const called = id.replace(/@.*$/, '');
    for (const def of this.model.definitions(id)) {
      const own = archOf(def.file);
      for (const t of def.takes ?? []) out.push({ key: t.key, ...(t.mode ? { mode: t.mode } : {}), via: [called], dropped: t.dropped ?? [], ...(own ? { arch: own } : {}), ...(t.phase ? { phase: t.phase } : {}) });
      if (depth >= MAX_LOCK_DEPTH) continue;
      for (const c of def.calls) {
        for (const x of this.locksTakenByCall(c.callee, def.file, depth + 1)) {
          if (!sameBuild(own, x.arch)) continue;
          const arch = x.arch ?? own;
          const phase = x.phase ?? c.phase;
          out.push({ ...x, via: [called, ...x.via], dropped: [...new Set([...(c.dropped ?? []), ...x.dropped])].sort(), ...(arch ? { arch } : {}), ...(phase ? { phase } : {}) });
        }
      }
    }
    this.busy.delete(key);
    const result = unique(out);
    this.memo.set(key, result);
    return result;
  }
}

/** One entry per lock, mode, build and dropped set: the first (shortest) path found. */
function unique(list: readonly SummarizedLock[]): SummarizedLock[] {
  const seen = new Map<string, SummarizedLock>();
  for (const x of list) {
    const k = `${x.key}\0${x.mode ?? ''}\0${x.arch ?? ''}\0${x.dropped.join(',')}\0${x.phase ?? ''}`;
    const had = seen.get(k);
    if (!had || had.via.length > x.via.length) seen.set(k, x);
  }
  return [...seen.values()];
}
