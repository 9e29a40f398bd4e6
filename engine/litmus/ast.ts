// The syntax tree of a C litmus test in the LKMM format (the one herd7 reads with
// linux-kernel.cfg). The simulator consumes this tree; it never sees text. Front ends that
// build programs from patches (checks/) produce the same tree, so one printer serves both.

/** 1-based line and column in the source text. */
export interface Pos {
  readonly line: number;
  readonly col: number;
}

/**
 * A run-time value: an integer, or the address of a shared location (by name). `symbolic`
 * marks a value no equation fixes (an out-of-thin-air cycle, sim/thin-air.ts); its `addr` is
 * its name, `S<n>`, and it equals nothing but itself.
 */
export type Value = number | { readonly addr: string; readonly symbolic?: true };

export type Expr =
  | { readonly kind: 'num'; readonly value: number; readonly pos: Pos }
  | { readonly kind: 'var'; readonly name: string; readonly pos: Pos }
  | { readonly kind: 'deref'; readonly ptr: Expr; readonly pos: Pos }
  | { readonly kind: 'addr'; readonly arg: Expr; readonly pos: Pos }
  | { readonly kind: 'unary'; readonly op: '!' | '-' | '~'; readonly arg: Expr; readonly pos: Pos }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr; readonly pos: Pos }
  | { readonly kind: 'ternary'; readonly cond: Expr; readonly then: Expr; readonly else: Expr; readonly pos: Pos }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Expr[]; readonly pos: Pos };

export type BinaryOp =
  | '+' | '-' | '*' | '/' | '%' | '&' | '|' | '^' | '<<' | '>>'
  | '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||';

export type Stmt =
  | { readonly kind: 'decl'; readonly name: string; readonly type: string; readonly init?: Expr; readonly pos: Pos }
  | { readonly kind: 'assign'; readonly target: Expr; readonly value: Expr; readonly pos: Pos }
  | { readonly kind: 'expr'; readonly expr: Expr; readonly pos: Pos }
  | { readonly kind: 'if'; readonly cond: Expr; readonly then: readonly Stmt[]; readonly else?: readonly Stmt[]; readonly pos: Pos }
  | { readonly kind: 'block'; readonly body: readonly Stmt[]; readonly pos: Pos }
  | { readonly kind: 'unsupported'; readonly construct: string; readonly pos: Pos };

export interface Param {
  readonly name: string;
  readonly type: string;
}

export interface ThreadDef {
  /** Thread index: P0 → 0. */
  readonly id: number;
  readonly params: readonly Param[];
  readonly body: readonly Stmt[];
  readonly pos: Pos;
  /** Optional source function this thread was built from (checks/ fills it in). */
  readonly origin?: string;
}

/** An init-block entry: `x = 1;`, `int *y = &z;`, `0:r1 = 2;`, or a bare declaration `int x;`. */
export interface InitEntry {
  readonly target: CondVar;
  readonly type?: string;
  readonly value: Value;
  readonly pos: Pos;
}

export type CondVar =
  | { readonly kind: 'reg'; readonly thread: number; readonly name: string }
  | { readonly kind: 'loc'; readonly name: string };

export type Prop =
  | { readonly kind: 'true' }
  | { readonly kind: 'false' }
  | { readonly kind: 'eq'; readonly lhs: CondVar; readonly value: Value; readonly pos: Pos }
  /** Two final values compared with each other: `0:r1=1:r0`, `[x]=[y]`. */
  | { readonly kind: 'same'; readonly lhs: CondVar; readonly rhs: CondVar; readonly pos: Pos }
  | { readonly kind: 'not'; readonly arg: Prop }
  | { readonly kind: 'and' | 'or' | 'implies'; readonly left: Prop; readonly right: Prop };

export type Quantifier = 'exists' | '~exists' | 'forall';

export interface Condition {
  readonly quantifier: Quantifier;
  readonly prop: Prop;
  readonly pos: Pos;
}

export interface LitmusTest {
  readonly name: string;
  readonly init: readonly InitEntry[];
  readonly threads: readonly ThreadDef[];
  /** The `locations [...]` clause: extra things to show in each final state. */
  readonly locations: readonly CondVar[];
  readonly filter?: Prop;
  readonly condition: Condition;
  /** Text of the leading `(* ... *)` comment, if any (kernel tests keep `Result:` there). */
  readonly comment?: string;
  /** Extended (hypervisor) form: `lost_wakeup P0 when <prop>` (engine/hv/, docs/hv-events.md). */
  readonly wakeup?: WakeupClause;
}

/** Can thread `target` end in the guest or asleep while `work` holds and no interrupt is pending? */
export interface WakeupClause {
  readonly target: number;
  readonly work: Prop;
  readonly pos: Pos;
}
