// The vocabulary of the knowledge base: what a primitive does, as a short list of effects that
// map one-to-one onto LKMM events (the same tags herd's linux-kernel.def uses).

export type Os = 'linux' | 'xen';
export type Arch = 'x86' | 'arm64' | 'arm32';

/** Ordering of an access, as LKMM tags it (plain = untagged C access). */
export type ReadAnnot = 'plain' | 'once' | 'acquire';
export type WriteAnnot = 'plain' | 'once' | 'release';
/** mb = fully ordered RMW; relaxed = value-returning, unordered; noreturn = void RMW. */
export type RmwAnnot = 'mb' | 'relaxed' | 'acquire' | 'release' | 'noreturn';

export type FenceKind =
  | 'mb' | 'rmb' | 'wmb' | 'barrier'
  | 'before-atomic' | 'after-atomic' | 'after-spinlock' | 'after-unlock-lock' | 'after-srcu-read-unlock'
  | 'rcu-lock' | 'rcu-unlock' | 'sync-rcu';

/**
 * Which memory an argument names. `{arg: 1, deref: true}` on `set_bit(nr, &p->status)` is
 * `p->status`; `{arg: 0}` on `READ_ONCE(x)` is `x`; `{arg: 1, field: 'requests'}` on
 * `kvm_make_request(req, vcpu)` is `vcpu->requests`.
 */
export interface LocRef {
  /** Position of the argument; negative counts from the last (-1: the last argument). */
  readonly arg: number;
  readonly deref?: boolean;
  readonly field?: string;
  /**
   * Not an argument: the pointer the call returns (`arg` is ignored), with `field` under it. A
   * lock so named is held by the variable the caller assigns the result to, where it is not NULL.
   */
  readonly result?: boolean;
}

export type RmwOp = 'set-bit' | 'clear-bit' | 'change-bit' | 'xchg' | 'cmpxchg' | 'add' | 'sub' | 'inc' | 'dec' | 'or' | 'and' | 'andnot';

export type Effect =
  | { readonly op: 'R'; readonly loc: LocRef; readonly annot: ReadAnnot; /** Argument index of the bit a bit test reads. */ readonly bitArg?: number }
  | { readonly op: 'W'; readonly loc: LocRef; readonly annot: WriteAnnot; readonly valueArg?: number }
  | {
    readonly op: 'RMW'; readonly loc: LocRef; readonly annot: RmwAnnot; readonly rmw: RmwOp;
    /** Argument index of the bit number for bitops. */
    readonly bitArg?: number;
    /** Argument index of the value operand (xchg value, cmpxchg new value, add amount). */
    readonly valueArg?: number;
    /** Whether a failed conditional RMW (cmpxchg, test_and_* with the bit already in place) still orders. */
    readonly failure?: 'ordered' | 'unordered';
  }
  | { readonly op: 'F'; readonly fence: FenceKind }
  | { readonly op: 'LOCK' | 'UNLOCK'; readonly loc: LocRef; readonly mode: LockMode }
  /**
   * The caller holds this lock (`lockdep_assert_held(&kvm->lock)`): no event, but the function
   * runs under it from entry to return. On a `predicate` (`spin_is_locked`) it counts only where
   * an assertion states the test true (`ASSERT(spin_is_locked(&v->lock))`). `spins`: the
   * assertion says the lock is a spinning one (nothing may sleep under it); lockdep's do not
   * (a mutex or rwsem passes them too).
   */
  | { readonly op: 'HELD'; readonly loc: LocRef; readonly mode: LockMode; readonly spins: boolean }
  | { readonly op: 'IRQ'; readonly state: 'off' | 'on' | 'restore' }
  /** Expands another primitive with some of this one's arguments (vcpu_pause → vcpu_sleep_sync). */
  | { readonly op: 'CALL'; readonly name: string; readonly args: readonly number[] };

export type LockMode = 'spin' | 'read' | 'write' | 'mutex' | 'try';

/**
 * Facts the checks look for beyond ordering. `predicate`: a test (`spin_is_locked`) whose
 * effects hold only where an assertion says it is true.
 */
export type Tag =
  | 'sleeps' | 'softirq' | 'must-not-hold-lock' | 'kick' | 'wake' | 'reinject' | 'pause'
  | 'hidden-lock' | 'transparent' | 'predicate';

export type PrimitiveKind = 'fence' | 'access' | 'rmw' | 'bitop' | 'lock' | 'irq' | 'list' | 'rcu' | 'function';

export interface Primitive {
  readonly name: string;
  /** Code bases that define the name this way. */
  readonly os: readonly Os[];
  readonly kind: PrimitiveKind;
  /** The macro is an lvalue (ACCESS_ONCE): a read, or a write when assigned to. */
  readonly lvalue?: boolean;
  /** The generic (LKMM-level) meaning. */
  readonly effects: readonly Effect[];
  /** Per-architecture meaning where it differs from `effects`. */
  readonly arch?: Partial<Record<Arch, readonly Effect[]>>;
  /** What it compiles to, for hovers. */
  readonly asm?: Partial<Record<Arch, string>>;
  readonly tags?: readonly Tag[];
  /** Where the fact comes from: a file in Linux or Xen. */
  readonly source: string;
  readonly note?: string;
  /** Known but not modeled: extraction reports `unsupported: NAME at L:C (why)` at each use. */
  readonly unsupported?: string;
}

export interface Profile {
  readonly os?: Os;
  readonly arch?: Arch;
}

/**
 * Functions that only ever run under a lock their callers take, by name: KVM runs every arch
 * vCPU ioctl handler inside kvm_vcpu_ioctl(), which holds vcpu->mutex around the switch. Such
 * a function is extracted as if it asserted the lock (see CallerHeld in extract/types.ts).
 */
export interface CallingContext {
  readonly os: readonly Os[];
  readonly functions: RegExp;
  /** The lock as extraction keys it (type-rooted), and how to show it. */
  readonly lock: { readonly text: string; readonly key: string; readonly root: string; readonly rootType: string };
  readonly mode: LockMode;
  readonly source: string;
}

export interface KnowledgeBase {
  readonly primitives: ReadonlyMap<string, readonly Primitive[]>;
  readonly contexts?: readonly CallingContext[];
  /** Iterator macros to read as loops (`for_each_thing(...)`), from the user's config. */
  readonly iterators: readonly string[];
  /** Identifiers or access paths the user declared shared (globals, per-CPU data). */
  readonly shared: readonly RegExp[];
  /**
   * Pointer fields of structs, `struct vcpu->domain` → `struct domain`: a lock reached through
   * one (`v->domain->lock`) is the lock of the struct it points to (`d->lock`), one lock.
   */
  readonly pointers?: ReadonlyMap<string, string>;
}
