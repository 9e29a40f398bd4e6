// Runs one litmus thread along every path its reads allow. Reads take their value from a
// candidate domain per location (computed to a fixpoint in enumerate.ts); each choice is a
// branch point, explored by replaying the thread with a growing choice vector. Statements and
// expressions live here; what each primitive does is in primitives.ts.
import type { Expr, Pos, Stmt, ThreadDef, Value } from '../litmus/ast';
import type { FenceKind } from './events';
import { sameValue } from './events';
import { PRIMITIVES, type PrimitiveContext } from './primitives';
import { PathStopped, UnsupportedError, mergeDeps, type Tainted, type Trace, type TraceEvent, type UnsupportedConstruct } from './trace';

/** The path cannot continue (e.g. spin_lock found no unlocked value): it contributes no trace. */
class Blocked extends Error {}

export type Domain = ReadonlyMap<string, readonly Value[]>;

export interface ThreadTraces {
  readonly traces: Trace[];
  readonly unsupported?: UnsupportedConstruct;
  /** True when the trace budget stopped the exploration early. */
  readonly truncated: boolean;
}

export function enumerateTraces(args: {
  thread: ThreadDef;
  domain: Domain;
  initRegs: ReadonlyMap<string, Value>;
  maxTraces: number;
  /** Checked once per trace: throws when the simulation's time budget is spent. */
  deadline?: { check(): void };
}): ThreadTraces {
  const traces: Trace[] = [];
  const choices: number[] = [];
  for (;;) {
    args.deadline?.check();
    const run = new ThreadRun(args.thread, args.domain, args.initRegs, choices);
    try {
      traces.push(run.run());
    } catch (err) {
      if (err instanceof UnsupportedError) return { traces: [], unsupported: { construct: err.construct, pos: err.pos }, truncated: false };
      if (err instanceof PathStopped) traces.push(run.stop({ construct: err.construct, pos: err.pos }));
      else if (!(err instanceof Blocked)) throw err;
    }
    if (traces.length >= args.maxTraces) return { traces, truncated: true };
    // Backtrack: bump the deepest choice that still has alternatives.
    const counts = run.counts;
    // Reads past the replayed prefix took their first option.
    for (let i = choices.length; i < counts.length; i++) choices[i] = 0;
    choices.length = counts.length;
    let k = counts.length - 1;
    while (k >= 0 && choices[k]! + 1 >= counts[k]!) k--;
    if (k < 0) return { traces, truncated: false };
    choices[k]!++;
    choices.length = k + 1;
  }
}

class ThreadRun implements PrimitiveContext {
  readonly events: TraceEvent[] = [];
  readonly counts: number[] = [];
  private readonly regs = new Map<string, Tainted>();
  private readonly ctrlStack: number[][] = [];
  private readonly decided = new Set<number>();
  private readIndex = 0;

  constructor(
    private readonly def: ThreadDef,
    private readonly domain: Domain,
    initRegs: ReadonlyMap<string, Value>,
    private readonly choices: number[],
  ) {
    for (const p of def.params) this.regs.set(p.name, { v: { addr: p.name }, deps: [] });
    for (const [name, v] of initRegs) this.regs.set(name, { v, deps: [] });
  }

  run(): Trace {
    this.execBlock(this.def.body);
    const regs = new Map<string, Value>();
    const regCopies = new Map<string, number>();
    const params = new Set(this.def.params.map((p) => p.name));
    for (const [name, t] of this.regs) {
      if (params.has(name)) continue;
      regs.set(name, t.v);
      if (t.copyOf !== undefined) regCopies.set(name, t.copyOf);
    }
    return { thread: this.def.id, events: this.events, regs, regCopies, decided: [...this.decided] };
  }

  /** The trace of a path that stopped part-way (see Trace.stopped). */
  stop(stopped: UnsupportedConstruct): Trace {
    return { thread: this.def.id, events: this.events, regs: new Map(), regCopies: new Map(), decided: [], stopped };
  }

  // ---- statements ----

  private execBlock(body: readonly Stmt[]): void {
    for (const s of body) this.exec(s);
  }

  private exec(s: Stmt): void {
    switch (s.kind) {
      case 'block': return this.execBlock(s.body);
      case 'decl':
        // The name is in scope in its own initializer (`int r4 = (r1 != r4);`); like herd, a
        // register nobody assigned yet holds its initial value, 0 unless the init block says so.
        if (!this.regs.has(s.name)) this.regs.set(s.name, { v: 0, deps: [] });
        this.regs.set(s.name, s.init ? this.eval(s.init) : this.regs.get(s.name)!);
        return;
      case 'assign': {
        if (s.target.kind === 'var') {
          if (this.isParam(s.target.name)) throw new UnsupportedError(`assignment to parameter ${s.target.name}`, s.pos);
          this.regs.set(s.target.name, this.eval(s.value));
          return;
        }
        if (s.target.kind === 'deref') {
          const ptr = this.eval(s.target.ptr);
          const value = this.eval(s.value);
          this.write({ ptr, value, mode: 'plain', instr: 'store', pos: s.pos });
          return;
        }
        throw new UnsupportedError('assignment target', s.pos);
      }
      case 'expr':
        this.eval(s.expr);
        return;
      case 'if': {
        const c = this.decide(this.eval(s.cond));
        this.ctrlStack.push([...c.deps]);
        try {
          if (truthy(c.v)) this.execBlock(s.then);
          else if (s.else) this.execBlock(s.else);
        } finally {
          this.ctrlStack.pop();
        }
        return;
      }
      case 'unsupported':
        throw new UnsupportedError(s.construct, s.pos);
    }
  }

  /** Notes that the path forks on this value (see Trace.decided). */
  private decide(c: Tainted): Tainted {
    for (const d of c.deps) this.decided.add(d);
    return c;
  }

  private isParam(name: string): boolean {
    return this.def.params.some((p) => p.name === name);
  }

  // ---- expressions ----

  eval(e: Expr): Tainted {
    switch (e.kind) {
      case 'num': return { v: e.value, deps: [] };
      case 'var': {
        const r = this.regs.get(e.name);
        if (!r) throw new UnsupportedError(`undeclared name ${e.name}`, e.pos);
        return r;
      }
      case 'deref': return this.read({ ptr: this.eval(e.ptr), mode: 'plain', instr: 'load', pos: e.pos });
      case 'addr': {
        if (e.arg.kind === 'deref') return this.eval(e.arg.ptr);
        throw new UnsupportedError('address of a register', e.pos);
      }
      case 'unary': {
        const a = this.eval(e.arg);
        if (e.op === '!') return { v: truthy(a.v) ? 0 : 1, deps: a.deps };
        return { v: e.op === '-' ? -this.num(a.v, e.pos) : ~this.num(a.v, e.pos), deps: a.deps };
      }
      case 'binary': return this.binary(e.op, e.left, e.right, e.pos);
      case 'ternary': {
        const c = this.decide(this.eval(e.cond));
        const r = this.eval(truthy(c.v) ? e.then : e.else);
        return { v: r.v, deps: mergeDeps(c.deps, r.deps) };
      }
      case 'call': {
        const prim = PRIMITIVES.get(normalizeAtomicName(e.name));
        if (!prim) throw new UnsupportedError(e.name, e.pos);
        if (prim.arity !== undefined && e.args.length !== prim.arity) {
          throw new UnsupportedError(`${e.name} with ${e.args.length} arguments`, e.pos);
        }
        return prim.run(this, e.args, e.pos, e.name);
      }
    }
  }

  private binary(op: string, le: Expr, re: Expr, pos: Pos): Tainted {
    const l = op === '&&' || op === '||' ? this.decide(this.eval(le)) : this.eval(le);
    // C short-circuit: the right operand's accesses happen only when needed.
    if (op === '&&' && !truthy(l.v)) return { v: 0, deps: l.deps };
    if (op === '||' && truthy(l.v)) return { v: 1, deps: l.deps };
    const r = this.eval(re);
    const deps = mergeDeps(l.deps, r.deps);
    if (op === '==' || op === '!=') {
      const eq = sameValue(l.v, r.v) || (isNull(l.v) && isNull(r.v));
      return { v: (op === '==') === eq ? 1 : 0, deps };
    }
    if (op === '&&' || op === '||') return { v: truthy(r.v) ? 1 : 0, deps };
    const offset = pointerOffset(op, l.v, r.v);
    if (offset) {
      // A location plus 0 is the location itself (`atomic_set(y + r2, r1)` with r2 = 0); any
      // other offset leaves the test's locations, which only some executions may do.
      if (offset.by !== 0) throw new PathStopped(`pointer arithmetic ${offset.base.addr} ${op} ${offset.by}`, pos);
      return { v: offset.base, deps };
    }
    const a = this.num(l.v, pos);
    const b = this.num(r.v, pos);
    const v = arith(op, a, b);
    if (v === undefined) throw new UnsupportedError(op === '/' || op === '%' ? 'division by zero' : `operator ${op}`, pos);
    return { v, deps };
  }

  private num(v: Value, pos: Pos): number {
    if (typeof v !== 'number') throw new UnsupportedError(`arithmetic on pointer ${v.addr}`, pos);
    return v;
  }

  // ---- PrimitiveContext: memory events ----

  /** The location an lvalue like `*x` names, with the deps of its address. */
  lvalueLoc(e: Expr, pos: Pos): { loc: string; deps: readonly number[] } {
    if (e.kind !== 'deref') throw new UnsupportedError('non-pointer access (expected *x)', pos);
    return this.pointerLoc(this.eval(e.ptr), pos);
  }

  pointerLoc(p: Tainted, pos: Pos): { loc: string; deps: readonly number[] } {
    if (typeof p.v === 'number') throw new PathStopped(`dereference of the integer ${p.v}`, pos);
    return { loc: p.v.addr, deps: p.deps };
  }

  read(args: { ptr: Tainted; mode: TraceEvent['mode']; instr: string; pos: Pos; accept?: (v: Value) => boolean; extra?: Partial<TraceEvent> }): Tainted {
    const { loc, deps } = this.pointerLoc(args.ptr, args.pos);
    return this.readLoc({ ...args, loc, addrDeps: deps });
  }

  readLoc(args: { loc: string; addrDeps: readonly number[]; mode: TraceEvent['mode']; instr: string; pos: Pos; accept?: (v: Value) => boolean; extra?: Partial<TraceEvent> }): Tainted {
    const options = (this.domain.get(args.loc) ?? [0]).filter((v) => !args.accept || args.accept(v));
    const k = this.readIndex++;
    this.counts[k] = options.length;
    if (options.length === 0) throw new Blocked();
    const v = options[this.choices[k] ?? 0]!;
    const poIndex = this.events.length;
    this.events.push({
      poIndex, kind: 'R', loc: args.loc, value: v, mode: args.mode, instr: args.instr, pos: args.pos,
      addr: args.addrDeps, data: [], ctrl: this.ctrlDeps(), ...args.extra,
    });
    return { v, deps: [poIndex], copyOf: poIndex };
  }

  write(args: { ptr: Tainted; value: Tainted; mode: TraceEvent['mode']; instr: string; pos: Pos; extra?: Partial<TraceEvent> }): number {
    const { loc, deps } = this.pointerLoc(args.ptr, args.pos);
    return this.writeLoc({ ...args, loc, addrDeps: deps });
  }

  writeLoc(args: { loc: string; addrDeps: readonly number[]; value: Tainted; mode: TraceEvent['mode']; instr: string; pos: Pos; extra?: Partial<TraceEvent> }): number {
    const poIndex = this.events.length;
    this.events.push({
      poIndex, kind: 'W', loc: args.loc, value: args.value.v, mode: args.mode, instr: args.instr, pos: args.pos,
      addr: args.addrDeps, data: args.value.deps, ctrl: this.ctrlDeps(), ...args.extra,
      ...(args.value.copyOf !== undefined ? { copyOf: args.value.copyOf } : {}),
    });
    return poIndex;
  }

  fence(kind: FenceKind, instr: string, pos: Pos, extra?: Partial<TraceEvent>): number {
    const poIndex = this.events.length;
    this.events.push({ poIndex, kind: 'F', fence: kind, mode: 'once', instr, pos, addr: [], data: [], ctrl: this.ctrlDeps(), ...extra });
    return poIndex;
  }

  private ctrlDeps(): number[] {
    return mergeDeps(...this.ctrlStack);
  }
}

export function truthy(v: Value): boolean {
  return typeof v === 'number' ? v !== 0 : true;
}

/** `p + n`, `n + p` or `p - n` on a location address p, else undefined. */
function pointerOffset(op: string, a: Value, b: Value): { base: { readonly addr: string }; by: number } | undefined {
  if (op === '+' && typeof a !== 'number' && typeof b === 'number') return { base: a, by: b };
  if (op === '+' && typeof a === 'number' && typeof b !== 'number') return { base: b, by: a };
  if (op === '-' && typeof a !== 'number' && typeof b === 'number') return { base: a, by: b };
  return undefined;
}

function isNull(v: Value): boolean {
  return v === 0;
}

function arith(op: string, a: number, b: number): number | undefined {
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return b === 0 ? undefined : Math.trunc(a / b);
    case '%': return b === 0 ? undefined : a % b;
    case '&': return a & b;
    case '|': return a | b;
    case '^': return a ^ b;
    case '<<': return a << b;
    case '>>': return a >> b;
    case '<': return a < b ? 1 : 0;
    case '<=': return a <= b ? 1 : 0;
    case '>': return a > b ? 1 : 0;
    case '>=': return a >= b ? 1 : 0;
    default: return undefined;
  }
}

/** atomic64_* and atomic_long_* behave like atomic_* for ordering purposes. */
function normalizeAtomicName(name: string): string {
  return name.replace(/^atomic64_/, 'atomic_').replace(/^atomic_long_/, 'atomic_');
}

