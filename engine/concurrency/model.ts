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
// - Static functions of a source file are told apart by file: a call resolves to the calling
//   file's own static function of the name, if it has one (facts carry the file).
// - Calls through a struct field of function pointers (`s->wake(...)`) call the functions
//   designated initializers assign to the field (`.wake = f`), where hooks.ts finds every use
//   of the field and of those functions in view: such a function is not address-taken then.
// - Running-vCPU parameters: a parameter every caller binds to `current` (directly, through a
//   local set to it, or by passing on a parameter of its own that is one), and the function
//   never reassigns. Two CPUs never run one vCPU (or task) at once, and a paused one not at all.
// - Parameters under construction: every caller passes an object it allocated (or was handed so)
//   and has not yet published; which functions allocate and which publish their parameters are
//   solved here from the facts construction.ts reads (see constructionParams).
// Pure data in, answers out: no I/O.
import type { FunctionFacts } from './facts';
import { calledField, type HookFacts } from './hooks';
import type { LockPointerWrapper } from './lock-wrappers';
import type { BuiltArg, Handed } from './construction';
import { ALLOCATORS } from '../kb/lifecycle';

export interface TreeFacts {
  /** With the file each is defined in, where known (static functions are told apart by it). */
  readonly functions: ReadonlyArray<FunctionFacts & { readonly file?: string }>;
  /** Source files another file includes (`#include "multi.c"`): their static functions are not theirs alone. */
  readonly sharedSources?: readonly string[];
  /** Names used as values somewhere in the tree (function pointers): their callers are unknown. */
  readonly addressTaken: readonly string[];
  /** Functions that only start by IPI launches from one function: callback → launcher (launch.ts). */
  readonly launched?: Readonly<Record<string, string>>;
  /** Calls through struct fields of function pointers, resolved (hooks.ts). */
  readonly hooks?: HookFacts;
  /** Lock wrappers that take the lock a struct's lock pointer points to (lock-wrappers.ts lockPointerWrappers). */
  readonly lockPointers?: Readonly<Record<string, LockPointerWrapper>>;
}

interface Caller {
  readonly name: string;
  readonly held: readonly string[];
  readonly running: readonly number[];
  readonly stack: readonly number[];
  readonly passes: ReadonlyArray<readonly [number, number]>;
  readonly built: readonly BuiltArg[];
  /** The caller's calls handed an object itself (BuiltArg.handed ranges into them). */
  readonly handings: readonly Handed[];
}

export class ConcurrencyModel {
  private readonly callers = new Map<string, Caller[]>();
  private readonly init = new Set<string>();
  private readonly defined = new Set<string>();
  private readonly escaped: ReadonlySet<string>;
  private readonly entry = new Map<string, ReadonlySet<string>>();
  private readonly asserted = new Map<string, ReadonlySet<string>>();
  private readonly byName = new Map<string, Array<FunctionFacts & { readonly file?: string }>>();
  private readonly boot = new Set<string>();
  private readonly owner = new Map<string, string>();
  private readonly running = new Map<string, ReadonlySet<number>>();
  private readonly onStack = new Map<string, ReadonlySet<number>>();
  private readonly building = new Map<string, ReadonlySet<number>>();
  /** Allocators: the knowledge base's, and functions that return what one of them returned. */
  private readonly allocating = new Set<string>(ALLOCATORS);
  /** Parameters each function publishes (solvePublishers). */
  private readonly publishing = new Map<string, Set<number>>();
  /** [p, q] per function: it stores parameter p's object into what parameter q points to. */
  private readonly storing = new Map<string, ReadonlyArray<readonly [number, number]>>();
  private readonly selfCalls: Caller[] = [];
  /**
   * Functions whose callers are all in view: defined here, called here, never used as a value.
   * Fixed once every call is in, and asked in every round of every fixpoint below.
   */
  private readonly closedIds: ReadonlySet<string>;
  /** Every definition's model name, by function name. */
  private readonly ids = new Map<string, string[]>();
  private readonly readLocks = new Set<string>();
  /** Functions that update a location atomically, and with a separate load and store, by key. */
  private readonly updaters = { atomic: new Map<string, Set<string>>(), split: new Map<string, Set<string>>() };
  /** Parameters no definition of the name reassigns (intersection over same-named definitions). */
  private readonly fixed = new Map<string, Set<number>>();
  /** Static functions of source files: the files that define each name so (see idOf). */
  private readonly statics = new Map<string, Set<string>>();

  private readonly launched: ReadonlyMap<string, string>;
  /** Lock keys that are always a lock pointer's lock, wherever taken → that lock (see pointerLocks). */
  private readonly pointerLock: ReadonlyMap<string, LockPointerWrapper>;
  /** The keys of lock pointers' locks, with their lock type. */
  private readonly pointerTypes: ReadonlyMap<string, string>;

  constructor(facts: TreeFacts) {
    this.launched = new Map(Object.entries(facts.launched ?? {}));
    this.pointerLock = pointerLocks(facts);
    this.pointerTypes = new Map([...this.pointerLock.values()].map((w) => [w.key, w.type]));
    const explained = new Set(facts.hooks?.explained ?? []);
    this.escaped = new Set(facts.addressTaken.filter((n) => !explained.has(n)));
    const hooks = facts.hooks?.targets ?? {};
    // A static function of a source file is its own: `runq_insert()` of one scheduler is not
    // another's, and only its file calls it (unless another file includes that one).
    const shared = new Set(facts.sharedSources ?? []);
    for (const f of facts.functions) {
      if (f.static && f.file?.endsWith('.c') && !shared.has(f.file)) (this.statics.get(f.name) ?? this.statics.set(f.name, new Set()).get(f.name)!).add(f.file);
    }
    const ids = this.ids;
    for (const f of facts.functions) {
      const id = this.idOf(f.name, f.file);
      (ids.get(f.name) ?? ids.set(f.name, []).get(f.name)!).push(id);
    }
    for (const f of facts.functions) {
      const self = this.idOf(f.name, f.file);
      this.defined.add(self);
      (this.byName.get(self) ?? this.byName.set(self, []).get(self)!).push(f);
      if (f.init) this.init.add(self);
      for (const k of f.readLocks ?? []) this.readLocks.add(k);
      for (const [kind, keys] of [['atomic', f.atomicUpdates], ['split', f.splitUpdates]] as const) {
        for (const k of keys ?? []) (this.updaters[kind].get(k) ?? this.updaters[kind].set(k, new Set()).get(k)!).add(self);
      }
      const fixed = new Set(f.fixedParams ?? []);
      const prev = this.fixed.get(self);
      this.fixed.set(self, prev ? new Set([...prev].filter((i) => fixed.has(i))) : fixed);
      for (const c of f.calls) {
        const held = this.withPointers(c.held);
        // A recursive call is no outside caller; for running-vCPU parameters it must pass them on.
        if (c.callee === f.name) { this.selfCalls.push({ name: self, held, running: c.running ?? [], stack: c.stack ?? [], passes: c.passes ?? [], built: c.built ?? [], handings: f.handings ?? [] }); continue; }
        // `s->wake(s, unit)`: a call of every function designated initializers assign to `wake`
        // (each definition of the name: the initializer's file is not kept).
        const field = calledField(c.callee);
        const callees = field !== undefined && Object.hasOwn(hooks, field) ? hooks[field]!.flatMap((n) => ids.get(n) ?? [n]) : this.callees(c.callee, f.file, ids);
        for (const callee of new Set(callees)) {
          (this.callers.get(callee) ?? this.callers.set(callee, []).get(callee)!)
            .push({ name: self, held, running: c.running ?? [], stack: c.stack ?? [], passes: c.passes ?? [], built: c.built ?? [], handings: f.handings ?? [] });
        }
      }
    }
    this.closedIds = new Set([...this.defined].filter((id) => !this.escaped.has(id.replace(/@.*$/, '')) && (this.callers.get(id)?.length ?? 0) > 0));
    this.solveAssertedLocks();
    this.solveEntryLocks();
    this.solveBootOnly();
    this.solveOwners();
    this.solveRunning();
  }

  private solveRunning(): void {
    for (const [name, ps] of this.solveParams((c) => c.running)) this.running.set(name, ps);
    for (const [name, ps] of this.solveParams((c) => c.stack)) this.onStack.set(name, ps);
    this.solveAllocators();
    this.solvePublishers();
    const fresh = (b: BuiltArg, c: Caller) => b.members.every((m) => this.allocates(m, c.name))
      && !(b.handed ? c.handings.slice(b.handed[0], b.handed[1]) : []).some((h) => h.root === b.root && this.publishesAt(h, this.fileOf(c.name)));
    const built = this.solveParams(
      (c) => c.built.flatMap((b) => (b.alloc !== undefined && this.allocates(b.alloc, c.name) && fresh(b, c) ? [b.arg] : [])),
      (c) => c.built.flatMap((b) => (b.param !== undefined && fresh(b, c) ? [[b.arg, b.param] as const] : [])),
    );
    for (const [name, ps] of built) this.building.set(name, ps);
  }

  /** Least fixpoint: a function all of whose definitions return only what allocators returned. */
  private solveAllocators(): void {
    for (let changed = true; changed;) {
      changed = false;
      for (const [id, defs] of this.byName) {
        if (this.allocating.has(id)) continue;
        if (defs.every((f) => f.returnsFrom?.every((c) => this.allocating.has(this.idOf(c, f.file))))) { this.allocating.add(id); changed = true; }
      }
    }
  }

  /**
   * Least fixpoint: the parameters a function publishes (construction.ts): itself, or by passing
   * one on to a callee that publishes it, or that stores it into what another argument points
   * to when that argument is not an object under construction of its own. A name publishes what
   * any of its definitions does.
   */
  private solvePublishers(): void {
    for (const [id, defs] of this.byName) {
      const own = defs.flatMap((f) => f.publishes ?? []);
      if (own.length) this.publishing.set(id, new Set(own));
      const into = defs.flatMap((f) => f.storesInto ?? []);
      if (into.length) this.storing.set(id, into);
    }
    // Each passing, read once in the order the rounds visit them: who passes which parameter to
    // which callee, and whether the callee stores it (storing is fixed, so that part of
    // publishesAt is too; only what callees publish grows).
    const passings: Array<{ readonly id: string; readonly callee: string; readonly arg: number; readonly param: number; readonly stores: boolean }> = [];
    for (const [id, defs] of this.byName) {
      for (const f of defs) {
        for (const c of f.calls) {
          for (const [arg, param] of c.passes ?? []) {
            // New memory of the caller's own, or inside the object passed, publishes nothing yet.
            const self = c.built?.find((b) => b.arg === arg)?.root;
            const owned = (c.built ?? []).filter((b) => b.alloc !== undefined || b.root === self).map((b) => b.arg);
            const callee = this.idOf(c.callee, f.file);
            passings.push({ id, callee, arg, param, stores: this.stores(callee, arg, owned) });
          }
        }
      }
    }
    for (let changed = true; changed;) {
      changed = false;
      for (const { id, callee, arg, param, stores } of passings) {
        if (!stores && !this.publishing.get(callee)?.has(arg)) continue;
        const mine = this.publishing.get(id) ?? this.publishing.set(id, new Set()).get(id)!;
        if (!mine.has(param)) { mine.add(param); changed = true; }
      }
    }
  }

  /** A call (in `file`) handing an object to `h.callee` as argument `h.arg` publishes it. */
  private publishesAt(h: Pick<Handed, 'callee' | 'arg' | 'owned'>, file: string | undefined): boolean {
    const id = this.idOf(h.callee, file);
    return (this.publishing.get(id)?.has(h.arg) ?? false) || this.stores(id, h.arg, h.owned);
  }

  /** The function (a model id) stores its parameter `arg` into what a parameter not in `owned` points to. */
  private stores(id: string, arg: number, owned: readonly number[]): boolean {
    return (this.storing.get(id) ?? []).some(([p, q]) => p === arg && !owned.includes(q));
  }

  /** A call of `callee` made by the function `caller` (a model id) allocates. */
  private allocates(callee: string, caller: string): boolean {
    return this.allocating.has(this.idOf(callee, this.fileOf(caller)));
  }

  /** The file a function (a model id) is defined in: a static one's own, else its first definition's. */
  private fileOf(id: string): string | undefined {
    return this.byName.get(id)?.[0]?.file;
  }

  /**
   * Parameters that, in every calling context, hold what `direct` says a call site passes
   * itself (the running vCPU, an object on the caller's stack). Greatest fixpoint: start from
   * every fixed parameter of a closed function, drop a parameter at a call site that passes
   * neither such a value nor such a parameter of the caller's own. A recursive call passing
   * the parameter on keeps it.
   */
  private solveParams(
    direct: (c: Caller) => readonly number[],
    passes: (c: Caller) => ReadonlyArray<readonly [number, number]> = (c) => c.passes,
  ): Map<string, Set<number>> {
    const cur = new Map<string, Set<number>>();
    for (const name of this.defined) if (this.closed(name) && this.fixed.get(name)!.size > 0) cur.set(name, new Set(this.fixed.get(name)));
    // What a site passes does not change while the fixpoint runs: each is read once, not in
    // every round for every parameter (the built-object rules ask allocators and publishers).
    const selfCalls = new Map<string, Caller[]>();
    for (const c of this.selfCalls) (selfCalls.get(c.name) ?? selfCalls.set(c.name, []).get(c.name)!).push(c);
    const sitesOf = new Map<string, Caller[]>();
    const sites = (name: string): Caller[] => sitesOf.get(name) ?? sitesOf.set(name, [...this.callers.get(name)!, ...(selfCalls.get(name) ?? [])]).get(name)!;
    const directOf = new Map<Caller, readonly number[]>();
    const passesOf = new Map<Caller, ReadonlyArray<readonly [number, number]>>();
    const directAt = (c: Caller): readonly number[] => directOf.get(c) ?? directOf.set(c, direct(c)).get(c)!;
    const passesAt = (c: Caller): ReadonlyArray<readonly [number, number]> => passesOf.get(c) ?? passesOf.set(c, passes(c)).get(c)!;
    for (let changed = true; changed;) {
      changed = false;
      for (const [name, ps] of cur) {
        for (const p of [...ps]) {
          const ok = sites(name).every((c) => directAt(c).includes(p)
            || passesAt(c).some(([arg, param]) => arg === p && (cur.get(c.name)?.has(param) ?? false)));
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
  stackParams(name: string, file?: string): ReadonlySet<number> {
    return this.onStack.get(this.idOf(name, file)) ?? NONE;
  }

  /**
   * Parameter positions that point into an object under construction in every calling context:
   * allocated by a caller (or handed down to it so) and not yet made reachable by other CPUs
   * (construction.ts). Nothing else touches it yet.
   */
  constructionParams(name: string, file?: string): ReadonlySet<number> {
    return this.building.get(this.idOf(name, file)) ?? NONE;
  }

  /** Parameter positions that are the vCPU running the function, in every calling context. */
  runningParams(name: string, file?: string): ReadonlySet<number> {
    return this.running.get(this.idOf(name, file)) ?? NONE;
  }

  /** The model's name of the function `name` defined in `file` (static functions are told apart by file). */
  idOfDefinition(name: string, file: string | undefined): string {
    return this.idOf(name, file);
  }

  /** The model names a call of `name` from `file` may reach (see idOf; one name may stand for several definitions). */
  resolve(name: string, file: string | undefined): readonly string[] {
    return this.defined.has(this.idOf(name, file)) || this.ids.has(name) ? this.callees(name, file, this.ids) : [];
  }

  /** The definitions behind a model name, with their files. */
  definitions(id: string): ReadonlyArray<FunctionFacts & { readonly file?: string }> {
    return this.byName.get(id) ?? [];
  }

  /** Callers are all in view (closedIds). */
  private closed(id: string): boolean {
    return this.closedIds.has(id);
  }

  /**
   * What a call of `name` in `file` may call: the file's own static function, else the one
   * defined without `static`; with neither (a header's inline function calling a static
   * function of the files that include it), every static function of the name.
   */
  private callees(name: string, file: string | undefined, ids: ReadonlyMap<string, readonly string[]>): string[] {
    const id = this.idOf(name, file);
    const defs = ids.get(name) ?? [];
    return id !== name || defs.length === 0 || defs.includes(name) ? [id] : [...defs];
  }

  /** The model's name of a function called (or defined) in `file`: the file's own static one, else the name. */
  private idOf(name: string, file: string | undefined): string {
    // Asked for every pair pairing considers: no string is built (and hashed) unless it is the answer.
    return file !== undefined && this.statics.get(name)?.has(file) ? `${name}@${file}` : name;
  }

  /**
   * Least fixpoint: a definition asserts its own assertions and those of the callees it calls
   * on every path, less the locks it takes or releases itself and those it holds at the call;
   * a name asserts what all its definitions do.
   */
  private solveAssertedLocks(): void {
    const of = (name: string): ReadonlySet<string> => this.asserted.get(name) ?? EMPTY;
    const once = (f: FunctionFacts & { readonly file?: string }): Set<string> => {
      const own = new Set(this.withPointers(f.locks ?? []));
      const out = new Set(f.asserts ?? []);
      for (const c of f.calls) {
        if (!c.always || c.callee === f.name) continue;
        for (const k of of(this.idOf(c.callee, f.file))) if (!own.has(k) && !c.held.includes(k)) out.add(k);
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
    // The same order every round (a round may end at the cap before the fixpoint).
    const closed = [...this.defined].sort().filter((name) => this.closed(name));
    for (let changed = true, rounds = 0; changed && rounds < 50; rounds++) {
      changed = false;
      for (const name of closed) {
        // The intersection over call sites of what each holds (its locks at the call, on its
        // entry, asserted), in the first site's order; a caller not yet constrained holds
        // every lock. Sites are tested in place: most of them change nothing.
        let acc: Set<string> | null = null;
        for (const c of this.callers.get(name)!) {
          const callerEntry = cur.get(c.name) ?? EMPTY;
          if (callerEntry === null) continue;
          const asserted = this.asserted.get(c.name) ?? EMPTY;
          if (acc === null) acc = new Set([...c.held, ...callerEntry, ...asserted]);
          else for (const k of acc) if (!c.held.includes(k) && !callerEntry.has(k) && !asserted.has(k)) acc.delete(k);
        }
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

  /**
   * The keys with the lock pointer's lock each one always is (`*unsigned int` of
   * `pcpu_schedule_lock(cpu)` and `*struct sched_unit` of `unit_schedule_lock(unit)` are both
   * `*struct sched_resource->schedule_lock`), and the key of a lock of the pointer's type named
   * by nothing (`*spinlock_t`): a lock pointer may point to any lock of its type, so whether
   * another lock named otherwise is the same one is not known (rule-out.ts lockIdentityUnknown).
   */
  lockKeys(keys: Iterable<string>): Set<string> {
    const out = new Set(this.withPointers(keys));
    for (const k of [...out]) { const type = this.pointerTypes.get(k); if (type !== undefined) out.add(`*${type}`); }
    return out;
  }

  private withPointers(keys: Iterable<string>): string[] {
    const out = new Set(keys);
    for (const k of [...out]) { const p = this.pointerLock.get(k); if (p) out.add(p.key); }
    return [...out];
  }

  /** How many functions of the tree update a location atomically, and how many with a separate load and store. */
  updatersOf(key: string): { readonly atomic: number; readonly split: number } {
    return { atomic: this.updaters.atomic.get(key)?.size ?? 0, split: this.updaters.split.get(key)?.size ?? 0 };
  }

  /** Some function takes (or asserts) the lock in read mode: holding it may exclude nobody. */
  takenForReading(key: string): boolean {
    return this.readLocks.has(key);
  }

  /** Locks every caller in view holds when calling the function (empty when unknown). */
  locksOnEntry(name: string, file?: string): ReadonlySet<string> {
    return this.entry.get(this.idOf(name, file)) ?? EMPTY;
  }

  /** The function runs only while the system boots: `__init`, or called only from such code. */
  bootOnly(name: string, file?: string): boolean {
    return this.boot.has(this.idOf(name, file));
  }

  /**
   * One function runs only inside the other: `inner` is called only from `outer`, directly or
   * through a chain of functions each called only from the next.
   */
  runsInside(inner: string, outer: string, files: { inner?: string; outer?: string } = {}): boolean {
    const seen = new Set<string>();
    outer = this.idOf(outer, files.outer);
    for (let n = this.owner.get(this.idOf(inner, files.inner)); n !== undefined && !seen.has(n); n = this.owner.get(n)) {
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
  launcherOf(name: string, file?: string): { readonly launcher: string; readonly callback: string } | undefined {
    const seen = new Set<string>();
    for (let n: string | undefined = this.idOf(name, file); n !== undefined && !seen.has(n); n = this.owner.get(n)) {
      // Launch records name functions as their launches write them (launch.ts): without the file.
      const plain = n.replace(/@.*$/, '');
      const launcher = this.launched.get(plain);
      if (launcher !== undefined) return { launcher, callback: plain };
      seen.add(n);
    }
    return undefined;
  }

  /** Why two functions never run as two concurrent threads, or undefined when they may. */
  neverConcurrent(a: string, b: string, files: { a?: string; b?: string } = {}): string | undefined {
    if (this.bootOnly(a, files.a)) return `${a}() runs only at boot`;
    if (this.bootOnly(b, files.b)) return `${b}() runs only at boot`;
    if (this.runsInside(a, b, { inner: files.a, outer: files.b })) return `${a}() is called only from ${b}()`;
    if (this.runsInside(b, a, { inner: files.b, outer: files.a })) return `${b}() is called only from ${a}()`;
    return undefined;
  }

  /** Counts for reports and benchmarks. */
  stats(): ModelStats {
    return { functions: this.defined.size, withEntryLocks: this.entry.size, bootOnly: this.boot.size, owned: this.owner.size, runningParams: this.running.size, stackParams: this.onStack.size, constructionParams: this.building.size };
  }
}

/** How much the model knows, for --stats. */
export interface ModelStats {
  readonly functions: number;
  readonly withEntryLocks: number;
  readonly bootOnly: number;
  readonly owned: number;
  readonly runningParams: number;
  readonly stackParams: number;
  readonly constructionParams: number;
}

/**
 * Lock keys every taker of which, anywhere in the tree, is a lock-pointer wrapper of one lock
 * pointer: the key is that pointer's lock. A key also taken otherwise (a direct `spin_lock()`
 * of an `unsigned int *`, another wrapper keyed by a CPU number) stays as it is.
 */
function pointerLocks(facts: TreeFacts): Map<string, LockPointerWrapper> {
  const wrappers = facts.lockPointers ?? {};
  const byKey = new Map<string, LockPointerWrapper | null>();
  for (const f of facts.functions) {
    for (const [key, prims] of Object.entries(f.lockedBy ?? {})) {
      for (const prim of prims) {
        const w = Object.hasOwn(wrappers, prim) ? wrappers[prim]! : undefined;
        const known = byKey.get(key);
        byKey.set(key, w && (known === undefined || known?.key === w.key) ? w : null);
      }
    }
  }
  return new Map([...byKey].flatMap(([k, w]) => (w ? [[k, w] as const] : [])));
}

const EMPTY: ReadonlySet<string> = new Set();
const NONE: ReadonlySet<number> = new Set();
