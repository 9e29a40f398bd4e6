// What can run with what when only part of the tree is in view (a C file and its neighbours,
// a patch and the files it applies to): the same concurrency model as a whole tree, built from
// the functions in view, but closed only where C makes it so. A `static` function's callers
// are all in its file; any other function may be called from files not in view, so nothing is
// known about the locks it is entered with, and it is never "called only from" one function.
// Only what rules a cycle out is asked here (boot-only code, a function and its only caller,
// per-CPU data, a lock both sides hold, also on entry, unless some code in view takes it in
// read mode). A C file checked as it is also asks the whole-tree evidence rule (evidence.ts):
// its cycles are all between unchanged functions. A patch does not: its own intent rules
// (engine/pair/intent.ts) and differential judgement decide. A paused vCPU alone rules
// nothing out (see local.ts), and no parameter is known to be the running vCPU here (that
// needs every caller and its text).
import type { Event, Thread } from '../extract/types';
import { addressTaken, functionFacts } from './facts';
import type { ConcurrencyOracle, SideView } from './index';
import { LocalAccesses } from './local';
import { ruledOut } from './rule-out';
import { missingEvidence } from './evidence';
import { ConcurrencyModel } from './model';

/**
 * Names the texts in view use as values (function pointers): part of what the view's model is
 * built from, so also part of the key its scenarios are kept by (a new `.fn = foo` changes no
 * thread, but it opens foo() to callers out of view).
 */
export function viewAddressTaken(texts: readonly string[]): string[] {
  return [...new Set(texts.flatMap((t) => addressTaken(t)))].sort();
}

export class ViewConcurrency implements ConcurrencyOracle {
  private readonly model: ConcurrencyModel;
  private readonly local = new LocalAccesses();
  /** Locks some code in view takes (or asserts) in read mode: holding one excludes nobody. */
  private readonly shared = new Set<string>();

  /**
   * `usedAsValues`: names the texts in view use as values (see viewAddressTaken). `evidence`:
   * ask the whole-tree evidence rule too (a C file checked as it is, where every cycle is
   * between unchanged functions).
   */
  constructor(threads: readonly Thread[], usedAsValues: readonly string[], private readonly evidence = false, launched: Readonly<Record<string, string>> = {}) {
    const facts = threads.map((t) => ({ ...functionFacts(t, []), init: t.boot === true }));
    // Callers outside the view: every function not declared static, and every name used as a value.
    const open = new Set<string>(usedAsValues);
    for (const t of threads) if (!t.static) open.add(t.name);
    this.model = new ConcurrencyModel({ functions: facts, addressTaken: [...open].sort(), launched });
    for (const t of threads) {
      for (const e of t.events) if (e.kind === 'LOCK' && e.mode === 'read') this.shared.add(e.lock.key);
      for (const h of t.callerHolds ?? []) if (h.mode === 'read') this.shared.add(h.lock.key);
    }
  }

  neverConcurrent(a: Thread, b: Thread): string | undefined {
    return this.model.neverConcurrent(a.name, b.name);
  }

  private lockset(t: Thread, e: Event): Set<string> {
    return new Set([...e.held, ...this.model.locksOnEntry(t.name)]);
  }

  excludes(sides: readonly [SideView, SideView], shape: 'MP' | 'SB' | 'LB'): string | undefined {
    return ruledOut(sides, {
      neverConcurrent: (a, b) => this.neverConcurrent(a, b), local: this.local,
      lockset: (t, e) => this.lockset(t, e), shared: (k) => this.shared.has(k), readMode: (k) => this.shared.has(k),
      launcherOf: (n, file) => this.model.launcherOf(n, file),
    }) ?? (this.evidence ? missingEvidence(sides, shape) : undefined);
  }
}
