// Calls: a primitive the knowledge base knows becomes its effects; a callee whose body is in
// view is summarized from it (its events inlined, locations rewritten to the caller's
// arguments); anything else stays an opaque CALL event, shown as such.
import { parts, textOf, typeOf, type SyntaxNode } from '../c/parser';
import { effectsFor, lookup } from '../kb/index';
import type { Effect, KnowledgeBase, LocRef, Primitive, Profile } from '../kb/types';
import { assertedCalls, assertHeld } from './lock-asserts';
import { compact, oneLine, splitTaint } from './scope';
import type { Event, EventBody, Guard, Loc, Span, Thread, ViaFrame } from './types';
import type { Walker } from './walker';

export interface CallOptions {
  readonly kb: KnowledgeBase;
  readonly profile: Profile;
  /** The thread of a callee whose body is available, or undefined. */
  readonly summary: (name: string) => Thread | undefined;
}

const MAX_KB_DEPTH = 6;

export class CallContext {
  constructor(readonly opts: CallOptions) {}

  private prim(name: string, args: readonly SyntaxNode[]): Primitive | undefined {
    const { kb, profile } = this.opts;
    if ((name === 'dmb' || name === 'dsb') && args[0]) return lookup(kb, `${name}(${compact(args[0].text)})`, profile);
    return lookup(kb, name, profile);
  }

  call(w: Walker, node: SyntaxNode): Set<number> {
    const [fn, argList] = parts(node);
    const args = argList ? parts(argList) : [];
    const isName = fn !== undefined && typeOf(fn) === 'identifier';
    const name = fn ? (isName ? textOf(fn) : compact(textOf(fn))) : '?';
    const prim = isName ? this.prim(name, args) : undefined;
    if (prim) return this.primitive(w, { prim, args, node, via: [], depth: 0 });
    const out = new Set<number>();
    if (fn && typeOf(fn) !== 'identifier') w.eval(fn).forEach((x) => out.add(x));
    const argTaints = args.map((a) => w.eval(a));
    for (const t of argTaints) t.forEach((x) => out.add(x));
    const callee = isName ? this.opts.summary(name) : undefined;
    const argTexts = args.map((a) => oneLine(textOf(a), 60));
    if (!callee) {
      w.emit({ kind: 'CALL', callee: name, args: argTexts, resolution: 'opaque', tags: [] }, node);
      return out;
    }
    w.emit({ kind: 'CALL', callee: name, args: argTexts, resolution: 'body', tags: [] }, node);
    inline(w, { callee, args, node, argTaints }).forEach((x) => out.add(x));
    return out;
  }

  /** `ACCESS_ONCE(x) = v`: an lvalue macro on the left of an assignment is a marked write. */
  lvalueCall(w: Walker, left: SyntaxNode, value: Set<number>, valueNode: SyntaxNode): boolean {
    if (typeOf(left) !== 'call_expression') return false;
    const [fn, argList] = parts(left);
    if (!fn || typeOf(fn) !== 'identifier') return false;
    const prim = lookup(this.opts.kb, textOf(fn), this.opts.profile);
    const arg = argList ? parts(argList)[0] : undefined;
    if (!prim?.lvalue || !arg) return false;
    const place = w.place(arg);
    const annot = prim.effects[0]?.op === 'R' && prim.effects[0].annot === 'plain' ? 'plain' : 'once';
    const id = w.emit({ kind: 'W', loc: place.loc, annot, value: oneLine(textOf(valueNode), 60) }, left.parent ?? left, { prim: prim.name });
    w.addDeps('addr', place.addrTaint, id);
    w.addDeps('data', value, id);
    return true;
  }

  private primitive(
    w: Walker,
    c: { prim: Primitive; args: readonly SyntaxNode[]; node: SyntaxNode; via: readonly ViaFrame[]; depth: number },
  ): Set<number> {
    const { prim, args, node } = c;
    const effects = effectsFor(prim, this.opts.profile);
    const locArgs = new Set<number>();
    for (const e of effects) {
      if ('loc' in e && !e.loc.result) locArgs.add(argIndex(e.loc.arg, args.length));
      if (e.op === 'CALL') e.args.forEach((i) => locArgs.add(i));
    }
    // Location arguments contribute only their address computation; the others are values.
    const places = args.map((a, i) => (locArgs.has(i) ? argPlace(w, a) : undefined));
    const argTaint = args.map((a, i) => places[i]?.taint ?? w.eval(a));
    if (prim.unsupported) w.unsupported(`${prim.name} (${prim.unsupported})`, node);
    const isCall = (prim.kind === 'function' || prim.unsupported !== undefined) && c.depth === 0;
    if (prim.tags?.includes('transparent')) {
      if (prim.name === 'ASSERT' && args[0]) this.assertion(w, args[0], node);
      return union(argTaint);
    }
    if (isCall) {
      w.emit({
        kind: 'CALL', callee: prim.name, args: args.map((a) => oneLine(textOf(a), 60)), resolution: 'kb',
        tags: prim.tags ?? [], source: prim.source,
      }, node, { prim: prim.name });
    }
    const via: ViaFrame[] = prim.kind === 'function' ? [...c.via, { callee: prim.name, resolution: 'kb' }] : [...c.via];
    const out = new Set<number>();
    for (const e of effects) this.effect(w, { e, args, places, argTaint, node, prim, via, depth: c.depth }).forEach((x) => out.add(x));
    return out;
  }

  private effect(
    w: Walker,
    c: { e: Effect; args: readonly SyntaxNode[]; places: readonly (ArgPlace | undefined)[]; argTaint: readonly Set<number>[]; node: SyntaxNode; prim: Primitive; via: readonly ViaFrame[]; depth: number },
  ): Set<number> {
    const { e, args, argTaint, node, prim, via } = c;
    const extra = { prim: prim.name, via };
    const at = (ref: LocRef): { loc: Loc; addr: Set<number> } | undefined => {
      const ap = c.places[argIndex(ref.arg, c.places.length)];
      if (!ap) {
        w.problem('warning', `${prim.name}: expected an argument ${ref.arg + 1}`, node);
        return undefined;
      }
      return { loc: resolveLoc(ref, ap), addr: ap.taint };
    };
    const emit = (body: EventBody, addr: Set<number>, data?: Set<number>): number => {
      const id = w.emit(body, node, extra);
      w.addDeps('addr', addr, id);
      if (data) w.addDeps('data', data, id);
      return id;
    };
    switch (e.op) {
      case 'R': {
        const l = at(e.loc);
        const bit = e.bitArg !== undefined ? args[e.bitArg] : undefined;
        return l ? new Set([emit({ kind: 'R', loc: l.loc, annot: e.annot, ...(bit ? { bit: oneLine(bit.text, 60) } : {}) }, l.addr)]) : new Set();
      }
      case 'W': {
        const l = at(e.loc);
        if (!l) return new Set();
        const v = e.valueArg !== undefined ? args[e.valueArg] : undefined;
        emit({ kind: 'W', loc: l.loc, annot: e.annot, ...(v ? { value: oneLine(v.text, 60) } : {}) }, l.addr,
          e.valueArg !== undefined ? argTaint[e.valueArg] : undefined);
        return new Set();
      }
      case 'RMW': {
        const l = at(e.loc);
        if (!l) return new Set();
        const bit = e.bitArg !== undefined ? args[e.bitArg] : undefined;
        const v = e.valueArg !== undefined ? args[e.valueArg] : undefined;
        const id = emit({
          kind: 'RMW', loc: l.loc, annot: e.annot, rmw: e.rmw,
          ...(bit ? { bit: oneLine(bit.text, 60) } : {}), ...(v ? { value: oneLine(v.text, 60) } : {}),
          ...(e.failure ? { failure: e.failure } : {}),
        }, l.addr, e.valueArg !== undefined ? argTaint[e.valueArg] : undefined);
        return new Set([id]);
      }
      case 'F':
        emit({ kind: 'F', fence: e.fence }, new Set());
        return new Set();
      case 'LOCK':
      case 'UNLOCK': {
        // On the object the call returns: the assignment that names it takes it (walker.ts).
        if (e.loc.result && e.op === 'LOCK') {
          w.pendingOwner = { field: e.loc.field ?? '', mode: e.mode, node, prim: prim.name, via };
          return new Set();
        }
        const l = at(e.loc);
        if (l) emit({ kind: e.op, lock: lockLoc(l.loc, this.opts.kb), mode: e.mode }, l.addr);
        return new Set();
      }
      case 'HELD':
        // A test (spin_is_locked) states nothing by itself; the ASSERT() around it does.
        if (!prim.tags?.includes('predicate')) {
          const ap = c.places[e.loc.arg];
          assertHeld(w, { name: prim.name, arg: args[e.loc.arg], loc: ap && lockLoc(resolveLoc(e.loc, ap), this.opts.kb), mode: e.mode, spins: e.spins, call: node, assertion: node });
        }
        return new Set();
      case 'IRQ':
        emit({ kind: 'IRQ', state: e.state }, new Set());
        return new Set();
      case 'CALL': {
        const sub = lookup(this.opts.kb, e.name, this.opts.profile);
        if (!sub || c.depth >= MAX_KB_DEPTH) {
          w.problem('warning', `knowledge base: ${prim.name} refers to unknown ${e.name}`, node);
          return new Set();
        }
        const subArgs = e.args.map((i) => args[i]).filter((a): a is SyntaxNode => a !== undefined);
        return this.primitive(w, { prim: sub, args: subArgs, node, via, depth: c.depth + 1 });
      }
    }
  }

  /**
   * `ASSERT(v == current)` makes `v` the running vCPU for the rest of the function;
   * `ASSERT(spin_is_locked(&l))` says the caller holds `l` (see lock-asserts.ts).
   */
  private assertion(w: Walker, arg: SyntaxNode, node: SyntaxNode): void {
    w.emit({ kind: 'ASSERT', expr: oneLine(textOf(arg)) }, node);
    const m = /^\(?(\w+)==current\)?$|^\(?current==(\w+)\)?$/.exec(compact(textOf(arg)));
    const name = m?.[1] ?? m?.[2];
    const local = name ? w.env.scope.locals.get(name) : undefined;
    if (local) local.current = true;
    for (const call of assertedCalls(arg)) {
      const [fn, argList] = parts(call);
      if (!fn || typeOf(fn) !== 'identifier') continue;
      const args = argList ? parts(argList) : [];
      const prim = this.prim(textOf(fn), args);
      if (!prim?.tags?.includes('predicate')) continue;
      const effects = effectsFor(prim, this.opts.profile);
      // A lock test the tree defines in a way not read (concurrency/lock-predicates.ts).
      if (!effects.some((e) => e.op === 'HELD') && prim.note && !w.inBranch) w.unsupported(`${prim.name} (lock test ${prim.note}: not counted as held by the caller)`, call);
      for (const e of effects) {
        if (e.op !== 'HELD') continue;
        // The argument was evaluated with the ASSERT; here it is only named.
        const a = args[e.loc.arg];
        const loc = a ? lockLoc(resolveLoc(e.loc, argPlace(w, a, true)), this.opts.kb) : undefined;
        assertHeld(w, { name: prim.name, arg: a, loc, mode: e.mode, spins: e.spins, call, assertion: node });
      }
    }
  }
}

/** An argument position; a negative one counts from the last argument (-1 is the last). */
function argIndex(arg: number, count: number): number {
  return arg < 0 ? count + arg : arg;
}

/** A location argument, evaluated once: what it names and what its address depends on. */
interface ArgPlace {
  /** The argument was `&x`: it names x. */
  readonly isAddr: boolean;
  readonly loc: Loc;
  /** Index reads in the address, and a local pointer's value. */
  readonly taint: Set<number>;
}

function argPlace(w: Walker, arg: SyntaxNode, pure = false): ArgPlace {
  let a = arg;
  while (typeOf(a) === 'parenthesized_expression' || typeOf(a) === 'cast_expression') {
    const inner = typeOf(a) === 'parenthesized_expression' ? parts(a)[0] : parts(a).filter((k) => typeOf(k) !== 'type_descriptor').pop();
    if (!inner) break;
    a = inner;
  }
  const isAddr = typeOf(a) === 'pointer_expression' && textOf(a).trimStart().startsWith('&');
  const target = isAddr ? parts(a)[0] : undefined;
  const place = w.place(target ?? a, pure);
  const taint = new Set(place.addrTaint);
  if (!isAddr && place.local) w.env.scope.locals.get(place.local)?.taint.forEach((x) => taint.add(x));
  return { isAddr: target !== undefined, loc: place.loc, taint };
}

function union(sets: readonly Set<number>[]): Set<number> {
  const out = new Set<number>();
  for (const s of sets) s.forEach((x) => out.add(x));
  return out;
}

/** The location a knowledge-base LocRef names, given the evaluated argument. */
function resolveLoc(ref: LocRef, ap: ArgPlace): Loc {
  if (ref.field) return extendLoc(ap.loc, `${ap.isAddr ? '.' : '->'}${ref.field}`);
  if (ref.deref && !ap.isAddr) return { ...ap.loc, text: `*${ap.loc.text}`, key: `*${ap.loc.key}` };
  return ap.loc;
}

/**
 * A lock keyed by the struct it lives in: `struct vcpu->domain->arch.lock` is `struct
 * domain->arch.lock` where the knowledge base says a vcpu's `domain` points to a struct domain,
 * so the lock taken through `d` and the one asserted through `v->domain` are one lock.
 */
function lockLoc(loc: Loc, kb: KnowledgeBase): Loc {
  const pointers = kb.pointers;
  if (!pointers) return loc;
  let key = loc.key;
  // Each step drops one `->field` of the key: it ends.
  for (let m = /^(struct \w+->\w+)->/.exec(key); m && pointers.has(m[1]!); m = /^(struct \w+->\w+)->/.exec(key)) {
    key = `${pointers.get(m[1]!)!}${key.slice(m[1]!.length)}`;
  }
  return key === loc.key ? loc : { ...loc, key };
}

function extendLoc(base: Loc, part: string): Loc {
  return { ...base, text: base.text + part, key: base.key + part };
}

/**
 * Inlines a summarized callee: its events follow the CALL event, located at the call site,
 * with the callee's parameters rewritten to the caller's arguments. An access through a
 * parameter (`node->slots[i]` in `__lookup(node, ...)`) has its address from the argument, so
 * it depends on the reads the argument's value came from (`node = rcu_dereference(root->rnode)`):
 * the address dependency that orders the two loads on Arm and in LKMM, callee or not.
 * Likewise a branch on a parameter (`if (prod & 3) tb_init_done = 0;` in `bogus(prod, cons)`)
 * branches on the caller's reads: the control dependency that orders a read before a later
 * store (Arm's ctrl into a write, LKMM's to-w).
 */
function inline(w: Walker, c: { callee: Thread; args: readonly SyntaxNode[]; node: SyntaxNode; argTaints: readonly Set<number>[] }): Set<number> {
  const { callee, args, node, argTaints } = c;
  const paramIndex = new Map(callee.params.map((p, i) => [p.name, i]));
  // Every event of the callee rooted at a parameter needs that argument's place: computed once per call.
  const argMemo: ArgMemo = new Map();
  // The caller's id of each callee event, by the callee's id (an index into its events).
  const idMap: Array<number | undefined> = [];
  const condMap = new Map<number, number>();
  for (const cond of callee.conds) {
    const id = w.conds.length;
    condMap.set(cond.id, id);
    const { bitTest: _b, zeroTest: _z, ...rest } = cond;
    w.conds.push({ ...rest, id, reads: [] });
  }
  const outerGuards = w.currentGuards();
  // The callee's held-lock keys repeat event after event: each is rewritten once per call.
  const heldKeys = new Map<string, string>();
  const heldKey = (k: string): string => {
    let r = heldKeys.get(k);
    if (r === undefined) heldKeys.set(k, (r = rewriteKey(k, w, callee, args, argMemo)));
    return r;
  };
  const sub = (loc: Loc): Loc => substitute(w, loc, callee, args, argMemo);
  // What an event ran under is one array shared by many events (walker.ts), and so is what it
  // becomes here: the caller's guards, then the callee's own conditions as mapped here; the
  // frames it was reached through, this call first; the locks held at the call, then the
  // callee's (rewritten), each once. Each is made once per distinct input, not per event.
  const guardsFor = new Map<readonly Guard[], Guard[]>();
  // One guard object per mapped condition and way, shared by every array that has it (guards
  // are compared by content): a callee's guard is in as many arrays as the branches under it.
  const mappedGuard = new Map<Guard, Guard>();
  const guardsOf = (own: readonly Guard[]): Guard[] => {
    let out = guardsFor.get(own);
    if (!out) {
      out = [...outerGuards];
      for (const g of own) {
        let mapped = mappedGuard.get(g);
        if (!mapped) {
          const cond = condMap.get(g.cond);
          if (cond === undefined) continue;
          mappedGuard.set(g, (mapped = { cond, value: g.value }));
        }
        out.push(mapped);
      }
      guardsFor.set(own, out);
    }
    return out;
  };
  const viaFor = new Map<Span, Map<readonly ViaFrame[] | undefined, readonly ViaFrame[]>>();
  const viaOf = (e: Event): readonly ViaFrame[] => {
    let byTail = viaFor.get(e.span);
    if (!byTail) viaFor.set(e.span, (byTail = new Map()));
    let via = byTail.get(e.via);
    if (!via) {
      const frame: ViaFrame = { callee: callee.name, resolution: 'body', calleeSpan: e.span, ...(callee.file ? { file: callee.file } : {}) };
      byTail.set(e.via, (via = [frame, ...(e.via ?? [])]));
    }
    return via;
  };
  let ownHeld: readonly string[] = [];
  let lastHeld: { now: readonly string[]; own: readonly string[]; held: string[] } | undefined;
  const held = (now: readonly string[]): string[] => {
    if (lastHeld?.now !== now || lastHeld.own !== ownHeld) {
      lastHeld = { now, own: ownHeld, held: [...new Set(ownHeld.length === 0 ? now : [...now, ...ownHeld.map(heldKey)])] };
    }
    return lastHeld.held;
  };
  for (const e of callee.events) {
    if (e.kind === 'EXIT') continue;
    ownHeld = e.held;
    const id = w.emit(inlinedBody(e, sub), node, { prim: e.prim, via: viaOf(e), guards: guardsOf(e.guards), held, irqsOff: e.irqsOff });
    idMap[e.id] = id;
    const through = 'loc' in e ? paramIndex.get(e.loc.root) : undefined;
    if (through !== undefined && argTaints[through]) w.addDeps('addr', argTaints[through]!, id);
  }
  // A parameter stands for the argument: the reads (and the caller's own parameters) its value came from.
  const inCaller = (taint: { reads: readonly number[]; params?: readonly number[] }): Set<number> => new Set([
    ...taint.reads.flatMap((r) => (idMap[r] !== undefined ? [idMap[r]!] : [])),
    ...(taint.params ?? []).flatMap((i) => [...(argTaints[i] ?? [])]),
  ]);
  for (const cond of callee.conds) {
    const mapped = w.conds[condMap.get(cond.id)!]!;
    // A condition on a parameter is a condition on the argument: what the callee does under it
    // is control-dependent on the reads the caller's value came from.
    const { reads, params } = splitTaint(inCaller(cond));
    const { params: _p, ...rest } = mapped;
    // A bit test of the callee's own read tests the read inlined here; one of a parameter's
    // value is not a read in view.
    const bitRead = cond.bitTest && idMap[cond.bitTest.read];
    const bitTest = cond.bitTest && bitRead !== undefined ? { ...cond.bitTest, read: bitRead } : undefined;
    const zeroRead = cond.zeroTest && idMap[cond.zeroTest.read];
    const zeroTest = cond.zeroTest && zeroRead !== undefined ? { ...cond.zeroTest, read: zeroRead } : undefined;
    w.conds[mapped.id] = { ...rest, reads, ...(params.length > 0 ? { params } : {}), ...(bitTest ? { bitTest } : {}), ...(zeroTest ? { zeroTest } : {}) };
  }
  for (const d of callee.valueDeps) {
    const from = idMap[d.from];
    const to = idMap[d.to];
    if (from !== undefined && to !== undefined) w.valueDeps.push({ kind: d.kind, from, to });
  }
  return callee.returns ? inCaller(callee.returns) : new Set();
}

/**
 * What an event says apart from where and under what it ran, its location (or lock) rewritten
 * by `f`: one object, with the event's own keys in their order (as an object spread with the
 * location replaced, then a rest without the common keys, would give, at a fraction of the cost).
 */
function inlinedBody(e: Event, f: (loc: Loc) => Loc): EventBody {
  const from = e as unknown as Record<string, unknown>;
  const body: Record<string, unknown> = {};
  const at = 'loc' in e ? 'loc' : 'lock' in e ? 'lock' : undefined;
  for (const k in from) {
    if (COMMON_KEYS.has(k)) continue;
    body[k] = k === at ? f(from[k] as Loc) : from[k];
  }
  return body as unknown as EventBody;
}

/** The keys every event has whatever its kind (where and under what it ran): set anew by emit(). */
const COMMON_KEYS = new Set(['id', 'span', 'stmt', 'srcLine', 'text', 'guards', 'held', 'irqsOff', 'prim', 'via']);

function rewriteKey(key: string, w: Walker, callee: Thread, args: readonly SyntaxNode[], memo: ArgMemo): string {
  // Keys are rooted at types when known, which survive the call unchanged; only keys rooted at
  // a parameter's name need rewriting.
  const p = callee.params.find((q) => key === q.name || key.startsWith(q.name + '-') || key.startsWith(q.name + '.'));
  if (!p) return key;
  return substitute(w, { text: key, key, root: p.name }, callee, args, memo).key;
}

/** What a call's argument is, per parameter index: the same for every event of the callee. */
type ArgMemo = Map<number, { isAddr: boolean; argPlace: Loc; onStack: boolean; rooted: RegExp }>;

/** Rewrites a callee location rooted at its parameter i to the caller's argument i. */
function substitute(w: Walker, loc: Loc, callee: Thread, args: readonly SyntaxNode[], memo: ArgMemo = new Map()): Loc {
  const i = callee.params.findIndex((p) => p.name === loc.root);
  const arg = i >= 0 ? args[i] : undefined;
  if (!arg) return loc;
  let m = memo.get(i);
  if (!m) {
    const isAddr = compact(textOf(arg)).startsWith('&');
    const argPlace = w.place(isAddr ? (arg.childForFieldName('argument') ?? arg) : arg, true).loc;
    // `f(&x)` with x a variable on the caller's stack: what f reads and writes through that
    // pointer (an out-parameter such as `*status`) is this CPU's own memory, never shared.
    const onStack = isAddr && typeOf(arg.childForFieldName('argument') ?? arg) === 'identifier' && w.env.scope.locals.has(argPlace.root);
    // `*p` with p = &x is x; `p->f` with p = &x is x.f; otherwise the argument replaces the root.
    const rooted = new RegExp(`^\\**${loc.root.replace(/[^\w]/g, '\\$&')}(?!\\w)`);
    m = { isAddr, argPlace, onStack, rooted };
    memo.set(i, m);
  }
  const { isAddr, argPlace, onStack, rooted } = m;
  const rebase = (path: string, base: string): string => {
    if (!rooted.test(path)) return path;
    const at = path.indexOf(loc.root);
    const stars = path.slice(0, at);
    // A parameter-scoped key (`status@f`, walker.ts derefKey) is the caller's argument here.
    const rest = path.slice(at + loc.root.length).replace(/^@\w+/, '');
    if (isAddr && stars.startsWith('*')) return stars.slice(1) + base + rest;
    if (isAddr) return stars + base + rest.replace(/^->/, '.');
    return stars + base + rest;
  };
  const text = rebase(loc.text, argPlace.text);
  const key = rebase(loc.key, argPlace.key);
  return {
    text, key, root: argPlace.root,
    ...(argPlace.rootType ?? loc.rootType ? { rootType: argPlace.rootType ?? loc.rootType } : {}),
    ...(argPlace.cpuLocal || loc.cpuLocal || onStack ? { cpuLocal: true } : {}),
  };
}

