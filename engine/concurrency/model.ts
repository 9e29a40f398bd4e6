// What can run with what, under which locks: the concurrency model of a tree, built once from
// the per-function facts of its index (see facts.ts) and asked by pairing and the checks.
//
// - A call graph by function name, callers across files.
// - Locks held on entry: for a function whose every caller is in view, the intersection over
//   its call sites of (locks held at the call ∪ locks held on the caller's entry), solved as a
//   greatest fixpoint (RELAY's relative locksets, by name). A function whose address is taken,
//   or that nobody in view calls, holds nothing on entry: its callers are unknown.
// - Locks asserted on entry: a function asserts that its caller holds a lock
//   (`ASSERT(spin_is_locked(...))`), or calls, on every path through it, a function that does
//   while it neither takes nor releases that lock itself: the lock was held when it was
//   entered. Solved as a least fixpoint over the call graph, by name (every definition of a
//   name must assert it), and part of the locks on entry, which its callees then inherit.
// - Boot-only functions: declared `__init`, or called only from boot-only functions.
// - Exclusive callers: a function called only from one other function (directly or through a
//   chain of such functions) runs inside that caller; the two are never two concurrent threads.
// - Running-vCPU parameters: a parameter every caller binds to `current` (directly, through a
//   local set to it, or by passing on a parameter of its own that is one), and the function
//   never reassigns. Two CPUs never run one vCPU (or task) at once, and a paused one not at all.
// Pure data in, answers out: no I/O.
import type { CallSite, FunctionFacts } from './facts';

export interface TreeFacts {
  readonly functions: readonly FunctionFacts[];
  /** Names used as values somewhere in the tree (function pointers): their callers are unknown. */
  readonly addressTaken: readonly string[];
  /** Functions that only start by IPI launches from one function: callback → launcher (launch.ts). */
  readonly launched?: Readonly<Record<string, string>>;
}

interface Caller {
  readonly name: string;
  readonly held: readonly string[];
  readonly running: readonly number[];
  readonly stack: readonly number[];
  readonly passes: ReadonlyArray<readonly [number, number]>;
}

function callerOf(f: FunctionFacts, c: CallSite): Caller {
  return { name: f.name, held: c.held, running: c.running ?? [], stack: c.stack ?? [], passes: c.passes ?? [] };
}

export class ConcurrencyModel {
  private readonly callers = new Map<string, Caller[]>();
  private readonly init = new Set<string>();
  private readonly defined = new Set<string>();
  private readonly escaped: ReadonlySet<string>;
  private readonly entry = new Map<string, ReadonlySet<string>>();
  private readonly asserted = new Map<string, ReadonlySet<string>>();
  private readonly byName = new Map<string, FunctionFacts[]>();
  private readonly boot = new Set<string>();
  private readonly owner = new Map<string, string>();
  private readonly running = new Map<string, ReadonlySet<number>>();
  private readonly onStack = new Map<string, ReadonlySet<number>>();
  private readonly selfCalls: Caller[] = [];
  private readonly readLocks = new Set<string>();
  /** Parameters no definition of the name reassigns (intersection over same-named definitions). */
  private readonly fixed = new Map<string, Set<number>>();

  private readonly launched: ReadonlyMap<string, string>;

  constructor(facts: TreeFacts) {
    this.launched = new Map(Object.entries(facts.launched ?? {}));
    this.escaped = new Set(facts.addressTaken);
    for (const f of facts.functions) {
      this.defined.add(f.name);
      (this.byName.get(f.name) ?? this.byName.set(f.name, []).get(f.name)!).push(f);
      if (f.init) this.init.add(f.name);
      for (const k of f.readLocks ?? []) this.readLocks.add(k);
      const fixed = new Set(f.fixedParams ?? []);
      const prev = this.fixed.get(f.name);
      this.fixed.set(f.name, prev ? new Set([...prev].filter((i) => fixed.has(i))) : fixed);
      for (const c of f.calls) {
        // A recursive call is no outside caller; for running-vCPU parameters it must pass them on.
        if (c.callee === f.name) { this.selfCalls.push(callerOf(f, c)); continue; }
        (this.callers.get(c.callee) ?? this.callers.set(c.callee, []).get(c.callee)!)
          .push(callerOf(f, c));
      }
    }
    this.solveAssertedLocks();
    this.solveEntryLocks();
    this.solveBootOnly();
    this.solveOwners();
    this.solveRunning();
  }

  private solveRunning(): void {
    for (const [name, ps] of this.solveParams((c) => c.running)) this.running.set(name, ps);
    for (const [name, ps] of this.solveParams((c) => c.stack)) this.onStack.set(name, ps);
  }

  /**
   * Parameters that, in every calling context, hold what `direct` says a call site passes
   * itself (the running vCPU, an object on the caller's stack). Greatest fixpoint: start from
   * every fixed parameter of a closed function, drop a parameter at a call site that passes
   * neither such a value nor such a parameter of the caller's own. A recursive call passing
   * the parameter on keeps it.
   */
  private solveParams(direct: (c: Caller) => readonly number[]): Map<string, Set<number>> {
    const cur = new Map<string, Set<number>>();
    for (const name of this.defined) if (this.closed(name) && this.fixed.get(name)!.size > 0) cur.set(name, new Set(this.fixed.get(name)));
    for (let changed = true; changed;) {
      changed = false;
      for (const [name, ps] of cur) {
        for (const p of [...ps]) {
          const sites = [...this.callers.get(name)!, ...this.selfCalls.filter((c) => c.name === name)];
          const ok = sites.every((c) => direct(c).includes(p)
            || c.passes.some(([arg, param]) => arg === p && (cur.get(c.name)?.has(param) ?? false)));
          if (!ok) { ps.delete(p); changed = true; }
        }
      }
    }
    for (const [name, ps] of cur) if (ps.size === 0) cur.delete(name);
    return cur;
  }

  /**
   * Parameter positions that point to an object on a caller's stack in every calling context
   * (`unmap_common(&common[i])` from a function that declares `common[]`): no other CPU
   * knows its address.
   */
  stackParams(name: string): ReadonlySet<number> {
    return this.onStack.get(name) ?? NONE;
  }

  /** Parameter positions that are the vCPU running the function, in every calling context. */
  runningParams(name: string): ReadonlySet<number> {
    return this.running.get(name) ?? NONE;
  }

  /** Callers are all in view: defined here, called here, never used as a value. */
  private closed(name: string): boolean {
    return this.defined.has(name) && !this.escaped.has(name) && (this.callers.get(name)?.length ?? 0) > 0;
  }

  /**
   * Least fixpoint: a definition asserts its own assertions and those of the callees it calls
   * on every path, less the locks it takes or releases itself and those it holds at the call;
   * a name asserts what all its definitions do.
   */
  private solveAssertedLocks(): void {
    const of = (name: string): ReadonlySet<string> => this.asserted.get(name) ?? EMPTY;
    const once = (f: FunctionFacts): Set<string> => {
      const own = new Set(f.locks ?? []);
      const out = new Set(f.asserts ?? []);
      for (const c of f.calls) {
        if (!c.always || c.callee === f.name) continue;
        for (const k of of(c.callee)) if (!own.has(k) && !c.held.includes(k)) out.add(k);
      }
      return out;
    };
    for (let changed = true, rounds = 0; changed && rounds < 50; rounds++) {
      changed = false;
      for (const [name, defs] of this.byName) {
        const acc = defs.map(once).reduce((x, y) => new Set([...x].filter((k) => y.has(k))));
        if (acc.size > of(name).size) { this.asserted.set(name, acc); changed = true; }
      }
    }
  }

  /** Greatest fixpoint: start from "every lock" (unknown) for closed functions, shrink by call sites. */
  private solveEntryLocks(): void {
    // null: not yet constrained by any call site (the top of the lattice, "every lock").
    const cur = new Map<string, Set<string> | null>();
    for (const name of this.defined) cur.set(name, this.closed(name) ? null : new Set());
    for (let changed = true, rounds = 0; changed && rounds < 50; rounds++) {
      changed = false;
      for (const name of [...this.defined].sort()) {
        if (!this.closed(name)) continue;
        const sites: Array<Set<string>> = [];
        for (const c of this.callers.get(name)!) {
          const callerEntry = cur.get(c.name) ?? new Set<string>();
          if (callerEntry !== null) sites.push(new Set([...c.held, ...callerEntry, ...(this.asserted.get(c.name) ?? EMPTY)]));
        }
        const acc = sites.length === 0 ? null : sites.reduce((x, y) => new Set([...x].filter((k) => y.has(k))));
        const prev = cur.get(name);
        if (acc !== null && (prev === null || prev === undefined || prev.size !== acc.size || [...prev].some((k) => !acc!.has(k)))) {
          cur.set(name, acc);
          changed = true;
        }
      }
    }
    // What stays unknown sits on a cycle no outside caller enters: nothing is known on entry
    // but what the function asserts.
    for (const [name, s] of cur) {
      const all = new Set([...(s ?? []), ...(this.asserted.get(name) ?? EMPTY)]);
      if (all.size > 0) this.entry.set(name, all);
    }
  }

  /** Least fixpoint: `__init`, or closed with every caller boot-only. */
  private solveBootOnly(): void {
    for (const n of this.init) this.boot.add(n);
    for (let changed = true; changed;) {
      changed = false;
      for (const name of this.defined) {
        if (this.boot.has(name) || !this.closed(name)) continue;
        if (this.callers.get(name)!.every((c) => this.boot.has(c.name))) { this.boot.add(name); changed = true; }
      }
    }
  }

  /** A closed function with a single distinct caller runs inside it. */
  private solveOwners(): void {
    for (const name of this.defined) {
      if (!this.closed(name)) continue;
      const names = new Set(this.callers.get(name)!.map((c) => c.name));
      if (names.size === 1) this.owner.set(name, [...names][0]!);
    }
  }

  /** Some function takes (or asserts) the lock in read mode: holding it may exclude nobody. */
  takenForReading(key: string): boolean {
    return this.readLocks.has(key);
  }

  /** Locks every caller in view holds when calling the function (empty when unknown). */
  locksOnEntry(name: string): ReadonlySet<string> {
    return this.entry.get(name) ?? EMPTY;
  }

  /** The function runs only while the system boots: `__init`, or called only from such code. */
  bootOnly(name: string): boolean {
    return this.boot.has(name);
  }

  /**
   * One function runs only inside the other: `inner` is called only from `outer`, directly or
   * through a chain of functions each called only from the next.
   */
  runsInside(inner: string, outer: string): boolean {
    const seen = new Set<string>();
    for (let n = this.owner.get(inner); n !== undefined && !seen.has(n); n = this.owner.get(n)) {
      if (n === outer) return true;
      seen.add(n);
    }
    return false;
  }

  /**
   * The one function whose launches (IPI, interrupt handler) start `name`, if it starts no other
   * way (launch.ts), and the callback those launches name: `name` itself, or the function it
   * runs inside (`control_thread_fn()`, called only from the callback `do_microcode_update()`).
   */
  launcherOf(name: string): { readonly launcher: string; readonly callback: string } | undefined {
    const seen = new Set<string>();
    for (let n: string | undefined = name; n !== undefined && !seen.has(n); n = this.owner.get(n)) {
      const launcher = this.launched.get(n);
      if (launcher !== undefined) return { launcher, callback: n };
      seen.add(n);
    }
    return undefined;
  }

  /** Why two functions never run as two concurrent threads, or undefined when they may. */

  neverConcurrent(a: string, b: string): string | undefined {
    if (this.bootOnly(a)) return `${a}() runs only at boot`;
    if (this.bootOnly(b)) return `${b}() runs only at boot`;
    if (this.runsInside(a, b)) return `${a}() is called only from ${b}()`;
    if (this.runsInside(b, a)) return `${b}() is called only from ${a}()`;
    return undefined;
  }

  /** Counts for reports and benchmarks. */
  stats(): { functions: number; withEntryLocks: number; bootOnly: number; owned: number; runningParams: number; stackParams: number } {
    return { functions: this.defined.size, withEntryLocks: this.entry.size, bootOnly: this.boot.size, owned: this.owner.size, runningParams: this.running.size, stackParams: this.onStack.size };
  }
}

const EMPTY: ReadonlySet<string> = new Set();
const NONE: ReadonlySet<number> = new Set();
