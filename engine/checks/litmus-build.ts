// Turns a scenario into a C litmus test: each side keeps its two accesses and everything
// between them that can order them (fences, atomics, locks, dependencies), in program order,
// under the locks it holds. The simulator then decides the bad outcome under each model.
import type { Expr, LitmusTest, Pos, Prop, Stmt, ThreadDef } from '../litmus/ast';
import type { Event, Loc, Thread } from '../extract/types';
import { dependencyKinds, guardedBy } from '../extract/deps';
import { orderingEvents } from '../pair/ordering-events';
import type { EntryGuard } from '../pair/entry-guard';
import { SET_VALUES, locValues, needsOld, writesTo, type LocValues } from '../pair/flag-values';
import type { Scenario } from '../pair/scenario';

export { orderingEvents };

/** Changes a fix makes to one side, applied when the test is built. */
export type SideEdit =
  | { readonly kind: 'insert-fence'; readonly fence: 'mb' | 'wmb' | 'rmb' }
  | { readonly kind: 'remove-fence'; readonly event: number }
  | { readonly kind: 'replace-fence'; readonly event: number; readonly fence: 'mb' | 'wmb' | 'rmb' }
  | { readonly kind: 'acquire-first' }
  /**
   * Drop the ordering nothing in the function states explicitly: fences inside callees and the
   * full barrier atomics between the accesses imply (to see whether that is what saves the code).
   */
  | { readonly kind: 'strip-implied' }
  | { readonly kind: 'release-second' };

export interface BuiltSide {
  /** The model the test is built for: an atomic between the accesses is written as the fence it amounts to there. */
  readonly model?: string;
  readonly thread: Thread;
  readonly first?: Event;
  readonly second: Event;
  readonly synthesized?: string;
  readonly edits?: readonly SideEdit[];
  /** The side is entered only past its callers' check of its first location (pair/entry-guard.ts). */
  readonly entryGuard?: Pick<EntryGuard, 'by'>;
}

const P: Pos = { line: 0, col: 0 };
const num = (value: number): Expr => ({ kind: 'num', value, pos: P });
const v = (name: string): Expr => ({ kind: 'var', name, pos: P });
const call = (name: string, ...args: Expr[]): Expr => ({ kind: 'call', name, args, pos: P });
const exprStmt = (e: Expr): Stmt => ({ kind: 'expr', expr: e, pos: P });
const assign = (reg: string, e: Expr): Stmt => ({ kind: 'assign', target: v(reg), value: e, pos: P });

/** A litmus-safe identifier for a C access path: `v->arch.sctlr` → `v_arch_sctlr`. */
export function litmusName(text: string): string {
  const base = text.replace(/->|\./g, '_').replace(/[^A-Za-z0-9_]/g, '').replace(/^_+|_+$/g, '') || 'loc';
  return /^\d/.test(base) || /^P\d+$/.test(base) || /^r\d+$/.test(base) ? `m_${base}` : base;
}

/** Litmus-safe names for the locations and locks a test uses (unique per key). */
class Names {
  private readonly byKey = new Map<string, string>();
  private readonly used = new Set<string>();

  of(key: string, text: string): string {
    const known = this.byKey.get(key);
    if (known) return known;
    const base = litmusName(text);
    let name = base;
    for (let i = 2; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    this.byKey.set(key, name);
    return name;
  }

  all(): string[] {
    return [...this.used];
  }
}

type Role = 'read' | 'write';

export function buildLitmus(args: { scenario: Scenario; sides: readonly [BuiltSide, BuiltSide]; name: string }): LitmusTest {
  const { scenario } = args;
  const names = new Names();
  const [x, y] = scenario.locs.map((l) => names.of(l.key, l.text)) as [string, string];
  const roles: Record<string, [Role, Role, Role, Role]> = {
    MP: ['write', 'write', 'read', 'read'],
    SB: ['write', 'read', 'write', 'read'],
    LB: ['read', 'write', 'read', 'write'],
  };
  const r = roles[scenario.shape]!;
  const locsFor: Record<string, [string, string, string, string]> = {
    MP: [x, y, y, x],
    SB: [x, y, y, x],
    LB: [x, y, y, x],
  };
  const l = locsFor[scenario.shape]!;
  // What orders each side, worked out once: both the lock roles and the sides' bodies need it.
  const orderings = args.sides.map((s) => (s.synthesized ? undefined : orderingEvents(s)));
  const exclusive = writerLocks(orderings);
  const values = cycleValues({ scenario, sides: args.sides, orderings, roles: r, locs: l, names: [x, y] });
  const threads = args.sides.map((s, i) => buildSide({
    id: i, side: s, ordering: orderings[i], names, exclusive, roles: [r[i * 2]!, r[i * 2 + 1]!], locs: [l[i * 2]!, l[i * 2 + 1]!], values,
  }));
  const eq = (thread: number, reg: string, value: number): Prop => ({ kind: 'eq', lhs: { kind: 'reg', thread, name: reg }, value, pos: P });
  const and = (a: Prop, b: Prop): Prop => ({ kind: 'and', left: a, right: b });
  const [vx, vy] = [values.get(x)!, values.get(y)!];
  // MP: the flag seen new, the data old; SB: each side misses the other's store; LB: each reads
  // the other's later store.
  const outcome: Array<[number, string, number]> = scenario.shape === 'MP' ? [[1, 'r0', vy.fresh], [1, 'r1', vx.stale]]
    : scenario.shape === 'SB' ? [[0, 'r1', vy.stale], [1, 'r1', vx.stale]]
      : [[0, 'r0', vx.fresh], [1, 'r0', vy.fresh]];
  const prop = and(eq(...outcome[0]!), eq(...outcome[1]!));
  // A location whose write clears a bit (or stores 0) starts at 1.
  const init = ([[x, vx], [y, vy]] as const).flatMap(([name, vals]) => (vals.stale !== 0 ? [{ target: { kind: 'loc' as const, name }, value: vals.stale, pos: P }] : []));
  return {
    name: args.name,
    init,
    threads: threads.map((t, i) => ({ ...t, body: unreadIsDistinct(t.body, outcome.filter((o) => o[0] === i)), params: names.all().map((n) => ({ name: n, type: 'int *' })) })),
    locations: [],
    condition: { quantifier: 'exists', prop, pos: P },
  };
}

/**
 * Locks some side takes exclusively (spin, mutex, write mode). A read-mode acquisition of one of
 * them excludes that side as a lock would, so it is written as one; two readers never exclude
 * each other, so a lock only ever read-locked is left out. With two CPUs this is exact.
 */
function writerLocks(orderings: ReadonlyArray<ReturnType<typeof orderingEvents> | undefined>): Set<string> {
  const out = new Set<string>();
  for (const o of orderings) {
    if (!o) continue;
    for (const e of [...o.before, ...o.between]) if (e.kind === 'LOCK' && e.mode !== 'read') out.add(e.lock.key);
    for (const h of o.callerHeld) if (h.mode !== 'read') out.add(h.lock.key);
  }
  return out;
}

/**
 * Each location's values (pair/flag-values.ts): from the one access of the cycle that writes
 * it, and whether the test writes it anywhere else (a revisit write, an atomic between a side's
 * accesses).
 */
function cycleValues(a: {
  scenario: Scenario; sides: readonly BuiltSide[]; orderings: ReadonlyArray<ReturnType<typeof orderingEvents> | undefined>;
  roles: readonly Role[]; locs: readonly string[]; names: readonly [string, string];
}): Map<string, LocValues> {
  const out = new Map<string, LocValues>();
  a.names.forEach((name, k) => {
    const loc = a.scenario.locs[k]!;
    const at = a.roles.findIndex((role, i) => role === 'write' && a.locs[i] === name);
    const side = a.sides[Math.floor(at / 2)];
    const write = side && !side.synthesized ? (at % 2 === 0 ? side.first : side.second) : undefined;
    const others = a.orderings.some((o) => !!o && writesTo([...o.between, ...o.revisits], loc));
    out.set(name, at < 0 ? SET_VALUES : locValues({ write, others }));
  });
  return out;
}

/**
 * A register the outcome asks about that a branch may skip keeps its initial value. Where that
 * is the value asked for (0), the register starts at -1 instead: a read that did not run must
 * not count as one that returned the old value.
 */
function unreadIsDistinct(body: readonly Stmt[], asked: ReadonlyArray<[number, string, number]>): Stmt[] {
  const skippable = new Set<string>();
  const visit = (stmts: readonly Stmt[], nested: boolean): void => {
    for (const st of stmts) {
      if (st.kind === 'if') { visit(st.then, true); visit(st.else ?? [], true); }
      else if (st.kind === 'block') visit(st.body, nested);
      else if (nested && st.kind === 'assign' && st.target.kind === 'var') skippable.add(st.target.name);
    }
  };
  visit(body, false);
  const reset = new Set(asked.filter(([, reg, value]) => value === 0 && skippable.has(reg)).map(([, reg]) => reg));
  if (reset.size === 0) return [...body];
  return body.map((st) => (st.kind === 'decl' && reset.has(st.name) && !st.init ? { ...st, init: num(-1) } : st));
}

function buildSide(a: {
  id: number; side: BuiltSide; ordering: ReturnType<typeof orderingEvents> | undefined; names: Names; exclusive: ReadonlySet<string>;
  roles: [Role, Role]; locs: [string, string]; values: ReadonlyMap<string, LocValues>;
}): ThreadDef {
  const { side, names } = a;
  const body: Stmt[] = [{ kind: 'decl', name: 'r0', type: 'int', pos: P }, { kind: 'decl', name: 'r1', type: 'int', pos: P }];
  const edits = side.edits ?? [];
  if (side.synthesized || !a.ordering) {
    // The canonical observer: flag, smp_rmb(), data (or its mirror for the other shapes).
    body.push(access({ role: a.roles[0], loc: a.locs[0], reg: 'r0', annot: 'once' }));
    body.push(exprStmt(call('smp_rmb')));
    body.push(access({ role: a.roles[1], loc: a.locs[1], reg: 'r1', annot: 'once' }));
    return { id: a.id, params: [], body, pos: P, origin: 'synthesized observer' };
  }
  const ordering = a.ordering;
  const atomicFences = !ordering.between.some((e) => e.kind === 'F' && (e.fence === 'before-atomic' || e.fence === 'after-atomic'));
  const stmtsOf = (events: readonly Event[]): Stmt[] => events.flatMap((e) => eventStmt({ e, edits, names, body, exclusive: a.exclusive, model: atomicFences ? side.model : undefined }));
  // The caller's locks (the function asserts them) enclose the side like its own, outermost;
  // read-mode ones count only against a side that takes the lock exclusively, like read locks
  // the function takes.
  const callerLocks = ordering.callerHeld.filter((h) => h.mode !== 'read' || a.exclusive.has(h.lock.key));
  body.push(...callerLocks.map((h) => lockStmt(names, 'spin_lock', h.lock)));
  body.push(...stmtsOf(ordering.before));
  const firstAnnot = edits.some((e) => e.kind === 'acquire-first') ? 'acquire' : annotOf(side.first);
  const valuesOf = (loc: string): LocValues => a.values.get(loc) ?? SET_VALUES;
  if (side.first) body.push(access({ role: a.roles[0], loc: a.locs[0], reg: 'r0', annot: firstAnnot, rmw: rmwOf(side.first), values: valuesOf(a.locs[0]) }));
  else body.push(access({ role: a.roles[0], loc: a.locs[0], reg: 'r0', annot: 'once' }));
  const strip = edits.some((d) => d.kind === 'strip-implied');
  const between = strip ? ordering.between.filter((e) => !e.via?.length || e.kind === 'RMW') : ordering.between;
  // The reads whose values later accesses may depend on: the first's (r0), then each revisit's.
  const readFirst = side.first && a.roles[0] === 'read' ? side.first : undefined;
  const secondUnderFirst = !!readFirst && dependency(side.thread, readFirst, side.second) === 'ctrl';
  const locOf = (e: Event): string => ('loc' in e && side.first && 'loc' in side.first && e.loc.key === side.first.loc.key ? a.locs[0] : a.locs[1]);
  const reads = new Revisits({ thread: side.thread, first: readFirst, body, secondUnderFirst, valuesOf: (e) => valuesOf(locOf(e)) });
  const mid: Stmt[] = [
    ...between.map((e) => ({ id: e.id, stmts: () => stmtsOf([e]) })),
    ...ordering.revisits.map((e) => ({ id: e.id, stmts: () => reads.statement({ e, loc: locOf(e) }) })),
  ].sort((x, y) => x.id - y.id).flatMap((item) => item.stmts());
  for (const ed of edits) if (ed.kind === 'insert-fence') mid.push(exprStmt(call(FENCE_PRIMS[ed.fence]!)));
  const secondAnnot = edits.some((e) => e.kind === 'release-second') ? 'release' : annotOf(side.second);
  const deps = reads.depsOf(side.second);
  const second = access({
    role: a.roles[1], loc: a.locs[1], reg: 'r1', annot: secondAnnot, rmw: rmwOf(side.second), values: valuesOf(a.locs[1]), firstFresh: valuesOf(a.locs[0]).fresh, ...deps,
  });
  if (deps.ctrlFirst) {
    // The second access runs on the path where the first read saw the new value, unless its
    // branches need the value from before the other CPU's write (pair/flag-values.ts).
    const needed = deps.firstNeedsOld ? valuesOf(a.locs[0]).stale : valuesOf(a.locs[0]).fresh;
    body.push({ kind: 'if', cond: { kind: 'binary', op: '==', left: v('r0'), right: num(needed), pos: P }, then: [...mid, ...reads.underCtrl(deps.ctrl, [second])], pos: P });
  } else {
    body.push(...mid, ...reads.underCtrl(deps.ctrl, [second]));
  }
  body.push(...stmtsOf(ordering.after));
  body.push(...[...callerLocks].reverse().map((h) => lockStmt(names, 'spin_unlock', h.lock)));
  const entry = side.entryGuard ? guarded({ body, by: side.entryGuard.by, flag: a.locs[0], fresh: valuesOf(a.locs[0]).fresh }) : body;
  return { id: a.id, params: [], body: entry, pos: P, origin: `${side.thread.name}()` };
}

/**
 * The side as its callers run it: read the flag, order that read (smp_rmb()/smp_mb(), or an
 * acquire read), and go on only when it was seen as the writer's store in this test left it.
 */
function guarded(a: { body: readonly Stmt[]; by: EntryGuard['by']; flag: string; fresh: number }): Stmt[] {
  const decls = a.body.filter((s) => s.kind === 'decl');
  const reg = `r${2 + decls.length}`;
  const ptr = v(a.flag);
  const read = assign(reg, a.by === 'acquire' ? call('smp_load_acquire', ptr) : call('READ_ONCE', { kind: 'deref', ptr, pos: P }));
  const fence = a.by === 'acquire' ? [] : [exprStmt(call(a.by === 'mb' ? 'smp_mb' : 'smp_rmb'))];
  return [
    ...decls, { kind: 'decl', name: reg, type: 'int', pos: P }, read, ...fence,
    { kind: 'if', cond: { kind: 'binary', op: '==', left: v(reg), right: num(a.fresh), pos: P }, then: a.body.filter((s) => s.kind !== 'decl'), pos: P },
  ];
}

/** One ordering event as litmus statements (fences, locks, atomics on other locations). */
function eventStmt(a: { e: Event; edits: readonly SideEdit[]; names: Names; body: Stmt[]; exclusive: ReadonlySet<string>; model?: string }): Stmt[] {
  const { e, edits, names } = a;
  const strip = edits.some((d) => d.kind === 'strip-implied');
  if (e.kind === 'F') {
    if (edits.some((d) => d.kind === 'remove-fence' && d.event === e.id) || (strip && e.via?.length)) return [];
    const replaced = edits.find((d) => d.kind === 'replace-fence' && d.event === e.id);
    const prim = FENCE_PRIMS[replaced && replaced.kind === 'replace-fence' ? replaced.fence : e.fence];
    return prim ? [exprStmt(call(prim))] : [];
  }
  if ((e.kind === 'LOCK' || e.kind === 'UNLOCK') && (e.mode !== 'read' || a.exclusive.has(e.lock.key))) {
    return [lockStmt(names, e.kind === 'LOCK' ? 'spin_lock' : 'spin_unlock', e.lock)];
  }
  if (e.kind === 'RMW') {
    const relaxed = strip && e.annot !== 'noreturn';
    // An atomic on another location orders the two accesses exactly as the fence it implies:
    // every RMW is a full barrier on x86 (LOCK prefix); elsewhere a fully ordered one is smp_mb()
    // and a relaxed or void one orders nothing. Writing it so keeps the test small.
    if (a.model && (e.annot !== 'acquire' && e.annot !== 'release')) {
      const full = a.model === 'x86-tso' || (e.annot === 'mb' && !relaxed);
      return full ? [exprStmt(call('smp_mb'))] : [];
    }
    const reg = `r${2 + a.body.filter((s) => s.kind === 'decl').length}`;
    return [rmwStmt({ annot: relaxed ? 'relaxed' : e.annot, loc: names.of(e.loc.key, e.loc.text), reg, decl: a.body })];
  }
  return [];
}

/** Every lock is one litmus lock per key, so the two sides contend exactly when their keys match. */
function lockStmt(names: Names, prim: 'spin_lock' | 'spin_unlock', lock: Loc): Stmt {
  return exprStmt(call(prim, v(names.of(`lock:${lock.key}`, `lock_${lock.text}`))));
}

const FENCE_PRIMS: Partial<Record<string, string>> = {
  mb: 'smp_mb', rmb: 'smp_rmb', wmb: 'smp_wmb', barrier: 'barrier',
  'before-atomic': 'smp_mb__before_atomic', 'after-atomic': 'smp_mb__after_atomic',
  'after-spinlock': 'smp_mb__after_spinlock', 'after-unlock-lock': 'smp_mb__after_unlock_lock',
  'rcu-lock': 'rcu_read_lock', 'rcu-unlock': 'rcu_read_unlock', 'sync-rcu': 'synchronize_rcu',
};

/** The C spelling of a fence kind. */
export function fencePrim(kind: string): string {
  return FENCE_PRIMS[kind] ?? kind;
}

type Annot = 'plain' | 'once' | 'acquire' | 'release';

/**
 * Plain C accesses are judged as READ_ONCE/WRITE_ONCE: the checks ask what the hardware and the
 * barriers allow, assuming the compiler neither tears, fuses nor invents aligned word accesses
 * (LKMM alone would call every such race undefined, which says nothing about the barriers).
 */
function annotOf(e: Event | undefined): Annot {
  if (!e) return 'once';
  if (e.kind === 'R' || e.kind === 'W') return e.annot === 'plain' ? 'once' : e.annot;
  if (e.kind === 'RMW') return e.annot === 'acquire' ? 'acquire' : e.annot === 'release' ? 'release' : 'once';
  return 'once';
}

function rmwOf(e: Event | undefined): string | undefined {
  return e?.kind === 'RMW' ? e.annot : undefined;
}

const RMW_SUFFIX: Record<string, string> = { mb: '', relaxed: '_relaxed', acquire: '_acquire', release: '_release' };

function rmwStmt(a: { annot: string; loc: string; reg: string; decl: Stmt[] }): Stmt {
  if (a.annot === 'noreturn') return exprStmt(call('atomic_or', num(1), v(a.loc)));
  a.decl.push({ kind: 'decl', name: a.reg, type: 'int', pos: P });
  return assign(a.reg, call(`atomic_fetch_or${RMW_SUFFIX[a.annot] ?? ''}`, num(1), v(a.loc)));
}

/** `r0`, or `(r0 | r4)`: the registers a dependency comes from, as one expression. */
function regsExpr(regs: readonly string[]): Expr {
  return regs.map((r) => v(r)).reduce((x, y) => ({ kind: 'binary', op: '|', left: x, right: y, pos: P }));
}

function access(a: {
  role: Role; loc: string; reg: string; annot: Annot; rmw?: string; dataFrom?: readonly string[]; addrFrom?: readonly string[];
  /** The value a write stores when it has no data dependency from the first read (the location's new value by default). */
  value?: number;
  /** The location's values in the test; a write that clears a bit is written as the clear. */
  values?: LocValues;
  /** The new value of the first read's location (1 unless its write clears a bit). */
  firstFresh?: number;
}): Stmt {
  const ptr: Expr = a.addrFrom
    ? { kind: 'ternary', cond: { kind: 'binary', op: '&', left: regsExpr(a.addrFrom), right: num(0), pos: P }, then: v(a.loc), else: v(a.loc), pos: P }
    : v(a.loc);
  const lv: Expr = { kind: 'deref', ptr, pos: P };
  if (a.role === 'read') {
    if (a.rmw && a.rmw !== 'noreturn') return assign(a.reg, call(`atomic_fetch_or${RMW_SUFFIX[a.rmw] ?? ''}`, num(0), ptr));
    if (a.annot === 'acquire') return assign(a.reg, call('smp_load_acquire', ptr));
    if (a.annot === 'plain') return assign(a.reg, lv);
    return assign(a.reg, call('READ_ONCE', lv));
  }
  const values = a.values ?? SET_VALUES;
  // clear_bit(), test_and_clear_bit(), `x &= ~M`: the bit (1 in the test) goes from set to
  // clear, so an atomic clears mask 1 and a plain store writes 0.
  const clears = values.bit?.set === false;
  const constant = clears ? (a.rmw ? 1 : 0) : a.value ?? values.fresh;
  // A data dependency from the first read alone stores what it read (1 in the bad outcome, where
  // both locations are set); from a revisit read, or into a cleared bit, the value keeps its
  // constant and only depends on the read.
  const value: Expr = a.dataFrom?.length === 1 && a.dataFrom[0] === 'r0' && a.value === undefined && values.fresh === 1 && (a.firstFresh ?? 1) === 1 ? v('r0')
    : a.dataFrom ? { kind: 'binary', op: '+', left: num(constant), right: { kind: 'binary', op: '&', left: regsExpr(a.dataFrom), right: num(0), pos: P }, pos: P }
      : num(constant);
  if (clears && a.rmw) {
    if (a.rmw === 'noreturn') return exprStmt(call('atomic_andnot', value, ptr));
    return assign('r1', call(`atomic_fetch_andnot${RMW_SUFFIX[a.rmw] ?? ''}`, value, ptr));
  }
  if (a.rmw) {
    if (a.rmw === 'noreturn') return exprStmt(call('atomic_or', value, ptr));
    return assign('r1', call(`xchg${RMW_SUFFIX[a.rmw] ?? ''}`, ptr, value));
  }
  if (a.annot === 'release') return exprStmt(call('smp_store_release', ptr, value));
  if (a.annot === 'plain') return { kind: 'assign', target: lv, value, pos: P };
  return exprStmt(call('WRITE_ONCE', lv, value));
}

/** A branch on a read: `needs` is the old value it must have seen, when its branches say so (flag-values.ts). */
interface CtrlOn {
  readonly reg: string;
  readonly needs?: number;
}

/** What an access depends on among the side's earlier reads, as registers. */
interface AccessDeps {
  readonly addrFrom?: readonly string[];
  readonly dataFrom?: readonly string[];
  /** Revisit reads the access is control-dependent on. */
  readonly ctrl: readonly CtrlOn[];
  /** Control-dependent on the first read (the caller puts the rest of the side under it). */
  readonly ctrlFirst: boolean;
  /** Its branches need the first read to have seen the old value. */
  readonly firstNeedsOld?: boolean;
}

/**
 * The side's revisits (ordering-events.ts) as litmus statements, and the dependencies of later
 * accesses on the first read and on revisit reads. A revisit write stores 2, so that where the
 * test's condition asks for 1 it still names the cycle's own stores, and where another CPU's
 * read is asked for 0 (missed this side's stores) seeing the revisit counts as seeing a store.
 */
class Revisits {
  private readonly sources: Array<{ e: Event; reg: string }> = [];

  constructor(private readonly a: { thread: Thread; first?: Event; body: Stmt[]; secondUnderFirst: boolean; valuesOf: (e: Event) => LocValues }) {
    if (a.first) this.sources.push({ e: a.first, reg: 'r0' });
  }

  statement(a: { e: Extract<Event, { kind: 'R' | 'W' }>; loc: string }): Stmt[] {
    const { e, loc } = a;
    const deps = this.depsOf(e);
    let stmt: Stmt;
    if (e.kind === 'R') {
      const reg = `r${2 + this.a.body.filter((s) => s.kind === 'decl').length}`;
      this.a.body.push({ kind: 'decl', name: reg, type: 'int', pos: P });
      stmt = access({ role: 'read', loc, reg, annot: annotOf(e), ...deps });
      this.sources.push({ e, reg });
    } else {
      stmt = access({ role: 'write', loc, reg: 'r1', annot: annotOf(e), value: 2, ...deps });
    }
    // Under the first read's branch when the second is not (that one wraps the rest of the side).
    const ctrl = deps.ctrlFirst && !this.a.secondUnderFirst ? [{ reg: 'r0', ...(deps.firstNeedsOld ? { needs: this.a.valuesOf(this.a.first!).stale } : {}) }, ...deps.ctrl] : deps.ctrl;
    return this.underCtrl(ctrl, [stmt]);
  }

  depsOf(e: Event): AccessDeps {
    const addr: string[] = [];
    const data: string[] = [];
    const ctrl: CtrlOn[] = [];
    let ctrlFirst = false;
    let firstNeedsOld = false;
    for (const s of this.sources) {
      const d = dependency(this.a.thread, s.e, e);
      if (d === 'addr') addr.push(s.reg);
      else if (d === 'data') data.push(s.reg);
      else if (d === 'ctrl') {
        const values = this.a.valuesOf(s.e);
        const old = needsOld({ thread: this.a.thread, read: s.e, target: e, values });
        if (s.reg === 'r0') { ctrlFirst = true; firstNeedsOld = old; }
        else ctrl.push({ reg: s.reg, ...(old ? { needs: values.stale } : {}) });
      }
    }
    return {
      ...(addr.length ? { addrFrom: addr } : {}), ...(data.length ? { dataFrom: data } : {}), ctrl, ctrlFirst,
      ...(firstNeedsOld ? { firstNeedsOld } : {}),
    };
  }

  /**
   * Statements under a branch on the given reads: one whose branches need the old value of the
   * bit the other CPU changes is taken only with that value; any other is taken whatever the
   * read saw, and only records the dependency.
   */
  underCtrl(on: readonly CtrlOn[], stmts: Stmt[]): Stmt[] {
    if (on.length === 0) return stmts;
    const cond = on.map((c): Expr => ({ kind: 'binary', op: c.needs !== undefined ? '==' : '>=', left: v(c.reg), right: num(c.needs ?? 0), pos: P }))
      .reduce((x, y) => ({ kind: 'binary', op: '&&', left: x, right: y, pos: P }));
    return [{ kind: 'if', cond, then: stmts, pos: P }];
  }
}

/** The strongest dependency from `first` to `second` (ctrl also counts when it passes through a guard). */
function dependency(t: Thread, first: Event, second: Event): 'addr' | 'data' | 'ctrl' | undefined {
  const direct = dependencyKinds(t, first, second);
  for (const k of ['addr', 'data', 'ctrl'] as const) if (direct.includes(k)) return k;
  const guarded = guardedBy(t, first.id, second);
  return guarded ? 'ctrl' : undefined;
}
