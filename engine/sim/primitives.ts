// What each kernel primitive does, in events: the simulator's counterpart of herd's
// linux-kernel.def. Names and orderings follow Documentation/atomic_t.txt and
// tools/memory-model/linux-kernel.def; lock events follow lock.cat (LKR/LKW/UL/LF/RL/RU).
import type { Expr, Pos, Value } from '../litmus/ast';
import type { AccessMode, FenceKind, RmwStrength } from './events';
import type { Tainted, TraceEvent } from './trace';
import { UnsupportedError, mergeDeps } from './trace';

export interface PrimitiveContext {
  eval(e: Expr): Tainted;
  lvalueLoc(e: Expr, pos: Pos): { loc: string; deps: readonly number[] };
  pointerLoc(p: Tainted, pos: Pos): { loc: string; deps: readonly number[] };
  readLoc(args: { loc: string; addrDeps: readonly number[]; mode: AccessMode; instr: string; pos: Pos; accept?: (v: Value) => boolean; extra?: Partial<TraceEvent> }): Tainted;
  writeLoc(args: { loc: string; addrDeps: readonly number[]; value: Tainted; mode: AccessMode; instr: string; pos: Pos; extra?: Partial<TraceEvent> }): number;
  fence(kind: FenceKind, instr: string, pos: Pos, extra?: Partial<TraceEvent>): number;
  readonly events: TraceEvent[];
}

export interface Primitive {
  readonly arity?: number;
  run(ctx: PrimitiveContext, args: readonly Expr[], pos: Pos, name: string): Tainted;
}

const NONE: Tainted = { v: 0, deps: [] };

export const PRIMITIVES = new Map<string, Primitive>();

function def(name: string, arity: number, run: Primitive['run']): void {
  PRIMITIVES.set(name, { arity, run });
}

// ---- plain marked loads and stores ----

function load(name: string, mode: AccessMode, lvalue: boolean): void {
  def(name, 1, (ctx, [p], pos) => {
    const { loc, deps } = lvalue ? ctx.lvalueLoc(p!, pos) : ctx.pointerLoc(ctx.eval(p!), pos);
    return ctx.readLoc({ loc, addrDeps: deps, mode, instr: name, pos });
  });
}

function store(name: string, mode: AccessMode, lvalue: boolean, fenceAfter?: FenceKind): void {
  def(name, 2, (ctx, [p, v], pos) => {
    const { loc, deps } = lvalue ? ctx.lvalueLoc(p!, pos) : ctx.pointerLoc(ctx.eval(p!), pos);
    ctx.writeLoc({ loc, addrDeps: deps, value: ctx.eval(v!), mode, instr: name, pos });
    if (fenceAfter) ctx.fence(fenceAfter, name, pos);
    return NONE;
  });
}

load('READ_ONCE', 'once', true);
load('rcu_dereference', 'once', true);
load('smp_load_acquire', 'acquire', false);
load('atomic_read', 'once', false);
load('atomic_read_acquire', 'acquire', false);
store('WRITE_ONCE', 'once', true);
store('rcu_assign_pointer', 'release', true);
store('smp_store_release', 'release', false);
store('atomic_set', 'once', false);
store('atomic_set_release', 'release', false);
// smp_store_mb(x, v) is WRITE_ONCE(x, v) followed by smp_mb() (linux-kernel.def).
store('smp_store_mb', 'once', true, 'mb');

// ---- fences ----

const FENCES: Array<[string, FenceKind]> = [
  ['smp_mb', 'mb'], ['smp_rmb', 'rmb'], ['smp_wmb', 'wmb'], ['barrier', 'barrier'],
  ['smp_mb__before_atomic', 'before-atomic'], ['smp_mb__after_atomic', 'after-atomic'],
  ['smp_mb__after_spinlock', 'after-spinlock'], ['smp_mb__after_unlock_lock', 'after-unlock-lock'],
  ['smp_mb__after_srcu_read_unlock', 'after-srcu-read-unlock'],
  ['rcu_read_lock', 'rcu-lock'], ['rcu_read_unlock', 'rcu-unlock'],
  ['synchronize_rcu', 'sync-rcu'], ['synchronize_rcu_expedited', 'sync-rcu'],
];
for (const [name, kind] of FENCES) def(name, 0, (ctx, _args, pos) => { ctx.fence(kind, name, pos); return NONE; });

// ---- read-modify-write operations ----

/** Result of an RMW's computation on the old value: `store` undefined means it failed. */
interface RmwResult {
  readonly store?: Value;
  readonly ret: Value;
  /** Whether the stored value is computed from the old one (a data dependency R → W). */
  readonly usesOld: boolean;
}

function rmw(args: {
  ctx: PrimitiveContext; loc: string; addrDeps: readonly number[]; operands: Tainted[];
  strength: RmwStrength; instr: string; pos: Pos; compute: (old: Value) => RmwResult;
}): Tainted {
  const { ctx, strength } = args;
  const readMode: AccessMode = strength === 'acquire' ? 'acquire' : 'once';
  const r = ctx.readLoc({ loc: args.loc, addrDeps: args.addrDeps, mode: readMode, instr: args.instr, pos: args.pos, extra: { rmw: strength } });
  const readIdx = r.deps[0]!;
  const res = args.compute(r.v);
  const operandDeps = mergeDeps(...args.operands.map((o) => o.deps));
  if (res.store === undefined) {
    // A failed conditional RMW is just a read, and orders nothing (atomic_t.txt).
    ctx.events[readIdx] = { ...ctx.events[readIdx]!, mode: 'once', failed: true };
  } else {
    ctx.writeLoc({
      loc: args.loc, addrDeps: args.addrDeps, mode: strength === 'release' ? 'release' : 'once', instr: args.instr, pos: args.pos,
      value: { v: res.store, deps: res.usesOld ? mergeDeps(r.deps, operandDeps) : operandDeps },
      extra: { rmw: strength, rmwRead: readIdx },
    });
  }
  return { v: res.ret, deps: r.deps };
}

const ORDERINGS: Array<[string, RmwStrength]> = [['', 'mb'], ['_relaxed', 'relaxed'], ['_acquire', 'acquire'], ['_release', 'release']];

function num(v: Value, pos: Pos, name: string): number {
  if (typeof v !== 'number') throw new UnsupportedError(`${name} on a pointer value`, pos);
  return v;
}

const ARITH: Record<string, (a: number, b: number) => number> = {
  add: (a, b) => a + b, sub: (a, b) => a - b, and: (a, b) => a & b, or: (a, b) => a | b,
  xor: (a, b) => a ^ b, andnot: (a, b) => a & ~b, inc: (a) => a + 1, dec: (a) => a - 1,
};

/**
 * Defines an atomic family. `shape` says where the atomic_t pointer is: Linux puts the operand
 * first (`atomic_add(i, v)`), and inc/dec take only the pointer.
 */
function atomicOp(name: string, strength: RmwStrength, op: string, ret: 'none' | 'new' | 'old' | 'test-zero' | 'negative'): void {
  const unary = op === 'inc' || op === 'dec';
  def(name, unary ? 1 : 2, (ctx, args, pos) => {
    const operand = unary ? { v: 1, deps: [] } : ctx.eval(args[0]!);
    const { loc, deps } = ctx.pointerLoc(ctx.eval(args[unary ? 0 : 1]!), pos);
    return rmw({
      ctx, loc, addrDeps: deps, operands: [operand], strength, instr: name, pos,
      compute: (old) => {
        const o = num(old, pos, name);
        const n = ARITH[op]!(o, num(operand.v, pos, name));
        const value = ret === 'old' ? o : ret === 'new' ? n : ret === 'test-zero' ? (n === 0 ? 1 : 0) : ret === 'negative' ? (n < 0 ? 1 : 0) : 0;
        return { store: n, ret: value, usesOld: true };
      },
    });
  });
}

for (const op of Object.keys(ARITH)) {
  atomicOp(`atomic_${op}`, 'noreturn', op, 'none');
  for (const [suffix, strength] of ORDERINGS) {
    if (op === 'add' || op === 'sub' || op === 'inc' || op === 'dec') atomicOp(`atomic_${op}_return${suffix}`, strength, op, 'new');
    atomicOp(`atomic_fetch_${op}${suffix}`, strength, op, 'old');
  }
}
for (const op of ['sub', 'inc', 'dec']) atomicOp(`atomic_${op}_and_test`, 'mb', op, 'test-zero');
atomicOp('atomic_add_negative', 'mb', 'add', 'negative');

for (const [suffix, strength] of ORDERINGS) {
  for (const name of [`xchg${suffix}`, `atomic_xchg${suffix}`]) {
    def(name, 2, (ctx, [p, v], pos) => {
      const { loc, deps } = ctx.pointerLoc(ctx.eval(p!), pos);
      const nv = ctx.eval(v!);
      return rmw({ ctx, loc, addrDeps: deps, operands: [nv], strength, instr: name, pos, compute: (old) => ({ store: nv.v, ret: old, usesOld: false }) });
    });
  }
  for (const name of [`cmpxchg${suffix}`, `atomic_cmpxchg${suffix}`]) {
    def(name, 3, (ctx, [p, o, n], pos) => {
      const { loc, deps } = ctx.pointerLoc(ctx.eval(p!), pos);
      const expected = ctx.eval(o!);
      const nv = ctx.eval(n!);
      return rmw({
        ctx, loc, addrDeps: deps, operands: [expected, nv], strength, instr: name, pos,
        compute: (old) => ({ store: sameVal(old, expected.v) ? nv.v : undefined, ret: old, usesOld: false }),
      });
    });
  }
}

function sameVal(a: Value, b: Value): boolean {
  return typeof a === 'number' || typeof b === 'number' ? a === b : a.addr === b.addr;
}

function conditionalAdd(name: string, arity: number, params: (ctx: PrimitiveContext, args: readonly Expr[]) => { ptr: Expr; add: number; unless: (old: number) => boolean; ret: (old: number, ok: boolean) => number }): void {
  def(name, arity, (ctx, args, pos) => {
    const spec = params(ctx, args);
    const { loc, deps } = ctx.pointerLoc(ctx.eval(spec.ptr), pos);
    return rmw({
      ctx, loc, addrDeps: deps, operands: [], strength: 'mb', instr: name, pos,
      compute: (old) => {
        const o = num(old, pos, name);
        const ok = !spec.unless(o);
        return { store: ok ? o + spec.add : undefined, ret: spec.ret(o, ok), usesOld: true };
      },
    });
  });
}

conditionalAdd('atomic_add_unless', 3, (ctx, [v, a, u]) => {
  const add = num(ctx.eval(a!).v, a!.pos, 'atomic_add_unless');
  const unless = num(ctx.eval(u!).v, u!.pos, 'atomic_add_unless');
  return { ptr: v!, add, unless: (old) => old === unless, ret: (_o, ok) => (ok ? 1 : 0) };
});
conditionalAdd('atomic_inc_not_zero', 1, (_ctx, [v]) => ({ ptr: v!, add: 1, unless: (old) => old === 0, ret: (_o, ok) => (ok ? 1 : 0) }));
conditionalAdd('atomic_dec_if_positive', 1, (_ctx, [v]) => ({ ptr: v!, add: -1, unless: (old) => old - 1 < 0, ret: (old) => old - 1 }));

// ---- spinlocks (lock.cat): the lock word holds 0 when free and 1 when held ----

function lockPrimitive(name: string, arity: number): void {
  def(name, arity, (ctx, [l], pos) => {
    const { loc, deps } = ctx.pointerLoc(ctx.eval(l!), pos);
    // spin_lock waits for a free lock: paths that would read "held" never complete.
    const r = ctx.readLoc({ loc, addrDeps: deps, mode: 'once', instr: name, pos, accept: (v) => v === 0, extra: { lock: 'LKR' } });
    ctx.writeLoc({ loc, addrDeps: deps, value: { v: 1, deps: [] }, mode: 'once', instr: name, pos, extra: { lock: 'LKW', rmwRead: r.deps[0]! } });
    return NONE;
  });
}

function unlockPrimitive(name: string, arity: number): void {
  def(name, arity, (ctx, [l], pos) => {
    const { loc, deps } = ctx.pointerLoc(ctx.eval(l!), pos);
    ctx.writeLoc({ loc, addrDeps: deps, value: { v: 0, deps: [] }, mode: 'once', instr: name, pos, extra: { lock: 'UL' } });
    return NONE;
  });
}

for (const kind of ['spin', 'raw_spin']) {
  lockPrimitive(`${kind}_lock`, 1);
  lockPrimitive(`${kind}_lock_irq`, 1);
  lockPrimitive(`${kind}_lock_bh`, 1);
  lockPrimitive(`${kind}_lock_irqsave`, 2);
  unlockPrimitive(`${kind}_unlock`, 1);
  unlockPrimitive(`${kind}_unlock_irq`, 1);
  unlockPrimitive(`${kind}_unlock_bh`, 1);
  unlockPrimitive(`${kind}_unlock_irqrestore`, 2);
}

def('spin_trylock', 1, (ctx, [l], pos) => {
  const { loc, deps } = ctx.pointerLoc(ctx.eval(l!), pos);
  const r = ctx.readLoc({ loc, addrDeps: deps, mode: 'once', instr: 'spin_trylock', pos, extra: { lock: 'LKR' } });
  const idx = r.deps[0]!;
  if (r.v !== 0) {
    ctx.events[idx] = { ...ctx.events[idx]!, lock: 'LF' };
    return { v: 0, deps: r.deps };
  }
  ctx.writeLoc({ loc, addrDeps: deps, value: { v: 1, deps: [] }, mode: 'once', instr: 'spin_trylock', pos, extra: { lock: 'LKW', rmwRead: idx } });
  return { v: 1, deps: r.deps };
});

def('spin_is_locked', 1, (ctx, [l], pos) => {
  const { loc, deps } = ctx.pointerLoc(ctx.eval(l!), pos);
  const r = ctx.readLoc({ loc, addrDeps: deps, mode: 'once', instr: 'spin_is_locked', pos, extra: { lock: 'RU' } });
  const idx = r.deps[0]!;
  const held = r.v !== 0;
  if (held) ctx.events[idx] = { ...ctx.events[idx]!, lock: 'RL' };
  return { v: held ? 1 : 0, deps: r.deps };
});

// ---- SRCU (linux-kernel.def): srcu_read_lock()/srcu_down_read() read the srcu_struct and
// return that value as the index; srcu_read_unlock()/srcu_up_read() write the index back. The
// model matches a lock with an unlock when the index flows from one to the other by data
// dependency, through memory too, so srcu_up_read() may run on another CPU. ----

function srcuLock(name: string): void {
  def(name, 1, (ctx, [s], pos) => {
    const { loc, deps } = ctx.pointerLoc(ctx.eval(s!), pos);
    return ctx.readLoc({ loc, addrDeps: deps, mode: 'once', instr: name, pos, extra: { srcu: 'lock' } });
  });
}

function srcuUnlock(name: string): void {
  def(name, 2, (ctx, [s, i], pos) => {
    const { loc, deps } = ctx.pointerLoc(ctx.eval(s!), pos);
    ctx.writeLoc({ loc, addrDeps: deps, value: ctx.eval(i!), mode: 'once', instr: name, pos, extra: { srcu: 'unlock' } });
    return NONE;
  });
}

srcuLock('srcu_read_lock');
srcuLock('srcu_down_read');
srcuUnlock('srcu_read_unlock');
srcuUnlock('srcu_up_read');
def('synchronize_srcu', 1, (ctx, [s], pos) => {
  const { loc } = ctx.pointerLoc(ctx.eval(s!), pos);
  ctx.fence('sync-srcu', 'synchronize_srcu', pos, { loc });
  return NONE;
});
