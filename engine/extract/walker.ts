// One function body → one Thread. Statements are walked in program order; both arms of a
// branch are kept, their events guarded by the branch condition; an arm that ends in
// `return`/`goto` guards everything after the branch with the opposite value.
import { kids, operatorBetween, parts, textOf, typeOf, type SyntaxNode } from '../c/parser';
import type { Problem } from '../patch/types';
import { spanOf, type SourceMap } from './spans';
import { compact, oneLine, paramTaint, Scope, splitTaint } from './scope';
import type { CallerHeld, Cond, Event, EventBody, Guard, Loc, Span, Thread, ValueDep, ViaFrame } from './types';
import { byTargetThenSource } from './deps';
import type { CallContext } from './calls';
import { applyCallerHolds } from './lock-asserts';
import { nullArm, type PendingOwner } from './owner-locks';
import { bitTestOf, compoundBitWrite } from './bits';

/** Texts kept per local pointer (pointerValues); one more is recorded as `?`, unknown. */
const MAX_POINTER_VALUES = 4;

/** How a statement leaves the straight-line flow: the function, or the enclosing loop/switch. */
type Exit = undefined | 'return' | 'goto' | 'break' | 'continue';

/** A location an lvalue names, and the events its address computation read. */
export interface Place {
  readonly loc: Loc;
  readonly shared: boolean;
  /** Set when the place is a whole local variable (so an assignment updates its taint). */
  readonly local?: string;
  readonly addrTaint: Set<number>;
}

interface LockState {
  held: string[];
  irqsOff: boolean;
  irqStack: boolean[];
}

export interface WalkerEnv {
  readonly map: SourceMap;
  readonly scope: Scope;
  readonly problems: Problem[];
  readonly calls: CallContext;
  /** The source as the user wrote it (before masking), and where it starts in the parsed text. */
  readonly original: { readonly text: string; readonly shift: number };
}

export class Walker {
  readonly events: Event[] = [];
  readonly conds: Cond[] = [];
  readonly valueDeps: ValueDep[] = [];
  /** Locks the body asserts held (see lock-asserts.ts), applied to the events in finish(). */
  readonly heldAssertions: CallerHeld[] = [];
  private readonly guards: Guard[] = [];
  /** What the values this function returns depend on (see returnsValue). */
  private readonly returned = new Set<number>();
  private exitGuards: { guard: Guard; how: NonNullable<Exit> }[] = [];
  /** The lock state at each `goto label` walked so far: the state the label starts in. */
  private readonly gotoStates = new Map<string, LockState[]>();
  /** Set when the statement before a label left the block for good (`return`, `goto`). */
  private fallthroughDead = false;
  /**
   * One frame per enclosing switch:
   * - `mark`: the exit-guard depth at the switch, so a case does not inherit the last case's break;
   * - `arms`: the arms that do not fall through (they end in break, return or continue), each as
   *   the guard "not that arm": the arms after one never share a path with it;
   * - `head`: the lock state at the switch, and `left`: whether the arm walked last left the
   *   switch (break, return, continue, goto): a case is entered from the head, and from the arm
   *   before it only when that one falls through.
   */
  private readonly switches: Array<{ readonly mark: number; readonly arms: Guard[]; readonly head: LockState; left: boolean }> = [];
  state: LockState = { held: [], irqsOff: false, irqStack: [] };
  /** A lock a call took on the object it returns, until the statement assigns it (owner-locks.ts). */
  pendingOwner: PendingOwner | undefined;
  /** Locals that hold a locked result, with the lock's key: not held where tested NULL. */
  private readonly ownerLocks = new Map<string, string>();
  /**
   * What each local pointer is set to, as written (compact), declarations and plain assignments
   * in program order, each text once: where a pointer comes from, for knowledge that depends on
   * it (the lock-order check tells the host p2m from an alternate one: kb/lock-facts.ts).
   */
  private readonly pointerValues = new Map<string, string[]>();
  /** The statement being walked, and its span once an event needed it. */
  private stmt: SyntaxNode | undefined;
  private stmtSpan: Span | undefined;

  /**
   * Reads (and bit operations that return the old bit) by the node that made them, for telling
   * what a condition tests (bits.ts): the function's own only (an inlined callee's sit at its
   * call), -1 where a node made two.
   */
  private readonly readAt = new Map<SyntaxNode, number>();

  /** The node the last event was emitted at, and what was read of it. */
  private emitted: { node: SyntaxNode; span: Span; srcLine: number; text: string } | undefined;

  constructor(readonly env: WalkerEnv) {}

  // ---- events ----------------------------------------------------------------------------

  /**
   * `extra.guards`, `extra.held` and `extra.irqsOff` replace what the walk is under (an inlined
   * callee's event, calls.ts): computed by the caller once, not made here and overwritten.
   */
  emit(body: EventBody, node: SyntaxNode, extra: { prim?: string; via?: readonly ViaFrame[]; guards?: Guard[]; held?: (now: readonly string[]) => string[]; irqsOff?: boolean } = {}): number {
    const id = this.events.length;
    // An inlined callee's events all sit at its call: where and what they are is read once.
    if (this.emitted?.node !== node) this.emitted = { node, span: spanOf(node, this.env.map), srcLine: this.env.map.srcLine(node.startPosition.row), text: oneLine(this.sourceText(node)) };
    const event = {
      id,
      span: this.emitted.span,
      stmt: this.stmtSpan ??= spanOf(this.stmt ?? node, this.env.map),
      srcLine: this.emitted.srcLine,
      text: this.emitted.text,
      guards: extra.guards ?? this.currentGuards(),
      // The lock state's array itself: it is replaced, never changed, when a lock is taken or released.
      held: extra.held ? extra.held(this.state.held) : this.state.held,
      irqsOff: this.state.irqsOff || (extra.irqsOff ?? false),
      ...(extra.prim ? { prim: extra.prim } : {}),
      ...(extra.via && extra.via.length > 0 ? { via: extra.via } : {}),
      ...body,
    } as Event;
    this.events.push(event);
    this.applyLockEffect(body);
    // A read, or a bit operation that returns the bit it found (test_and_clear_bit()).
    const reads = body.kind === 'R' || (body.kind === 'RMW' && body.bit !== undefined && body.annot !== 'noreturn');
    if (reads && !event.via) this.readAt.set(node, this.readAt.has(node) ? -1 : id);
    return id;
  }

  /** A node's text as written: masking only changed the parsed copy, at the same offsets. */
  sourceText(node: SyntaxNode): string {
    const { text, shift } = this.env.original;
    const from = node.startIndex - shift;
    const to = node.endIndex - shift;
    return from >= 0 && to <= text.length ? text.slice(from, to) : textOf(node);
  }

  /** Inside a branch, loop or conditional operand (early exits aside): what runs here may not run at all. */
  get inBranch(): boolean {
    return this.guards.length > 0;
  }

  /**
   * The guards of what runs here. One array serves every event until the guards change (events
   * never modify theirs): a function's events, and the callers that inline them, share them.
   */
  currentGuards(): Guard[] {
    return (this.guardsNow ??= [...this.guards, ...this.exitGuards.map((g) => g.guard)]);
  }

  /** currentGuards() until `guards` or `exitGuards` change (each change clears it). */
  private guardsNow: Guard[] | undefined;

  addDeps(kind: 'addr' | 'data', from: Iterable<number>, to: number): void {
    for (const f of from) if (f < to) this.valueDeps.push({ kind, from: f, to });
  }

  private applyLockEffect(body: EventBody): void {
    const s = this.state;
    if (body.kind === 'LOCK') s.held = [...s.held, body.lock.key];
    else if (body.kind === 'UNLOCK') {
      const at = s.held.lastIndexOf(body.lock.key);
      s.held = at >= 0 ? [...s.held.slice(0, at), ...s.held.slice(at + 1)] : s.held;
    } else if (body.kind === 'IRQ') {
      if (body.state === 'off') {
        s.irqStack = [...s.irqStack, s.irqsOff];
        s.irqsOff = true;
      } else if (body.state === 'on') {
        s.irqStack = [];
        s.irqsOff = false;
      } else {
        s.irqsOff = s.irqStack[s.irqStack.length - 1] ?? false;
        s.irqStack = s.irqStack.slice(0, -1);
      }
    }
  }

  newCond(kind: Cond['kind'], node: SyntaxNode, reads: Set<number>): number {
    const id = this.conds.length;
    const { reads: events, params } = splitTaint(reads);
    // Loops and switches test again or test many values: only a two-way branch is read for a bit.
    const test = kind === 'if' || kind === 'logical' || kind === 'ternary' ? bitTestOf(node, (n) => this.ownRead(n, events)) : undefined;
    this.conds.push({
      id, kind, text: oneLine(this.sourceText(node)), span: spanOf(node, this.env.map), reads: events,
      ...(params.length > 0 ? { params } : {}), ...test,
    });
    return id;
  }

  /** The read a node of a condition made itself, among the reads that reach the condition. */
  private ownRead(node: SyntaxNode, reads: readonly number[]): { id: number; bit?: string } | undefined {
    const id = this.readAt.get(node);
    const e = id !== undefined && id >= 0 && reads.includes(id) ? this.events[id] : undefined;
    return e?.kind === 'R' || e?.kind === 'RMW' ? { id: e.id, ...(e.bit !== undefined ? { bit: e.bit } : {}) } : undefined;
  }

  /**
   * A `return` with a value: the value, and which return ran, depend on what it computed and on
   * every condition that led there (`if (!ready) return NULL;`), so the caller's branch on the
   * result is a branch on those reads.
   */
  private returnsValue(taint: Set<number>): void {
    taint.forEach((x) => this.returned.add(x));
    for (const g of this.currentGuards()) {
      const c = this.conds[g.cond];
      c?.reads.forEach((x) => this.returned.add(x));
      c?.params?.forEach((i) => this.returned.add(paramTaint(i)));
    }
  }

  withGuard<T>(guard: Guard, fn: () => T): T {
    this.guards.push(guard);
    this.guardsNow = undefined;
    try {
      return fn();
    } finally {
      this.guards.pop();
      this.guardsNow = undefined;
    }
  }

  // ---- statements ------------------------------------------------------------------------

  walk(node: SyntaxNode): Exit {
    const type = typeOf(node);
    if (type !== 'compound_statement' && (type.endsWith('_statement') || type === 'declaration')) {
      const saved = [this.stmt, this.stmtSpan] as const;
      this.stmt = node;
      this.stmtSpan = undefined;
      try {
        return this.statement(node, type);
      } finally {
        if (this.pendingOwner) this.dropOwner(this.pendingOwner);
        [this.stmt, this.stmtSpan] = saved;
      }
    }
    return this.statement(node, type);
  }

  private statement(node: SyntaxNode, type: string): Exit {
    switch (type) {
      case 'compound_statement':
      case 'translation_unit': {
        let exit: Exit;
        for (const k of kids(node)) {
          if (typeOf(k) === 'labeled_statement') this.fallthroughDead = exit === 'return' || exit === 'goto';
          const e = this.walk(k);
          exit = typeOf(k) === 'labeled_statement' ? e : exit ?? e;
        }
        return exit;
      }
      case 'declaration':
        this.declaration(node);
        return undefined;
      case 'expression_statement': {
        const e = kids(node)[0];
        if (e) this.eval(e);
        return undefined;
      }
      case 'if_statement':
        return this.ifStatement(node);
      case 'while_statement':
      case 'for_statement':
        this.loop(node);
        return undefined;
      case 'do_statement': {
        const body = node.childForFieldName('body');
        const mark = this.exitGuards.length;
        if (body) this.walk(body);
        this.closeLoopExits(mark);
        const c = node.childForFieldName('condition');
        if (c) this.newCond('loop', c, this.eval(c));
        return undefined;
      }
      case 'switch_statement': {
        const c = node.childForFieldName('condition');
        const cond = this.newCond('switch', c ?? node, c ? this.eval(c) : new Set());
        const body = node.childForFieldName('body');
        const mark = this.exitGuards.length;
        const head = this.snapshot();
        this.switches.push({ mark, arms: [], head, left: false });
        if (body) this.withGuard({ cond, value: true }, () => this.walk(body));
        this.switches.pop();
        // After the switch: the state of the head (no case taken, or an arm that broke out with
        // its locks balanced) and of the last arm's end, locks held on both.
        this.restore(mergeStates(head, this.snapshot()));
        this.closeLoopExits(mark);
        return undefined;
      }
      case 'case_statement': {
        // Each case starts afresh: a break in the previous case does not guard this one.
        const sw = this.switches[this.switches.length - 1];
        this.closeLoopExits(sw?.mark ?? -1);
        const value = node.childForFieldName('value');
        const closed = sw?.arms;
        const arm = closed ? this.newCond('switch', value ?? node, new Set()) : undefined;
        const guards = [...(closed ?? []), ...(arm !== undefined ? [{ cond: arm, value: true }] : [])];
        // The locks of the switch's head, not of the arm before (one case's lock is not held in
        // the next: kvm_vm_ioctl(), do_event_channel_op()); with those of the arm before as well
        // when it falls through into this one.
        if (sw) this.restore(sw.left ? sw.head : mergeStates(sw.head, this.snapshot()));
        let exit: Exit;
        const body = (): void => { for (const k of kids(node)) if (!value || k.id !== value.id) exit = exit ?? this.walk(k); };
        guards.reduceRight<() => void>((inner, g) => () => this.withGuard(g, inner), body)();
        // A goto may land in a later arm; break, return and continue leave them all behind.
        if (closed && arm !== undefined && (exit === 'break' || exit === 'return' || exit === 'continue')) closed.push({ cond: arm, value: false });
        if (sw) sw.left = exit !== undefined;
        return exit === 'break' ? undefined : exit;
      }
      case 'return_statement': {
        const e = kids(node)[0];
        if (e) this.returnsValue(this.eval(e));
        // A locked result returned is the caller's to hold (a wrapper of the wrapper).
        this.pendingOwner = undefined;
        this.emit({ kind: 'EXIT', how: 'return' }, node);
        return 'return';
      }
      case 'goto_statement': {
        const label = node.childForFieldName('label')?.text;
        this.emit({ kind: 'EXIT', how: 'goto', ...(label ? { label } : {}) }, node);
        if (label) this.gotoStates.set(label, [...(this.gotoStates.get(label) ?? []), this.snapshot()]);
        return 'goto';
      }
      case 'labeled_statement': {
        // Code after a label is reached by the gotos that jumped here too, with the locks they
        // held: the error path after `unlock(); return rc; error:` runs still holding the lock
        // its `goto error` held, not the unlocked state the return left behind.
        this.exitGuards = this.exitGuards.filter((g) => g.how !== 'goto');
        this.guardsNow = undefined;
        const label = kids(node).find((k) => typeOf(k) === 'statement_identifier')?.text;
        const entries = [...(label ? this.gotoStates.get(label) ?? [] : []), ...(this.fallthroughDead ? [] : [this.snapshot()])];
        this.fallthroughDead = false;
        if (entries.length > 0) this.restore(entries.reduce(mergeStates));
        for (const k of kids(node)) if (typeOf(k) !== 'statement_identifier') return this.walk(k);
        return undefined;
      }
      case 'break_statement':
        return 'break';
      case 'continue_statement':
        return 'continue';
      case 'comment':
      case 'preproc_call':
      case 'preproc_def':
      case 'preproc_function_def':
      case 'preproc_include':
      case 'function_definition':
      case 'type_definition':
      case 'struct_specifier':
        return undefined;
      case 'gnu_asm_expression':
        this.unsupported('inline asm', node);
        return undefined;
      case 'ERROR':
        this.problem('info', 'C not understood here; accesses inside may be missing', node);
        for (const k of kids(node)) this.walkOrEval(k);
        return undefined;
      default:
        if (isExpression(node)) this.eval(node);
        else for (const k of kids(node)) this.walk(k);
        return undefined;
    }
  }

  private walkOrEval(node: SyntaxNode): void {
    if (isExpression(node)) this.eval(node);
    else this.walk(node);
  }

  private declaration(node: SyntaxNode): void {
    const type = oneLine(node.childForFieldName('type')?.text ?? '');
    const isStatic = kids(node).some((k) => typeOf(k) === 'storage_class_specifier' && textOf(k) === 'static');
    for (const d of kids(node)) {
      const declarator = typeOf(d) === 'init_declarator' ? d.childForFieldName('declarator') : d;
      if (!declarator || !/declarator$|^identifier$/.test(typeOf(declarator))) continue;
      const name = declaratorName(declarator);
      if (!name) continue;
      const value = typeOf(d) === 'init_declarator' ? d.childForFieldName('value') : null;
      const taint = value ? this.eval(value) : new Set<number>();
      if (isStatic) continue;
      const local = this.env.scope.declare(name, { type, pointer: hasPointer(declarator), array: hasArray(declarator) });
      local.taint = taint;
      if (value && local.pointer) this.notePointerValue(name, value);
      if (value && compact(textOf(value)) === 'current') local.current = true;
      this.ownerLocks.delete(name);
      if (this.pendingOwner) this.lockOwner({ text: name, key: type || name, root: name, ...(type ? { rootType: type } : {}) }, name);
    }
  }

  private ifStatement(node: SyntaxNode): Exit {
    const [c, then, elseClause] = parts(node);
    const cond = this.newCond('if', c ?? node, c ? this.eval(c) : new Set());
    // The arm where a locked result is NULL runs without that lock.
    const isNull = c && this.ownerLocks.size > 0 ? nullArm(textOf(c), this.ownerLocks) : undefined;
    const scope = this.env.scope;
    const before = this.snapshot();
    const taint0 = scope.saveTaint();
    if (isNull?.arm === 'then') this.release(isNull.key);
    const e1 = then ? this.withGuard({ cond, value: true }, () => this.walk(then)) : undefined;
    const afterThen = this.snapshot();
    const taint1 = scope.saveTaint();
    this.restore(before);
    scope.restoreTaint(taint0);
    let alt = elseClause ?? null;
    if ((alt ? typeOf(alt) : undefined) === 'else_clause') alt = parts(alt)[0] ?? null;
    if (isNull?.arm === 'else') this.release(isNull.key);
    const e2 = alt ? this.withGuard({ cond, value: false }, () => this.walk(alt!)) : undefined;
    const afterElse = this.snapshot();
    scope.mergeTaint(taint1);
    if (e1 && e2) {
      this.restore(before);
      return e1 === e2 ? e1 : e1 === 'return' || e2 === 'return' ? 'return' : e1;
    }
    if (e1) {
      this.restore(afterElse);
      this.exitGuards.push({ guard: { cond, value: false }, how: e1 });
      this.guardsNow = undefined;
    } else if (e2) {
      this.restore(afterThen);
      this.exitGuards.push({ guard: { cond, value: true }, how: e2 });
      this.guardsNow = undefined;
    } else {
      this.restore(mergeStates(afterThen, afterElse));
    }
    return undefined;
  }

  private loop(node: SyntaxNode): void {
    const init = node.childForFieldName('initializer');
    if (init) this.walkOrEval(init);
    const c = node.childForFieldName('condition');
    const cond = this.newCond('loop', c ?? node, c ? this.eval(c) : new Set());
    const before = this.snapshot();
    const mark = this.exitGuards.length;
    this.withGuard({ cond, value: true }, () => {
      const body = node.childForFieldName('body');
      if (body) this.walk(body);
      const update = node.childForFieldName('update');
      if (update) this.eval(update);
    });
    this.closeLoopExits(mark);
    // A loop body that runs zero times must leave the lock state as it was.
    this.restore(mergeStates(before, this.snapshot()));
  }

  /** Leaving a loop or switch: its break/continue exits no longer guard what follows. */
  private closeLoopExits(mark: number): void {
    if (mark < 0) return;
    this.exitGuards = [
      ...this.exitGuards.slice(0, mark),
      ...this.exitGuards.slice(mark).filter((g) => g.how !== 'break' && g.how !== 'continue'),
    ];
    this.guardsNow = undefined;
  }

  /** `p = q = f(x)` sets `p` to what `f(x)` gives. At most a few texts per local are kept. */
  private notePointerValue(name: string, value: SyntaxNode): void {
    let v = value;
    while (typeOf(v) === 'assignment_expression' && parts(v)[1]) v = parts(v)[1]!;
    const text = compact(oneLine(textOf(v), 80));
    const list = this.pointerValues.get(name) ?? [];
    if (list.includes(text)) return;
    // Past the cap, one unknown value: whoever reads these must not narrow on a partial list.
    if (list.length < MAX_POINTER_VALUES) list.push(text);
    else if (list[list.length - 1] !== '?') list.push('?');
    this.pointerValues.set(name, list);
  }

  /** The pending locked result, named by what it is assigned to: held from here on. */
  private lockOwner(owner: Loc, local: string | undefined): void {
    const p = this.pendingOwner!;
    this.pendingOwner = undefined;
    const lock = extend(owner, `->${p.field}`, `->${p.field}`);
    this.emit({ kind: 'LOCK', lock, mode: p.mode }, p.node, { prim: p.prim, via: p.via });
    if (local) this.ownerLocks.set(local, lock.key);
  }

  /** A locked result nothing names: its lock cannot be tracked. */
  private dropOwner(p: PendingOwner): void {
    this.pendingOwner = undefined;
    this.unsupported(`${p.prim} (the lock it takes on the object it returns: the result is not assigned, so the lock is not tracked)`, p.node);
  }

  /** The lock is not held from here on this path (no event: nothing was released). */
  private release(key: string): void {
    const at = this.state.held.lastIndexOf(key);
    if (at >= 0) this.state.held = [...this.state.held.slice(0, at), ...this.state.held.slice(at + 1)];
  }

  private snapshot(): LockState {
    return { held: [...this.state.held], irqsOff: this.state.irqsOff, irqStack: [...this.state.irqStack] };
  }

  private restore(s: LockState): void {
    this.state = { held: [...s.held], irqsOff: s.irqsOff, irqStack: [...s.irqStack] };
  }

  // ---- expressions -----------------------------------------------------------------------

  /** Evaluates an rvalue, emitting its events; returns the read events its value depends on. */
  eval(node: SyntaxNode): Set<number> {
    switch (typeOf(node)) {
      case 'identifier': {
        const local = this.env.scope.locals.get(textOf(node));
        if (local) return new Set(local.taint);
        if (this.env.scope.isGlobal(textOf(node))) return this.read(this.place(node), node);
        return new Set();
      }
      case 'field_expression':
      case 'subscript_expression':
        return this.read(this.place(node), node);
      case 'pointer_expression': {
        const arg = parts(node)[0];
        if (!arg) return new Set();
        if (textOf(node).trimStart().startsWith('&')) return this.place(arg).addrTaint;
        return this.read(this.place(node), node);
      }
      case 'assignment_expression':
        return this.assignment(node);
      case 'update_expression': {
        const arg = node.childForFieldName('argument');
        return arg ? this.readModifyWrite(arg, node, new Set()) : new Set();
      }
      case 'call_expression':
        return this.env.calls.call(this, node);
      case 'conditional_expression': {
        const c = node.childForFieldName('condition');
        const cond = this.newCond('ternary', c ?? node, c ? this.eval(c) : new Set());
        const out = new Set<number>();
        const a = node.childForFieldName('consequence');
        const b = node.childForFieldName('alternative');
        if (a) this.withGuard({ cond, value: true }, () => this.eval(a)).forEach((x) => out.add(x));
        if (b) this.withGuard({ cond, value: false }, () => this.eval(b)).forEach((x) => out.add(x));
        return out;
      }
      case 'binary_expression': {
        const [left, right] = parts(node);
        const op = left && right ? operatorBetween(node, left, right) : undefined;
        const out = left ? this.eval(left) : new Set<number>();
        if (right && (op === '&&' || op === '||')) {
          const cond = this.newCond('logical', left ?? node, out);
          this.withGuard({ cond, value: op === '&&' }, () => this.eval(right)).forEach((x) => out.add(x));
        } else if (right) this.eval(right).forEach((x) => out.add(x));
        return out;
      }
      case 'sizeof_expression':
      case 'alignof_expression':
      case 'offsetof_expression':
      case 'number_literal':
      case 'string_literal':
      case 'concatenated_string':
      case 'char_literal':
      case 'true':
      case 'false':
      case 'null':
      case 'type_descriptor':
        return new Set();
      case 'gnu_asm_expression':
        this.unsupported('inline asm', node);
        return new Set();
      case 'compound_statement':
        this.walk(node);
        return new Set();
      default: {
        const out = new Set<number>();
        for (const k of kids(node)) if (typeOf(k) !== 'type_descriptor') this.eval(k).forEach((x) => out.add(x));
        return out;
      }
    }
  }

  private assignment(node: SyntaxNode): Set<number> {
    const [left, right] = parts(node);
    const op = left && right ? operatorBetween(node, left, right) : '=';
    const value = right ? this.eval(right) : new Set<number>();
    if (!left) return value;
    const asWrite = this.env.calls.lvalueCall(this, left, value, right ?? node);
    if (asWrite) return value;
    if (op !== '=') return this.readModifyWrite(left, node, value);
    const place = this.place(left);
    if (place.local) this.ownerLocks.delete(place.local);
    if (this.pendingOwner) this.lockOwner(place.loc, place.local);
    if (place.local) {
      const local = this.env.scope.locals.get(place.local);
      if (local) {
        local.taint = new Set(value);
        if (right && local.pointer) this.notePointerValue(place.local, right);
        if (right && compact(textOf(right)) === 'current') local.current = true;
      }
      return value;
    }
    if (!place.shared) return value;
    const id = this.emit({ kind: 'W', loc: place.loc, annot: 'plain', ...(right ? { value: oneLine(textOf(right), 60) } : {}) }, node);
    this.addDeps('addr', place.addrTaint, id);
    this.addDeps('data', value, id);
    return value;
  }

  /** `x += v`, `x++`: a plain read then a plain write of a shared place (not an atomic RMW). */
  private readModifyWrite(target: SyntaxNode, node: SyntaxNode, value: Set<number>): Set<number> {
    const place = this.place(target);
    if (place.local) {
      const local = this.env.scope.locals.get(place.local);
      if (local) value.forEach((x) => local.taint.add(x));
      return new Set(local?.taint ?? []);
    }
    if (!place.shared) return value;
    const r = this.emit({ kind: 'R', loc: place.loc, annot: 'plain' }, target);
    this.addDeps('addr', place.addrTaint, r);
    const [, operand] = typeOf(node) === 'assignment_expression' ? parts(node) : [];
    const bits = operand && compoundBitWrite(operatorBetween(node, parts(node)[0]!, operand), operand);
    const w = this.emit({ kind: 'W', loc: place.loc, annot: 'plain', ...(bits ? { bits } : {}) }, node);
    this.addDeps('addr', place.addrTaint, w);
    this.addDeps('data', new Set([r, ...value]), w);
    return new Set([r]);
  }

  private read(place: Place, node: SyntaxNode): Set<number> {
    if (place.local) return new Set(this.env.scope.locals.get(place.local)?.taint ?? []);
    if (!place.shared) return place.addrTaint;
    const id = this.emit({ kind: 'R', loc: place.loc, annot: 'plain' }, node);
    this.addDeps('addr', place.addrTaint, id);
    return new Set([id]);
  }

  /**
   * The location an lvalue expression names (without reading it). Index expressions and other
   * sub-expressions are evaluated (emitting their reads) unless `pure` is set, which only names.
   */
  place(node: SyntaxNode, pure = false): Place {
    const scope = this.env.scope;
    switch (typeOf(node)) {
      case 'parenthesized_expression':
      case 'cast_expression': {
        const inner = node.childForFieldName('value') ?? kids(node).filter((k) => typeOf(k) !== 'type_descriptor').pop();
        return inner ? this.place(inner, pure) : opaquePlace(node, new Set());
      }
      case 'identifier': {
        const name = textOf(node);
        const local = scope.locals.get(name);
        const isCurrent = name === 'current' || local?.current === true;
        const loc: Loc = { text: name, key: local?.type || name, root: name, ...(local ? { rootType: local.type } : {}), ...(isCurrent ? { cpuLocal: true } : {}) };
        if (local) return { loc, shared: false, local: name, addrTaint: new Set() };
        return { loc, shared: scope.isGlobal(name), addrTaint: new Set() };
      }
      case 'field_expression': {
        const [arg, fieldNode] = parts(node);
        if (!arg || !fieldNode) return opaquePlace(node, new Set());
        const field = textOf(fieldNode);
        const base = this.place(arg, pure);
        const arrow = operatorBetween(node, arg, fieldNode) === '->';
        const sep = arrow ? '->' : '.';
        // Through a pointer the base is the pointer's value: a local pointer's taint is an
        // address dependency of the access.
        const addrTaint = new Set(base.addrTaint);
        if (arrow && base.local) scope.locals.get(base.local)?.taint.forEach((x) => addrTaint.add(x));
        const loc = extend(base.loc, sep + field, sep + field);
        const shared = arrow || base.shared || scope.sharedPatterns.some((re) => re.test(loc.text));
        return { loc, shared, addrTaint };
      }
      case 'subscript_expression': {
        const arg = node.childForFieldName('argument');
        const index = node.childForFieldName('index') ?? kids(node)[1];
        if (!arg) return opaquePlace(node, new Set());
        const base = this.place(arg, pure);
        const addrTaint = new Set(base.addrTaint);
        if (index && !pure) this.eval(index).forEach((x) => addrTaint.add(x));
        const baseLocal = base.local ? scope.locals.get(base.local) : undefined;
        if (baseLocal?.pointer) baseLocal.taint.forEach((x) => addrTaint.add(x));
        const loc = extend(base.loc, `[${compact(index?.text ?? '')}]`, '[]');
        const shared = base.shared || (baseLocal ? baseLocal.pointer : !base.local);
        return { loc, shared, addrTaint };
      }
      case 'pointer_expression': {
        const arg = parts(node)[0];
        if (!arg) return opaquePlace(node, new Set());
        if (textOf(node).trimStart().startsWith('&')) return { ...this.place(arg, pure), shared: false, local: undefined };
        const base = this.place(arg, pure);
        const addrTaint = new Set(base.addrTaint);
        if (base.local) scope.locals.get(base.local)?.taint.forEach((x) => addrTaint.add(x));
        const loc: Loc = { ...base.loc, text: `*${base.loc.text}`, key: `*${derefKey(base, scope)}` };
        return { loc, shared: true, addrTaint };
      }
      default:
        return opaquePlace(node, pure ? new Set() : this.eval(node));
    }
  }

  // ---- problems ----------------------------------------------------------------------------

  problem(severity: Problem['severity'], message: string, node: SyntaxNode): void {
    const p = this.env.map.toInput(node.startPosition.row, node.startPosition.column);
    if (this.env.problems.some((q) => q.line === p.line && q.message === message)) return;
    this.env.problems.push({ severity, message, line: p.line, col: p.col });
  }

  unsupported(what: string, node: SyntaxNode): void {
    const p = this.env.map.toInput(node.startPosition.row, node.startPosition.column);
    const [name, why] = what.split(/ (?=\()/);
    this.problem('warning', `unsupported: ${name} at ${p.line}:${p.col}${why ? ` ${why}` : ''}`, node);
  }

  finish(meta: Omit<Thread, 'events' | 'conds' | 'valueDeps' | 'callerHolds'>): Thread {
    // Control dependencies are not listed (see deps.ts): they follow from the guards.
    const valueDeps = [...this.valueDeps].sort(byTargetThenSource);
    const { events, holds } = applyCallerHolds(this.events, this.heldAssertions);
    const returns = splitTaint(this.returned);
    return {
      ...meta, events, conds: this.conds, valueDeps, ...(holds.length > 0 ? { callerHolds: holds } : {}),
      ...(returns.reads.length + returns.params.length > 0 ? { returns } : {}),
      ...(this.pointerValues.size > 0 ? { pointerValues: Object.fromEntries(this.pointerValues) } : {}),
    };
  }
}

function extend(base: Loc, textPart: string, keyPart: string): Loc {
  return { ...base, text: base.text + textPart, key: base.key + keyPart };
}

function opaquePlace(node: SyntaxNode, addrTaint: Set<number>): Place {
  const text = compact(textOf(node));
  return { loc: { text, key: text, root: text }, shared: false, addrTaint };
}

/**
 * What `*p` is keyed by. A pointer parameter to a plain integer (`uint32_t *status`, `unsigned
 * long *gfn_remainder`) is usually an out-parameter: the caller's own variable. Keyed by its
 * type, every such parameter of every function would be one location; keyed by the function
 * and parameter, it matches only itself, until a caller inlines the function and substitutes
 * its argument (calls.ts). Other pointers keep their type key (a struct, a typedef'd entry).
 */
function derefKey(base: Place, scope: Scope): string {
  const v = base.local ? scope.locals.get(base.local) : undefined;
  return v?.paramOf && v.pointer && (v.outParam || PLAIN_INTEGER.test(v.type)) ? `${base.loc.text}@${v.paramOf}` : base.loc.key;
}

const PLAIN_INTEGER = /^(?:const\s+|volatile\s+)*(?:(?:unsigned|signed)\s+)?(?:char|short|int|long|long\s+long|long\s+int|unsigned|signed|bool|_Bool|bool_t|size_t|u?int(?:8|16|32|64)_t|[us](?:8|16|32|64)|uint|ulong)$/;

function mergeStates(a: LockState, b: LockState): LockState {
  // Locks held after a branch are those held on both arms (the checks see each arm's events),
  // each as many times as on both: a key held twice on one arm (two domains' locks keyed alike)
  // and once on the other is held once after.
  const other = [...b.held];
  const held = a.held.filter((k) => {
    const i = other.indexOf(k);
    if (i < 0) return false;
    other.splice(i, 1);
    return true;
  });
  return { held, irqsOff: a.irqsOff && b.irqsOff, irqStack: a.irqStack };
}

const EXPRESSIONS = new Set([
  'identifier', 'number_literal', 'string_literal', 'char_literal', 'true', 'false', 'null',
  'parenthesized_expression', 'comma_expression', 'initializer_list', 'concatenated_string',
]);

export function isExpression(node: SyntaxNode): boolean {
  return typeOf(node).endsWith('_expression') || EXPRESSIONS.has(typeOf(node));
}

export function declaratorName(node: SyntaxNode): string | undefined {
  if (typeOf(node) === 'identifier' || typeOf(node) === 'field_identifier') return textOf(node);
  const inner = node.childForFieldName('declarator');
  if (inner) return declaratorName(inner);
  // `(*fn)` in `void (*fn)(void *)`: a function-pointer parameter is named inside the parentheses.
  if (typeOf(node) === 'parenthesized_declarator') {
    const d = kids(node).find((k) => /declarator$|^identifier$/.test(typeOf(k)));
    return d ? declaratorName(d) : undefined;
  }
  const id = kids(node).find((k) => typeOf(k) === 'identifier');
  return id?.text;
}

function hasPointer(node: SyntaxNode): boolean {
  if (typeOf(node) === 'pointer_declarator') return true;
  const inner = node.childForFieldName('declarator');
  return inner ? hasPointer(inner) : false;
}

function hasArray(node: SyntaxNode): boolean {
  if (typeOf(node) === 'array_declarator') return true;
  const inner = node.childForFieldName('declarator');
  return inner ? hasArray(inner) : false;
}

export { hasPointer, hasArray };
