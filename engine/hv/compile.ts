// Compiles the extended (hypervisor) litmus form into a plain C litmus test for one model, so
// every model judges IPIs, interrupt-disabled regions and guest entry with its own axioms
// (docs/hv-events.md gives the encoding and why it is sound):
// - an IPI to Pn is the architecture's send-side fence, then a write of 1 to `hv_ipi_Pn`;
// - where Pn's interrupts are enabled it may take the interrupt: an acquire read of
//   `hv_ipi_Pn` that, when it sees 1, consumes it (writes 0);
// - guest entry (with interrupts disabled) and block() set registers the lost-wakeup
//   condition reads; an interrupt still pending at the end forces the guest to exit.
import type { CondVar, Expr, LitmusTest, Param, Pos, Prop, Stmt, ThreadDef } from '../litmus/ast';
import type { LitmusProblem } from '../litmus/parser';
import type { ModelName } from '../models/model';
import { BLOCKERS, GUEST_ENTRY, GUEST_EXIT, IPI_ORDERING, IPI_SENDERS } from '../kb/hv-events';
import { BITOPS, rewriteBitop } from './bitops';

export const IPI_LOC = (thread: number): string => `hv_ipi_P${thread}`;
export const GUEST_REG = 'hv_guest';
export const SLEEP_REG = 'hv_sleep';

const IRQ_OFF = new Set(['local_irq_disable', 'local_irq_save']);
const IRQ_ON = new Set(['local_irq_enable']);
const IRQ_RESTORE = 'local_irq_restore';
const SENDERS = new Map(IPI_SENDERS.map((s) => [s.name, s]));
const HV_CALLS = new Set([...IRQ_OFF, ...IRQ_ON, IRQ_RESTORE, 'irq_point', ...SENDERS.keys(), ...GUEST_ENTRY, ...GUEST_EXIT, ...BLOCKERS]);

/** True when a test uses the extended form (a lost_wakeup clause or any hypervisor event or bitop). */
export function isHvTest(test: LitmusTest): boolean {
  if (test.wakeup) return true;
  let found = false;
  const visitExpr = (e: Expr): void => {
    if (found) return;
    if (e.kind === 'call' && (HV_CALLS.has(e.name) || BITOPS.has(e.name))) { found = true; return; }
    for (const c of children(e)) visitExpr(c);
  };
  const visit = (s: Stmt): void => forEachExpr(s, visitExpr);
  test.threads.forEach((t) => t.body.forEach(visit));
  return found;
}

export interface CompiledHv {
  readonly value?: LitmusTest;
  readonly problems: readonly LitmusProblem[];
}

type Irq = 'on' | 'off';

class ThreadCompiler {
  readonly params = new Map<string, Param>();
  blockLoc?: string;
  enters = false;
  private fresh = 0;

  constructor(
    private readonly thread: ThreadDef,
    private readonly targets: ReadonlySet<number>,
    private readonly threadCount: number,
    private readonly model: ModelName,
    private readonly problems: LitmusProblem[],
  ) {
    for (const p of thread.params) this.params.set(p.name, p);
  }

  compile(): ThreadDef {
    const body = this.list(this.thread.body, 'on', true, this.thread.pos);
    return { ...this.thread, params: [...this.params.values()], body };
  }

  private problem(message: string, pos: Pos): void {
    this.problems.push({ severity: 'error', message, line: pos.line, col: pos.col });
  }

  private get receives(): boolean {
    return this.targets.has(this.thread.id);
  }

  /** Where this thread may take an interrupt: acquire-read its pending IPI and consume it. */
  private interruptPoint(pos: Pos): Stmt[] {
    if (!this.receives) return [];
    const loc = IPI_LOC(this.thread.id);
    this.params.set(loc, { name: loc, type: 'int *' });
    const reg = `hv_irq${this.fresh++}`;
    return [
      { kind: 'assign', target: v(reg, pos), value: call('smp_load_acquire', pos, v(loc, pos)), pos },
      { kind: 'if', cond: v(reg, pos), then: [store(loc, 0, pos)], pos },
    ];
  }

  /**
   * Compiles a statement list entered with interrupts `irq`. When an `if` leaves its branches
   * in different interrupt states, the rest of the list is copied into both branches so every
   * path knows its state; `atEnd` says the list runs to the end of the thread.
   */
  private list(stmts: readonly Stmt[], irq: Irq, atEnd: boolean, endPos: Pos): Stmt[] {
    return this.run(stmts, irq, atEnd, endPos).out;
  }

  private run(stmts: readonly Stmt[], start: Irq, atEnd: boolean, endPos: Pos): { out: Stmt[]; irq: Irq | 'mixed' } {
    const out: Stmt[] = [];
    let irq: Irq = start;
    const flat = flatten(stmts);
    for (let i = 0; i < flat.length; i++) {
      const s = flat[i]!;
      if (s.kind === 'if') {
        const cond = this.expr(s.cond);
        const a = this.run(s.then, irq, false, s.pos);
        const b = this.run(s.else ?? [], irq, false, s.pos);
        if (a.irq === b.irq && a.irq !== 'mixed') {
          out.push({ ...s, cond, then: a.out, else: s.else ? b.out : undefined });
          irq = a.irq;
          continue;
        }
        const rest = flat.slice(i + 1);
        const then = this.run([...s.then, ...rest], irq, atEnd, endPos).out;
        const other = this.run([...(s.else ?? []), ...rest], irq, atEnd, endPos).out;
        out.push({ ...s, cond, then, else: other });
        return { out, irq: 'mixed' };
      }
      irq = this.stmt(s, irq, out);
    }
    if (atEnd && irq === 'on') out.push(...this.interruptPoint(endPos));
    return { out, irq };
  }

  /** Compiles one non-branching statement into `out`; returns the interrupt state after it. */
  private stmt(s: Stmt, irq: Irq, out: Stmt[]): Irq {
    if (s.kind === 'expr' && s.expr.kind === 'call' && HV_CALLS.has(s.expr.name)) return this.hvCall(s.expr, irq, out);
    switch (s.kind) {
      case 'decl': out.push({ ...s, init: s.init && this.expr(s.init) }); break;
      case 'assign': out.push({ ...s, value: this.expr(s.value), target: this.expr(s.target) }); break;
      case 'expr': out.push({ ...s, expr: this.expr(s.expr) }); break;
      default: out.push(s);
    }
    return irq;
  }

  private hvCall(e: Extract<Expr, { kind: 'call' }>, irq: Irq, out: Stmt[]): Irq {
    const { name, pos } = e;
    if (IRQ_OFF.has(name)) {
      if (irq === 'on') out.push(...this.interruptPoint(pos));
      return 'off';
    }
    if (IRQ_ON.has(name) || name === IRQ_RESTORE) return 'on';
    if (name === 'irq_point') {
      if (irq === 'off') this.problem('irq_point() with interrupts disabled: no interrupt can be taken here', pos);
      else out.push(...this.interruptPoint(pos));
      return irq;
    }
    const sender = SENDERS.get(name);
    if (sender) {
      const target = this.targetOf(e.args[sender.targetArg], name, pos);
      if (target === undefined) return irq;
      const loc = IPI_LOC(target);
      this.params.set(loc, { name: loc, type: 'int *' });
      const fence = IPI_ORDERING[this.model].beforeSend;
      if (fence !== 'none') out.push({ kind: 'expr', expr: call(fence, pos), pos });
      out.push(store(loc, 1, pos));
      return irq;
    }
    if (GUEST_ENTRY.includes(name)) {
      if (irq === 'on') this.problem(`${name}() with interrupts enabled: a CPU enters the guest with interrupts disabled (local_irq_disable() first)`, pos);
      this.enters = true;
      out.push({ kind: 'assign', target: v(GUEST_REG, pos), value: num(1, pos), pos });
      return irq;
    }
    if (GUEST_EXIT.includes(name)) {
      out.push({ kind: 'assign', target: v(GUEST_REG, pos), value: num(0, pos), pos });
      return irq;
    }
    // block(p): sleep until the waker clears *p.
    const flag = e.args[0];
    if (e.args.length !== 1 || flag?.kind !== 'var' || !this.params.has(flag.name)) {
      this.problem(`${name}() takes one argument, a location of this thread (block(flag) sleeps until *flag is cleared)`, pos);
      return irq;
    }
    if (this.blockLoc && this.blockLoc !== flag.name) this.problem(`${name}(${flag.name}): this thread already blocks on ${this.blockLoc}`, pos);
    this.blockLoc = flag.name;
    out.push({ kind: 'assign', target: v(SLEEP_REG, pos), value: num(1, pos), pos });
    return irq;
  }

  private targetOf(arg: Expr | undefined, name: string, pos: Pos): number | undefined {
    const m = arg?.kind === 'var' ? /^P(\d+)$/.exec(arg.name) : null;
    if (!m) { this.problem(`${name}() needs its target CPU as a thread name (P0, P1, ...)`, arg?.pos ?? pos); return undefined; }
    const t = Number(m[1]);
    if (t >= this.threadCount) { this.problem(`${name}(${arg!.kind === 'var' ? arg!.name : ''}): the test has threads P0..P${this.threadCount - 1}`, arg!.pos); return undefined; }
    return t;
  }

  /** Bitops become the atomic operations LKMM emulates them with; hypervisor events may not nest in expressions. */
  private expr(e: Expr): Expr {
    if (e.kind === 'call' && HV_CALLS.has(e.name)) {
      this.problem(`${e.name}() must be a statement of its own`, e.pos);
      return num(0, e.pos);
    }
    const mapped = mapChildren(e, (c) => this.expr(c));
    if (mapped.kind === 'call' && BITOPS.has(mapped.name)) {
      const r = rewriteBitop(mapped);
      if ('problem' in r) { this.problem(r.problem, mapped.pos); return num(0, mapped.pos); }
      return r.expr;
    }
    return mapped;
  }
}

/** Compiles an extended test for one model; problems carry the line:col of the construct. */
export function compileHv(test: LitmusTest, model: ModelName): CompiledHv {
  const problems: LitmusProblem[] = [];
  const targets = ipiTargets(test);
  const compilers = test.threads.map((t) => new ThreadCompiler(t, targets, test.threads.length, model, problems));
  const threads = compilers.map((c) => c.compile());
  let condition = test.condition;
  if (test.wakeup) {
    const w = test.wakeup;
    const c = compilers[w.target]!;
    const stuck: Prop[] = [];
    const reg = (name: string): CondVar => ({ kind: 'reg', thread: w.target, name });
    const loc = (name: string): CondVar => ({ kind: 'loc', name });
    if (c.enters) stuck.push(and(eq(reg(GUEST_REG), 1, w.pos), eq(loc(IPI_LOC(w.target)), 0, w.pos)));
    if (c.blockLoc) stuck.push(and(eq(reg(SLEEP_REG), 1, w.pos), { kind: 'not', arg: eq(loc(c.blockLoc), 0, w.pos) }));
    if (stuck.length === 0) {
      problems.push({ severity: 'error', message: `lost_wakeup P${w.target}: the thread neither enters the guest nor blocks, so it cannot miss a wake-up`, line: w.pos.line, col: w.pos.col });
    }
    const anyStuck = stuck.reduce<Prop | undefined>((acc, p) => (acc ? { kind: 'or', left: acc, right: p } : p), undefined) ?? { kind: 'false' };
    condition = { quantifier: 'exists', prop: and(w.work, anyStuck), pos: w.pos };
  }
  if (problems.length) return { problems };
  return { value: { ...test, name: `${test.name}@${model}`, threads, condition }, problems };
}

/** The threads some IPI is sent to: only they get interrupt points. */
function ipiTargets(test: LitmusTest): Set<number> {
  const out = new Set<number>();
  const visit = (e: Expr): void => {
    const s = e.kind === 'call' ? SENDERS.get(e.name) : undefined;
    const arg = s ? e.kind === 'call' && e.args[s.targetArg] : undefined;
    const m = arg && arg.kind === 'var' ? /^P(\d+)$/.exec(arg.name) : null;
    if (m) out.add(Number(m[1]));
    for (const c of children(e)) visit(c);
  };
  test.threads.forEach((t) => t.body.forEach((s) => forEachExpr(s, visit)));
  return out;
}

// ---- small syntax helpers ----

function flatten(stmts: readonly Stmt[]): Stmt[] {
  return stmts.flatMap((s) => (s.kind === 'block' ? flatten(s.body) : [s]));
}

function forEachExpr(s: Stmt, f: (e: Expr) => void): void {
  switch (s.kind) {
    case 'decl': if (s.init) f(s.init); return;
    case 'assign': f(s.target); f(s.value); return;
    case 'expr': f(s.expr); return;
    case 'if': f(s.cond); s.then.forEach((t) => forEachExpr(t, f)); s.else?.forEach((t) => forEachExpr(t, f)); return;
    case 'block': s.body.forEach((t) => forEachExpr(t, f)); return;
    default: return;
  }
}

function children(e: Expr): Expr[] {
  switch (e.kind) {
    case 'deref': return [e.ptr];
    case 'addr': case 'unary': return [e.arg];
    case 'binary': return [e.left, e.right];
    case 'ternary': return [e.cond, e.then, e.else];
    case 'call': return [...e.args];
    default: return [];
  }
}

function mapChildren(e: Expr, f: (c: Expr) => Expr): Expr {
  switch (e.kind) {
    case 'deref': return { ...e, ptr: f(e.ptr) };
    case 'addr': case 'unary': return { ...e, arg: f(e.arg) };
    case 'binary': return { ...e, left: f(e.left), right: f(e.right) };
    case 'ternary': return { ...e, cond: f(e.cond), then: f(e.then), else: f(e.else) };
    case 'call': return { ...e, args: e.args.map(f) };
    default: return e;
  }
}

const v = (name: string, pos: Pos): Expr => ({ kind: 'var', name, pos });
const num = (value: number, pos: Pos): Expr => ({ kind: 'num', value, pos });
const call = (name: string, pos: Pos, ...args: Expr[]): Expr => ({ kind: 'call', name, args, pos });
const store = (loc: string, value: number, pos: Pos): Stmt => ({ kind: 'expr', expr: call('WRITE_ONCE', pos, { kind: 'deref', ptr: v(loc, pos), pos }, num(value, pos)), pos });
const eq = (lhs: CondVar, value: number, pos: Pos): Prop => ({ kind: 'eq', lhs, value, pos });
const and = (left: Prop, right: Prop): Prop => ({ kind: 'and', left, right });
