// From extracted C to the extended litmus form: a function that enters the guest (or blocks)
// and a function that publishes work for it and kicks or wakes it become P0 and P1 of one
// test, with a lost_wakeup clause over the work the waker publishes. Each statement keeps the
// line:col of its C event, so witnesses and fixes point at the code.
import type { Expr, LitmusTest, Pos, Prop, Stmt, ThreadDef } from '../litmus/ast';
import type { Cond, Event, Thread } from '../extract/types';
import type { FenceKind, RmwAnnot } from '../kb/types';
import { BLOCK_BITS, BLOCK_CALLS, callIn, GUEST_ENTRY, GUEST_EXIT, IPI_SENDERS, KICK_CMPXCHG, NAMED_VALUES } from '../kb/hv-events';
import { litmusName } from '../checks/litmus-build';

/** One statement of a translated thread, with the C event it came from and its guards. */
export interface Item {
  readonly event: Event;
  readonly stmts: readonly Stmt[];
  /** The register holding the event's value, for reads and value-returning RMWs. */
  readonly reg?: string;
  readonly role?: 'guest-entry' | 'block' | 'irq-off' | 'write' | 'read';
  /** The litmus location it accesses. */
  readonly loc?: string;
}

export interface SideIr {
  readonly thread: Thread;
  readonly items: readonly Item[];
  readonly regs: ReadonlyMap<number, string>;
  /** Locations (litmus names) this side writes a nonzero value to, and reads. */
  readonly sets: ReadonlySet<string>;
  readonly reads: ReadonlySet<string>;
  readonly blockLoc?: string;
  readonly enters: boolean;
  /** Every location it writes (any value), and whether it sends an IPI: what a waker needs. */
  readonly writes: ReadonlySet<string>;
  readonly sends: boolean;
}

export type Translation = { readonly value: SideIr } | { readonly unsupported: string; readonly pos: Pos };

const FENCE_CALL: Partial<Record<FenceKind, string>> = {
  mb: 'smp_mb', rmb: 'smp_rmb', wmb: 'smp_wmb', barrier: 'barrier',
  'before-atomic': 'smp_mb__before_atomic', 'after-atomic': 'smp_mb__after_atomic',
  'after-spinlock': 'smp_mb__after_spinlock', 'after-unlock-lock': 'smp_mb__after_unlock_lock',
  // The simulator has no srcu_read_unlock here; the pair amounts to a full barrier (lkmm-facts §3).
  'after-srcu-read-unlock': 'smp_mb',
};

const SUFFIX: Record<RmwAnnot, string> = { mb: '', relaxed: '_relaxed', acquire: '_acquire', release: '_release', noreturn: '' };

/** Shared location names by type-rooted key, common to both sides of a test. */
export class LocNames {
  private readonly byKey = new Map<string, string>();
  private readonly texts = new Map<string, string>();
  of(key: string, text: string): string {
    let n = this.byKey.get(key);
    if (n) return n;
    const base = litmusName(text);
    n = base;
    for (let i = 2; [...this.byKey.values()].includes(n); i++) n = `${base}_${i}`;
    this.byKey.set(key, n);
    this.texts.set(n, text);
    return n;
  }
  /** A copy to extend with another side's locations. */
  clone(): LocNames {
    const c = new LocNames();
    for (const [k, v] of this.byKey) c.byKey.set(k, v);
    for (const [k, v] of this.texts) c.texts.set(k, v);
    return c;
  }
  /** The C access path a litmus name stands for. */
  textOf(name: string): string {
    return this.texts.get(name) ?? name;
  }
  all(): string[] {
    return [...this.byKey.values()];
  }
}

/** Translates one function; `self` and `peer` are the thread numbers it and its partner get. */
export function translate(args: { thread: Thread; names: LocNames; self: number; peer: number }): Translation {
  const { thread, names, peer } = args;
  const items: Item[] = [];
  const regs = new Map<number, string>();
  const sets = new Set<string>();
  const reads = new Set<string>();
  const writes = new Set<string>();
  let blockLoc: string | undefined;
  let enters = false;
  const blockBits = new Map<string, string>();
  const P = (e: Event): Pos => ({ line: e.span.line, col: e.span.col });
  const fail = (what: string, e: Event): Translation => ({ unsupported: what, pos: P(e) });
  const pendingKicks: Array<{ call: Event; cmpReg?: string }> = [];
  // A kick's IPI follows the last event its helper produced (events `via` it, at its span).
  const flushKicks = (): void => {
    for (const k of pendingKicks.splice(0)) {
      const pos = P(k.call);
      const send: Stmt = exprStmt(call('send_ipi', pos, v(`P${peer}`, pos)), pos);
      const stmt: Stmt = k.cmpReg ? { kind: 'if', cond: bin('==', v(k.cmpReg, pos), num(1, pos), pos), then: [send], pos } : send;
      items.push({ event: k.call, stmts: [stmt] });
    }
  };

  // The judged pass ends at guest entry: what follows the guest-run call on its path runs after
  // the guest exited (the next pass of the run loop).
  let entryGuards: Event['guards'] | undefined;
  const onEntryPath = (e: Event): boolean => !!entryGuards && entryGuards.every((g, k) => e.guards[k]?.cond === g.cond && e.guards[k]?.value === g.value);
  let blockGuards: Event['guards'] | undefined;
  const extends_ = (outer: Event['guards'], e: Event): boolean => outer.every((g, k) => e.guards[k]?.cond === g.cond && e.guards[k]?.value === g.value);
  events: for (const e of thread.events) {
    const pos = P(e);
    if (onEntryPath(e)) continue;
    // A return on the sleeping path ends the judged pass; code after it is reached only by
    // other paths (goto labels) that do not sleep.
    if (e.kind === 'EXIT' && e.how === 'return' && blockGuards && extends_(blockGuards, e)) break events;
    if (pendingKicks.length && !(e.via?.length && e.span.line === pendingKicks[0]!.call.span.line && e.span.col === pendingKicks[0]!.call.span.col)) flushKicks();
    switch (e.kind) {
      case 'R': {
        const loc = names.of(e.loc.key, e.loc.text);
        const reg = `r${e.id}`;
        regs.set(e.id, reg);
        reads.add(loc);
        // Plain accesses are judged as single loads and stores (what the hardware models assume):
        // the question here is the protocol's ordering; a data race on them is another check's.
        const value = e.annot === 'acquire' ? call('smp_load_acquire', pos, v(loc, pos)) : call('READ_ONCE', pos, deref(loc, pos));
        items.push({ event: e, reg, loc, role: 'read', stmts: [assign(reg, value, pos)] });
        break;
      }
      case 'W': {
        const loc = names.of(e.loc.key, e.loc.text);
        // A value that is not a constant stands for "some nonzero value": the question is
        // whether the write is seen, not which value it carries.
        const val = valueOf(e.value) ?? 1;
        if (val !== 0) sets.add(loc);
        const stmt = e.annot === 'release' ? exprStmt(call('smp_store_release', pos, v(loc, pos), num(val, pos)), pos)
          : exprStmt(call('WRITE_ONCE', pos, deref(loc, pos), num(val, pos)), pos);
        items.push({ event: e, loc, role: 'write', stmts: [stmt] });
        break;
      }
      case 'RMW': {
        const loc = names.of(e.loc.key, e.loc.text);
        const reg = `r${e.id}`;
        const suffix = SUFFIX[e.annot];
        const helper = e.via?.[e.via.length - 1]?.callee;
        let value: Expr;
        if (e.rmw === 'set-bit' || e.rmw === 'clear-bit') {
          const op = e.rmw === 'set-bit' ? 'or' : 'andnot';
          if (e.rmw === 'set-bit') sets.add(loc);
          if (e.rmw === 'set-bit' && e.bit && BLOCK_BITS.test(e.bit)) blockBits.set(loc, e.bit);
          value = e.annot === 'noreturn' ? call(`atomic_${op}`, pos, num(1, pos), v(loc, pos)) : call(`atomic_fetch_${op}${suffix}`, pos, num(1, pos), v(loc, pos));
        } else if (e.rmw === 'cmpxchg' && helper && KICK_CMPXCHG[helper]) {
          const k = KICK_CMPXCHG[helper]!;
          sets.add(loc);
          value = call(`cmpxchg${suffix}`, pos, v(loc, pos), num(k.old, pos), num(k.new, pos));
          const kick = pendingKicks.find((p) => p.call.span.line === e.span.line && p.call.span.col === e.span.col);
          if (kick) kick.cmpReg = reg;
        } else if (e.rmw === 'xchg') {
          const val = valueOf(e.value);
          if (val === undefined) return fail(`xchg value \`${e.value ?? '?'}\``, e);
          if (val !== 0) sets.add(loc);
          value = call(`xchg${suffix}`, pos, v(loc, pos), num(val, pos));
        } else {
          return fail(`${e.rmw} on ${e.loc.text}`, e);
        }
        regs.set(e.id, reg);
        reads.add(loc);
        items.push({ event: e, reg, loc, role: 'write', stmts: [e.annot === 'noreturn' ? exprStmt(value, pos) : assign(reg, value, pos)] });
        break;
      }
      case 'F': {
        const name = FENCE_CALL[e.fence];
        if (name) items.push({ event: e, stmts: [exprStmt(call(name, pos), pos)] });
        break;
      }
      case 'IRQ':
        items.push({ event: e, role: e.state === 'off' ? 'irq-off' : undefined, stmts: [exprStmt(call(e.state === 'off' ? 'local_irq_disable' : 'local_irq_enable', pos), pos)] });
        break;
      case 'CALL': {
        const name = e.callee;
        // An IPI inside a helper (Xen's vcpu_kick() raising VCPU_KICK_SOFTIRQ) is still an IPI.
        if (e.via?.length && !IPI_SENDERS.some((s) => s.name === name)) break;
        if (GUEST_ENTRY.includes(name)) { enters = true; entryGuards = e.guards; items.push({ event: e, role: 'guest-entry', stmts: [exprStmt(call('guest_enter', pos), pos)] }); break; }
        if (GUEST_EXIT.includes(name)) { items.push({ event: e, stmts: [exprStmt(call('guest_exit', pos), pos)] }); break; }
        if (IPI_SENDERS.some((s) => s.name === name)) { items.push({ event: e, stmts: [exprStmt(call('send_ipi', pos, v(`P${peer}`, pos)), pos)] }); break; }
        if (callIn(BLOCK_CALLS, name, e.args) && blockBits.size) {
          blockLoc = [...blockBits.keys()][0]!;
          blockGuards = e.guards;
          items.push({ event: e, role: 'block', stmts: [exprStmt(call('block', pos, v(blockLoc, pos)), pos)] });
          break;
        }
        if (e.tags.includes('kick')) pendingKicks.push({ call: e });
        break;
      }
      default:
        break;
    }
  }
  flushKicks();
  for (const i of items) if (i.role === 'write' && i.loc) writes.add(i.loc);
  const sends = items.some((i) => i.stmts.some(sendsIpi));
  return { value: { thread, items, regs, sets, reads, blockLoc, enters, writes, sends } };
}

function sendsIpi(s: Stmt): boolean {
  if (s.kind === 'if') return s.then.some(sendsIpi) || (s.else ?? []).some(sendsIpi);
  return s.kind === 'expr' && s.expr.kind === 'call' && s.expr.name === 'send_ipi';
}

function kindOf(t: Thread, cond: number): Cond['kind'] | undefined {
  return t.conds.find((c) => c.id === cond)?.kind;
}

function valueOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (/^-?\d+$/.test(t)) return Number(t);
  if (/^0x[0-9a-f]+$/i.test(t)) return parseInt(t, 16);
  return NAMED_VALUES[t];
}

/**
 * The litmus condition for a C condition: `||` and `&&` of leaves `[!] X [==|!= VALUE]`, each
 * leaf over the one access whose text it contains.
 */
export function condExpr(c: Cond, regs: ReadonlyMap<number, string>, events: readonly Event[]): Expr | { unsupported: string } {
  const pos = { line: c.span.line, col: c.span.col };
  const reads = c.reads.filter((r) => regs.has(r)).map((r) => events[r]!);
  const used = new Set<number>();
  const squash = (s: string): string => s.replace(/\s+/g, '');
  const leaf = (text: string): Expr | { unsupported: string } => {
    // The leaf's access: the first read (in program order) not taken by an earlier leaf.
    // Events inlined from a callee carry the call site's text: then the next read in order.
    const mine = reads.find((e) => !used.has(e.id) && squash(text).includes(squash(e.text)))
      ?? reads.find((e) => !used.has(e.id) && e.via?.length);
    if (!mine) return { unsupported: `condition \`${c.text}\` (no shared read in \`${text}\`)` };
    used.add(mine.id);
    // With the access's own text taken out, what is left must be `!`, or a comparison with a name or a number.
    const rest = squash(text).replace(squash(mine.text), '#');
    if (rest.includes('#') && !/^\(*!?\(*#\)*((==|!=|<=|>=|<|>)-?\w+)?\)*$/.test(rest)) return { unsupported: `condition \`${text}\`` };
    const reg = v(regs.get(mine.id)!, pos);
    const negated = /^!/.test(text);
    const cmp = /(==|!=|<=|>=|<|>)\s*([A-Za-z_][A-Za-z_0-9]*|-?\d+)\s*$/.exec(text);
    if (cmp) {
      // A name that is not a known constant (a local, a parameter) stands for "some nonzero
      // value", as a stored non-constant does.
      const value = valueOf(cmp[2]) ?? (/^[a-z_]\w*$/.test(cmp[2]!) && !/^[A-Z_0-9]+$/.test(cmp[2]!) ? 1 : undefined);
      if (value === undefined) return { unsupported: `comparison with \`${cmp[2]}\` in \`${c.text}\`` };
      return bin(cmp[1] as CmpOp, reg, num(value, pos), pos);
    }
    return negated ? { kind: 'unary', op: '!', arg: reg, pos } : reg;
  };
  const walk = (text: string): Expr | { unsupported: string } => {
    text = stripParens(text);
    for (const op of ['||', '&&'] as const) {
      const parts = splitTop(text, op);
      if (parts.length < 2) continue;
      let acc: Expr | undefined;
      for (const part of parts) {
        const e = walk(part);
        if ('unsupported' in e) return e;
        acc = acc ? { kind: 'binary', op, left: acc, right: e, pos } : e;
      }
      return acc!;
    }
    return leaf(text);
  };
  return walk(c.text);
}

function stripParens(text: string): string {
  let t = text.trim();
  while (/^\(.*\)$/s.test(t) && balanced(t.slice(1, -1))) t = t.slice(1, -1).trim();
  return t;
}

/** Splits at `op` outside parentheses. */
function splitTop(text: string, op: '||' | '&&'): string[] {
  const out: string[] = [];
  let depth = 0;
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && text.startsWith(op, i)) { out.push(text.slice(last, i)); last = i + 2; i++; }
  }
  out.push(text.slice(last));
  return out.map((s) => s.trim());
}

function balanced(s: string): boolean {
  let d = 0;
  for (const ch of s) { if (ch === '(') d++; else if (ch === ')' && --d < 0) return false; }
  return d === 0;
}

/** Nests a side's items under their guards (loops taken once, as one pass of the run loop). */
export function buildBody(side: SideIr, peer: SideIr): { body: Stmt[] } | { unsupported: string; pos: Pos } {
  const t = side.thread;
  const peerSets = peer.sets;
  const locOf = new Map(side.items.filter((i) => i.loc !== undefined).map((i) => [i.event.id, i.loc!]));
  // The event the path of interest leads to: the guest entry or sleep, else the last write the
  // other side reads (the waker publishing work or waking).
  const stuck = side.items.find((i) => i.role === 'guest-entry' || i.role === 'block')?.event
    ?? [...side.items].reverse().find((i) => i.role === 'write' && i.loc !== undefined && peer.reads.has(i.loc))?.event;
  const root: Stmt[] = [];
  const stack: Array<{ key: string; body: Stmt[] }> = [];
  const opened = new Map<Stmt, string>();
  for (const it of side.items) {
    const guards = it.event.guards.filter((g) => kindOf(t, g.cond) !== 'loop');
    const keys = guards.map((g) => `${g.cond}:${g.value}`);
    let k = 0;
    while (k < stack.length && k < keys.length && stack[k]!.key === keys[k]) k++;
    stack.length = k;
    for (; k < guards.length; k++) {
      const g = guards[k]!;
      const cond = t.conds.find((c) => c.id === g.cond)!;
      const pos = { line: cond.span.line, col: cond.span.col };
      // A condition on nothing the other side writes (arguments, guest memory) cannot change
      // with the interleaving: on the path to the guest entry or sleep it takes that path's value.
      const shared = cond.reads.some((r) => peerSets.has(locOf.get(r) ?? ''));
      const onPath = stuck?.guards.find((x) => x.cond === g.cond);
      const parent = stack.length ? stack[stack.length - 1]!.body : root;
      if (!shared && onPath) {
        // Taken as on the path: its branch is inlined, the other one dropped.
        stack.push({ key: keys[k]!, body: g.value === onPath.value ? parent : [] });
        continue;
      }
      if (cond.kind === 'switch' || cond.kind === 'ternary') return { unsupported: `a ${cond.kind} on shared state (\`${cond.text}\`)`, pos };
      const c = condExpr(cond, side.regs, t.events);
      if ('unsupported' in c) return { unsupported: c.unsupported, pos };
      const body: Stmt[] = [];
      // `if (c) {...}` just closed and the path goes on under !c (an early return): its else.
      const last = parent[parent.length - 1];
      const lastKey = last && opened.get(last);
      if (last?.kind === 'if' && !last.else && lastKey === `${g.cond}:${!g.value}`) {
        const withElse: Stmt = { ...last, else: body };
        parent[parent.length - 1] = withElse;
        opened.set(withElse, keys[k]!);
      } else {
        const stmt: Stmt = { kind: 'if', cond: c, then: body, pos };
        const shown: Stmt = g.value ? stmt : { ...stmt, cond: { kind: 'unary', op: '!', arg: c, pos } };
        parent.push(shown);
        opened.set(shown, keys[k]!);
      }
      stack.push({ key: keys[k]!, body });
    }
    (stack.length ? stack[stack.length - 1]!.body : root).push(...it.stmts);
  }
  return { body: root };
}

/** The test for a sleeper/vCPU side and a waker side; undefined when they share no work. */
export function pairTest(args: { target: SideIr; waker: SideIr; names: LocNames; name: string }): { value?: LitmusTest; work: string[]; unsupported?: { what: string; pos: Pos; thread: Thread } } {
  const { target, waker } = args;
  const work = [...waker.sets].filter((l) => target.reads.has(l) && !target.sets.has(l)).sort();
  if (work.length === 0) return { work };
  const threads: ThreadDef[] = [];
  for (const [id, side] of [target, waker].entries()) {
    const b = buildBody(side, id === 0 ? waker : target);
    if ('unsupported' in b) return { work, unsupported: { what: b.unsupported, pos: b.pos, thread: side.thread } };
    const regs = [...side.regs.values()].map((r): Stmt => ({ kind: 'decl', name: r, type: 'int', pos: side.thread.span }));
    threads.push({
      id, params: args.names.all().map((n) => ({ name: n, type: 'int *' })), body: [...regs, ...b.body],
      pos: { line: side.thread.span.line, col: side.thread.span.col }, origin: side.thread.name,
    });
  }
  const pos = { line: target.thread.span.line, col: target.thread.span.col };
  const workProp = work.map((l): Prop => ({ kind: 'eq', lhs: { kind: 'loc', name: l }, value: 1, pos }))
    .reduce((a, b) => ({ kind: 'or', left: a, right: b }));
  return {
    work,
    value: {
      name: args.name, init: [], threads, locations: [], condition: { quantifier: 'exists', prop: workProp, pos },
      wakeup: { target: 0, work: workProp, pos },
    },
  };
}

const v = (name: string, pos: Pos): Expr => ({ kind: 'var', name, pos });
const num = (value: number, pos: Pos): Expr => ({ kind: 'num', value, pos });
const deref = (name: string, pos: Pos): Expr => ({ kind: 'deref', ptr: v(name, pos), pos });
const call = (name: string, pos: Pos, ...args: Expr[]): Expr => ({ kind: 'call', name, args, pos });
type CmpOp = '==' | '!=' | '<=' | '>=' | '<' | '>';
const bin = (op: CmpOp, left: Expr, right: Expr, pos: Pos): Expr => ({ kind: 'binary', op, left, right, pos });
const exprStmt = (expr: Expr, pos: Pos): Stmt => ({ kind: 'expr', expr, pos });
const assign = (reg: string, value: Expr, pos: Pos): Stmt => ({ kind: 'assign', target: v(reg, pos), value, pos });
