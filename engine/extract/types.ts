// Threads of events: what extraction hands to pairing, checks and the litmus translation.
// One event per memory-model action, in program order, each with its exact span in the input.
import type { Problem } from '../patch/types';
import type { FenceKind, LockMode, ReadAnnot, RmwAnnot, RmwOp, Tag, WriteAnnot } from '../kb/types';

export type { Problem };

/** 1-based, in the input document (the .c file, or the .patch/.eml text); `endCol` is exclusive. */
export interface Span {
  readonly line: number;
  readonly col: number;
  readonly endLine: number;
  readonly endCol: number;
}

/** A shared memory location as an access path. */
export interface Loc {
  /** The path as written, without spaces: `v->arch.sctlr`, `p->status`, `*flags`, `ring[]`. */
  readonly text: string;
  /**
   * The same path rooted at the root's type when known, for matching accesses across
   * functions whose variables are named differently: `struct vcpu->arch.sctlr`.
   */
  readonly key: string;
  readonly root: string;
  readonly rootType?: string;
  /** The root is the running vCPU/CPU (`current`, or a variable asserted or set to it). */
  readonly cpuLocal?: boolean;
}

/**
 * One bit of a word, as written: a bit number (`_VPF_blocked`, `3`, also from `1UL << n` and
 * `BIT(n)`) or a mask (`VPF_blocked`). extract/bits.ts says when two name the same bit.
 */
export interface BitRef {
  readonly text: string;
  readonly form: 'number' | 'mask';
}

/** A write that sets or clears one bit of its word (`clear_bit(B, p)`, `x &= ~M`, `atomic_or(M, v)`). */
export interface BitWrite {
  readonly bit: BitRef;
  readonly set: boolean;
}

/** The event runs only when condition `cond` evaluated to `value`. */
export interface Guard {
  readonly cond: number;
  readonly value: boolean;
}

export interface Cond {
  readonly id: number;
  /** if/loop/switch statements, `?:`, and the right operand of `&&`/`||`. */
  readonly kind: 'if' | 'loop' | 'switch' | 'ternary' | 'logical';
  readonly text: string;
  readonly span: Span;
  /** Read or RMW events whose values reach the condition (directly or through locals). */
  readonly reads: readonly number[];
  /**
   * Parameters (by index) whose values reach the condition: when the function is inlined, the
   * reads its caller's arguments came from reach it too (a control dependency through the call).
   */
  readonly params?: readonly number[];
  /**
   * The condition is exactly one bit of one read, nothing else: true when bit `bit` of read
   * event `read` (an R, or a test_and_*_bit() RMW, which returns the bit it found) is set
   * (`set`) or clear (`v->pause_flags & VPF_blocked`, `!test_bit(B, p)`, under `!`, `== 0`,
   * parentheses and likely()/unlikely()). Absent for any other condition.
   */
  readonly bitTest?: { readonly read: number; readonly bit: BitRef; readonly set: boolean };
  /**
   * The condition is exactly whether one read returned non-zero (`READ_ONCE(x)`, `!x`,
   * `x == 0`, under the same wrappers): true when read `read` is non-zero (`nonzero`) or zero.
   */
  readonly zeroTest?: { readonly read: number; readonly nonzero: boolean };
}

/** A callee whose summary produced the event: the call site is the event's span. */
export interface ViaFrame {
  readonly callee: string;
  readonly resolution: 'kb' | 'body';
  /** Where the access sits inside the callee's body, when the body was in view... */
  readonly calleeSpan?: Span;
  /** ...and in which file, when the callee's thread came from a file. */
  readonly file?: string;
}

export interface EventCommon {
  /** Index in `Thread.events`. */
  readonly id: number;
  readonly span: Span;
  /**
   * The innermost statement containing the event (the `if` for a read in its condition, the
   * call site for an event from a callee): where a fix inserts a barrier before or after.
   */
  readonly stmt: Span;
  /** Line in the source file (the patched/pre-image file for patch input). */
  readonly srcLine: number;
  /** The source text of the expression that produced the event. */
  readonly text: string;
  /** Structural guards (enclosing branches) and early-exit guards, outermost first. */
  readonly guards: readonly Guard[];
  /** Keys of the locks held when the event runs, in acquisition order. */
  readonly held: readonly string[];
  readonly irqsOff: boolean;
  /** The knowledge-base primitive that produced it (`smp_wmb`, `set_bit`, `spin_lock`). */
  readonly prim?: string;
  readonly via?: readonly ViaFrame[];
}

export type EventBody =
  | { readonly kind: 'R'; readonly loc: Loc; readonly annot: ReadAnnot; /** The bit a bit test reads (`test_bit(_VPF_blocked, ...)`). */ readonly bit?: string }
  | {
    readonly kind: 'W'; readonly loc: Loc; readonly annot: WriteAnnot; readonly value?: string;
    /** A compound assignment that sets or clears one bit (`x &= ~M`, `x |= M`). */
    readonly bits?: BitWrite;
  }
  | {
    readonly kind: 'RMW'; readonly loc: Loc; readonly annot: RmwAnnot; readonly rmw: RmwOp;
    readonly bit?: string; readonly value?: string; readonly failure?: 'ordered' | 'unordered';
  }
  | { readonly kind: 'F'; readonly fence: FenceKind }
  | { readonly kind: 'LOCK' | 'UNLOCK'; readonly lock: Loc; readonly mode: LockMode }
  | { readonly kind: 'IRQ'; readonly state: 'off' | 'on' | 'restore' }
  | {
    readonly kind: 'CALL'; readonly callee: string; readonly args: readonly string[];
    /** kb: the knowledge base describes it; body: summarized from its body; opaque: unknown. */
    readonly resolution: 'kb' | 'body' | 'opaque';
    readonly tags: readonly Tag[];
    /** The knowledge-base citation, for kb calls. */
    readonly source?: string;
  }
  /** `return` or `goto`: this path leaves the function (or jumps to a label) here. */
  | { readonly kind: 'EXIT'; readonly how: 'return' | 'goto'; readonly label?: string }
  | { readonly kind: 'ASSERT'; readonly expr: string };

export type Event = EventCommon & EventBody;
export type EventKind = Event['kind'];

export interface Dep {
  readonly kind: 'addr' | 'data' | 'ctrl';
  /** A read (or RMW) event. */
  readonly from: number;
  readonly to: number;
}

/** A dependency carried by a value: the address or the data of the later event. */
export type ValueDep = Dep & { readonly kind: 'addr' | 'data' };

/**
 * A lock the function's caller holds, known from an assertion in its body
 * (`ASSERT(spin_is_locked(&v->lock))`, `lockdep_assert_held(&kvm->lock)`): the function runs
 * under it from entry to return. Its key leads every event's `held`; there is no LOCK event for
 * it. The span is the assertion's, where a note may point; never a finding or a fix.
 */
export interface CallerHeld {
  readonly lock: Loc;
  /** `spin` (exclusive), `write` or `read`. */
  readonly mode: LockMode;
  /** The assertion says the lock spins (spin_is_locked); lockdep's also pass for a mutex. */
  readonly spins: boolean;
  readonly span: Span;
  /** The assertion as written. */
  readonly text: string;
}

export interface Thread {
  /** The function name (the hunk's function context for a wrapped fragment). */
  readonly name: string;
  readonly file?: string;
  /** For patch input: which image of the file the function comes from. */
  readonly side?: 'pre' | 'post';
  /** Index of the patch in a series, for patch input. */
  readonly unit?: number;
  /** True when the function was recovered from a fragment that starts inside it. */
  readonly partial: boolean;
  /** Declared in a boot-only section (`__init`): it runs while the system boots, not beside other CPUs' work. */
  readonly boot?: boolean;
  /** Declared `static`: every caller is in its own file. */
  readonly static?: boolean;
  readonly span: Span;
  readonly params: readonly { readonly name: string; readonly type: string }[];
  readonly events: readonly Event[];
  readonly conds: readonly Cond[];
  /**
   * Address and data dependencies, sorted by target, then source. Control dependencies are not
   * listed: they follow from each access's guards and the conditions' reads (extract/deps.ts).
   */
  readonly valueDeps: readonly ValueDep[];
  /** Locks held by the caller (present only when some are), in the order they are asserted. */
  readonly callerHolds?: readonly CallerHeld[];
  /**
   * What the returned value depends on (present only when something does): reads of this
   * function, and parameters by index (their caller's arguments, once inlined).
   */
  readonly returns?: { readonly reads: readonly number[]; readonly params: readonly number[] };
  /**
   * What each local pointer of the function's own body is set to (present only when some
   * are), compact text: initializers and plain assignments, each once, `?` past a few.
   */
  readonly pointerValues?: Readonly<Record<string, readonly string[]>>;
}

export interface Result<T> {
  readonly value: T;
  readonly problems: readonly Problem[];
}
