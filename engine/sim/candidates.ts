// Candidate executions of a litmus test, in the spirit of herd7: one trace per thread, then
// for every location a coherence order (co) and a reads-from choice (rf). Coherence and RMW
// atomicity are per-location properties, so they are enforced while enumerating each location:
// a candidate that violates them is never built.
import type { LitmusTest, Value } from '../litmus/ast';
import type { SimEvent } from './events';
import { sameValue, valueKey } from './events';
import { enumerateTraces, type Domain } from './interp';
import type { Trace, UnsupportedConstruct } from './trace';

export interface Budget {
  /** Stop after this many candidate executions. */
  readonly maxExecutions: number;
  /**
   * Stop after this many enumeration steps (trace branches, coherence and reads-from choices,
   * trace combinations). Work, not time: the same test gets the same verdict on any machine.
   */
  readonly maxSteps: number;
  /**
   * Stop after this much wall time, when a caller asks for it (the litmus command's
   * `--budget-ms`, an editor bounding latency). Unset by default: a wall-clock budget makes the
   * verdict depend on the machine and its load, so the checks never set it.
   */
  readonly maxMillis?: number;
}

export const DEFAULT_BUDGET: Budget = { maxExecutions: 200_000, maxSteps: 4_000_000 };

/** Thrown from deep inside the enumeration when the budget is spent. */
export class BudgetExceeded extends Error {
  constructor(readonly reason: string) { super(reason); }
}

/**
 * The budget, checked where the enumeration can spin without producing a candidate (a location
 * with many writes has factorially many coherence orders, almost all rejected). Every check is
 * one step; the step count is the deterministic measure of the work a simulation did. A
 * wall-clock limit, when one is given, is read once every 1024 checks.
 */
export class Deadline {
  private n = 0;

  constructor(private readonly a: { started: number; maxSteps: number; maxMillis?: number }, readonly maxOrders = Infinity) {}

  /** Steps taken so far. */
  get steps(): number { return this.n; }

  check(): void {
    if (++this.n > this.a.maxSteps) throw new BudgetExceeded(`more than ${this.a.maxSteps} enumeration steps`);
    if (this.a.maxMillis !== undefined && (this.n & 1023) === 0 && Date.now() - this.a.started > this.a.maxMillis) throw new BudgetExceeded(`over ${this.a.maxMillis} ms`);
  }
}

/**
 * How many coherence orders a location's writes have: the interleavings of each thread's
 * (`perThread`: each thread's write count, in thread order; a thread without any adds nothing).
 */
function orderCount(perThread: readonly number[]): number {
  // Multinomial coefficient, built up thread by thread: C(n1+n2, n2) * C(n1+n2+n3, n3) ...
  let total = 1;
  let placed = 0;
  for (const k of perThread) {
    for (let i = 1; i <= k; i++) total = (total * (placed + i)) / i;
    placed += k;
  }
  return total;
}

/** A location's writes per thread (the init write aside), in the order the threads' writes first appear. */
function writesPerThread(combo: TraceCombination, loc: string): number[] {
  const perThread = new Map<number, number>();
  for (const e of combo.events) if (e.loc === loc && e.kind === 'W' && e.thread >= 0) perThread.set(e.thread, (perThread.get(e.thread) ?? 0) + 1);
  return [...perThread.values()];
}

/** A choice of one trace per thread, with its events laid out (init writes first). */
export interface TraceCombination {
  readonly traces: readonly Trace[];
  readonly events: readonly SimEvent[];
  /** For each event: the ids of the events its addr/data/ctrl deps come from. */
  readonly deps: ReadonlyArray<{ readonly addr: readonly number[]; readonly data: readonly number[]; readonly ctrl: readonly number[] }>;
  /** rmw pairs (read id, write id). */
  readonly rmw: ReadonlyArray<readonly [number, number]>;
  /** Writes that store a read's value unchanged: write id → read id. */
  readonly copies: ReadonlyMap<number, number>;
  /** Reads some thread's control flow was decided on. */
  readonly decided: ReadonlySet<number>;
  readonly locations: readonly string[];
  /**
   * What candidatesOf reads per location, from the parts the combination was laid out from
   * (see LocationPart): the init write's, then each trace's in order.
   */
  readonly parts?: ReadonlyArray<ReadonlyMap<string, LocationPart>>;
}

/**
 * One part's accesses to one location (kind F aside), as candidatesOf reads them: their memo
 * key text (the same text whichever combination they are part of) and how many are writes.
 */
export interface LocationPart {
  readonly key: string;
  readonly writes: number;
}

export interface Candidate {
  readonly combo: TraceCombination;
  /** For each read id, the id of the write it reads from. */
  readonly rf: ReadonlyMap<number, number>;
  /** Per location, write ids in coherence order (the init write first). */
  readonly co: ReadonlyMap<string, readonly number[]>;
}

export type Enumeration =
  | { readonly kind: 'unsupported'; readonly unsupported: UnsupportedConstruct }
  | { readonly kind: 'ok'; readonly combos: Iterable<TraceCombination>; readonly initValues: ReadonlyMap<string, Value> };

/** Locations of the test and their initial values (0 unless the init block says otherwise). */
export function initialState(test: LitmusTest): { values: Map<string, Value>; regs: Map<number, Map<string, Value>> } {
  const values = new Map<string, Value>();
  const regs = new Map<number, Map<string, Value>>();
  for (const t of test.threads) {
    regs.set(t.id, new Map());
    for (const p of t.params) if (p.type.includes('*') || /spinlock|srcu/.test(p.type)) values.set(p.name, 0);
  }
  for (const e of test.init) {
    if (e.target.kind === 'reg') regs.get(e.target.thread)?.set(e.target.name, e.value);
    else values.set(e.target.name, e.value);
  }
  for (const e of test.init) if (typeof e.value !== 'number' && !values.has(e.value.addr)) values.set(e.value.addr, 0);
  return { values, regs };
}

/**
 * Computes each thread's traces over a value domain grown to a fixpoint: a read may return
 * the initial value or any value some thread can write to that location. A value that needs
 * k writes to be computed (x+1+1...) appears in round k, and no execution chains more writes
 * than the program has, so growth past that bound is spurious (e.g. an atomic_inc() reading
 * its own future values) and stops there.
 */
export function threadTraces(test: LitmusTest, maxTraces: number, deadline?: Deadline): { traces?: Trace[][]; unsupported?: UnsupportedConstruct; initValues: Map<string, Value>; truncated?: string } {
  const { values, regs } = initialState(test);
  const domain = new Map<string, Value[]>();
  const known = new Set<string>();
  for (const [loc, v] of values) { domain.set(loc, [v]); known.add(`${loc}=${valueKey(v)}`); }
  for (let round = 0; ; round++) {
    const all: Trace[][] = [];
    let grew = false;
    let writeBound = 0;
    for (const thread of test.threads) {
      const res = enumerateTraces({ thread, domain: domain as Domain, initRegs: regs.get(thread.id)!, maxTraces, deadline });
      if (res.unsupported) return { unsupported: res.unsupported, initValues: values };
      // Some traces of this thread were never enumerated: a verdict from the others could be wrong.
      if (res.truncated) return { initValues: values, truncated: `thread P${thread.id} has more than ${maxTraces} traces` };
      all.push(res.traces);
      // A loop, not Math.max(...spread): a thread can have more traces than the call stack has room for arguments.
      let most = 0;
      for (const tr of res.traces) most = Math.max(most, tr.events.filter((e) => e.kind === 'W').length);
      writeBound += most;
      for (const tr of res.traces) {
        for (const ev of tr.events) {
          if (ev.kind !== 'W' || ev.loc === undefined || ev.value === undefined) continue;
          if (!values.has(ev.loc)) { values.set(ev.loc, 0); domain.set(ev.loc, [0]); known.add(`${ev.loc}=#0`); }
          const key = `${ev.loc}=${valueKey(ev.value)}`;
          if (!known.has(key)) { known.add(key); domain.get(ev.loc)!.push(ev.value); grew = true; }
        }
      }
    }
    if (!grew || round >= writeBound) return { traces: all, initValues: values };
  }
}

/** Lays out one trace per thread as events with global ids; init writes come first. */
export function combine(traces: readonly Trace[], initValues: ReadonlyMap<string, Value>, layouts: Layouts = new Map()): TraceCombination {
  const init = layouts.init ??= initLayout(initValues);
  const events: SimEvent[] = [...init.events];
  const deps: Array<TraceCombination['deps'][number]> = init.events.map(() => NO_DEPS);
  const rmw: Array<readonly [number, number]> = [];
  const copies = new Map<number, number>();
  const decided = new Set<number>();
  const parts: Array<ReadonlyMap<string, LocationPart>> = [init.parts];
  for (const [t, tr] of traces.entries()) {
    const laid = t === 0 ? firstLayout(tr, events.length, layouts) : layOut(tr, events.length, layouts);
    events.push(...laid.events);
    deps.push(...laid.deps);
    rmw.push(...laid.rmw);
    for (const [w, r] of laid.copies) copies.set(w, r);
    for (const k of laid.decided) decided.add(k);
    parts.push(laid.parts);
  }
  return { traces, events, deps, rmw, copies, decided, locations: init.locations, parts };
}

/** The init writes, one per location in name order, first in every combination. */
function initLayout(initValues: ReadonlyMap<string, Value>): { locations: string[]; events: SimEvent[]; parts: ReadonlyMap<string, LocationPart> } {
  const locations = [...initValues.keys()].sort();
  const events = locations.map((loc, id): SimEvent => ({ id, thread: -1, poIndex: 0, kind: 'W', loc, value: initValues.get(loc)!, mode: 'once', instr: 'init' }));
  return { locations, events, parts: locationParts(events, new Map()) };
}

/** Per location, the accesses' memo key text and write count (`rmwOf`: write id → its read id). */
function locationParts(events: readonly SimEvent[], rmwOf: ReadonlyMap<number, number>): Map<string, LocationPart> {
  const keys = new Map<string, string[]>();
  const writes = new Map<string, number>();
  for (const e of events) {
    if (e.loc === undefined || e.kind === 'F') continue;
    (keys.get(e.loc) ?? keys.set(e.loc, []).get(e.loc)!).push(accessKey(e, rmwOf));
    if (e.kind === 'W') writes.set(e.loc, (writes.get(e.loc) ?? 0) + 1);
  }
  return new Map([...keys].map(([loc, k]) => [loc, { key: k.join(' '), writes: writes.get(loc) ?? 0 }]));
}

/** One access in a location's memo key. */
function accessKey(e: SimEvent, rmwOf: ReadonlyMap<number, number>): string {
  return `${e.id}${e.kind}${e.thread}.${e.poIndex}=${valueKey(e.value!)}${rmwOf.has(e.id) ? `<${rmwOf.get(e.id)}` : ''}`;
}

const NO_DEPS = { addr: [], data: [], ctrl: [] } as const;

interface LaidOut {
  readonly events: readonly SimEvent[];
  readonly deps: TraceCombination['deps'];
  readonly rmw: ReadonlyArray<readonly [number, number]>;
  readonly copies: ReadonlyArray<readonly [number, number]>;
  readonly decided: readonly number[];
  readonly parts: ReadonlyMap<string, LocationPart>;
}

/**
 * One trace's events with global ids from `base` on. A trace of a later thread meets the same
 * base in many combinations (every choice of the earlier threads' traces), so its layout is
 * kept per base for one enumeration. The first thread's traces always start at the same base
 * and each is used in one run of combinations (the last thread's choice varies fastest), so
 * theirs are not kept: thousands of kept layouts (a thread with a dozen reads) were copied by
 * every young-generation collection, most of such a simulation's time.
 */
/** The trace event as a candidate's event: its fields but the trace's own, then its id and thread. */
function simEvent(ev: Trace['events'][number], id: number, thread: number): SimEvent {
  // Copied field by field in their order (what `{ ...rest, id, thread }` gives): an object
  // rest of events of many shapes took V8's slow path, most of laying out a large test.
  const out: Record<string, unknown> = {};
  for (const k in ev) if (!TRACE_ONLY.has(k)) out[k] = ev[k as keyof typeof ev];
  out.id = id;
  out.thread = thread;
  return out as unknown as SimEvent;
}

const TRACE_ONLY = new Set(['addr', 'data', 'ctrl', 'rmwRead', 'copyOf']);

type Layouts = Map<Trace, Map<number, LaidOut>> & { first?: { tr: Trace; base: number; out: LaidOut }; init?: ReturnType<typeof initLayout> };

/** The first thread's layout, kept only while its trace is the one combined. */
function firstLayout(tr: Trace, base: number, layouts: Layouts): LaidOut {
  const f = layouts.first;
  if (f && f.tr === tr && f.base === base) return f.out;
  const out = layOut(tr, base, undefined);
  layouts.first = { tr, base, out };
  return out;
}

function layOut(tr: Trace, base: number, layouts: Layouts | undefined): LaidOut {
  let byBase = layouts?.get(tr);
  if (layouts && !byBase) { byBase = new Map(); layouts.set(tr, byBase); }
  const known = byBase?.get(base);
  if (known) return known;
  const isRead = (k: number): boolean => tr.events[k]?.kind === 'R';
  const ids = (ks: readonly number[]): number[] => ks.filter(isRead).map((k) => base + k);
  const out = { events: [] as SimEvent[], deps: [] as Array<TraceCombination['deps'][number]>, rmw: [] as Array<readonly [number, number]>, copies: [] as Array<readonly [number, number]>, decided: tr.decided.map((k) => base + k), parts: new Map<string, LocationPart>() };
  for (const ev of tr.events) {
    const { addr, data, ctrl, rmwRead, copyOf } = ev;
    out.events.push(simEvent(ev, base + ev.poIndex, tr.thread));
    out.deps.push({ addr: ids(addr), data: ids(data), ctrl: ids(ctrl) });
    if (rmwRead !== undefined) out.rmw.push([base + rmwRead, base + ev.poIndex]);
    if (copyOf !== undefined) out.copies.push([base + ev.poIndex, base + copyOf]);
  }
  out.parts = locationParts(out.events, new Map(out.rmw.map(([r, w]) => [w, r])));
  byBase?.set(base, out);
  return out;
}

/**
 * Every combination of one trace per thread whose reads can all be satisfied: each value a
 * read returns is the initial value or is written by some trace of the combination. The
 * check is cheap and rejects most combinations before any event is laid out.
 */
export function* traceCombinations(perThread: readonly Trace[][], initValues: ReadonlyMap<string, Value>): Generator<TraceCombination> {
  if (perThread.some((ts) => ts.length === 0)) return;
  const summaries = perThread.map((ts) => ts.map(summarize));
  const initKeys = new Set([...initValues].map(([loc, v]) => `${loc}=${valueKey(v)}`));
  const idx = perThread.map(() => 0);
  const layouts: Layouts = new Map();
  for (;;) {
    const chosen = summaries.map((s, t) => s[idx[t]!]!);
    const feasible = chosen.every((c) => c.reads.every((k) => initKeys.has(k) || chosen.some((d) => d.writes.has(k))));
    if (feasible) yield combine(perThread.map((ts, t) => ts[idx[t]!]!), initValues, layouts);
    let t = perThread.length - 1;
    while (t >= 0 && idx[t]! + 1 >= perThread[t]!.length) { idx[t] = 0; t--; }
    if (t < 0) return;
    idx[t]!++;
  }
}

/** The (location, value) pairs a trace reads and writes. */
function summarize(tr: Trace): { reads: string[]; writes: Set<string> } {
  const reads: string[] = [];
  const writes = new Set<string>();
  for (const e of tr.events) {
    if (e.loc === undefined || e.value === undefined) continue;
    const key = `${e.loc}=${valueKey(e.value)}`;
    if (e.kind === 'R') reads.push(key);
    else if (e.kind === 'W') writes.add(key);
  }
  return { reads, writes };
}

/** Per simulation: a location's (co, rf) choices by the accesses that decide them. */
export type LocationMemo = Map<string, LocationChoice[]>;

/** One location's share of a candidate: its coherence order and its reads' sources. */
interface LocationChoice {
  readonly co: readonly number[];
  readonly rf: ReadonlyArray<readonly [number, number]>;
}

/** All coherent, atomic (co, rf) choices for one location of a trace combination. */
export function locationChoices(combo: TraceCombination, loc: string, deadline?: Deadline): LocationChoice[] {
  const { events } = combo;
  const writes = events.filter((e) => e.kind === 'W' && e.loc === loc);
  const reads = events.filter((e) => e.kind === 'R' && e.loc === loc);
  const init = writes.find((e) => e.thread < 0)!;
  const others = writes.filter((e) => e.thread >= 0);
  const rmwWriteOf = new Map<number, number>();
  for (const [r, w] of combo.rmw) rmwWriteOf.set(w, r);
  const out: LocationChoice[] = [];
  // An RMW's read takes the write just before the RMW's own write in co (atomicity), so its
  // source follows from the order: only the other reads' sources are enumerated.
  const rmwReadOf = new Map<number, number>(combo.rmw.map(([r, w]) => [r, w]));
  const free = reads.filter((r) => !rmwReadOf.has(r.id));
  const bound = reads.filter((r) => rmwReadOf.has(r.id));
  const sources = free.map((r) => writes.filter((w) => sameValue(w.value, r.value)));
  if (sources.some((s) => s.length === 0)) return out;
  const byId = new Map(writes.map((w) => [w.id, w]));
  for (const order of coherenceOrders(others)) {
    deadline?.check();
    const co = [init.id, ...order.map((e) => e.id)];
    const rank = new Map(co.map((id, i) => [id, i]));
    const fixed: Array<readonly [number, number]> = [];
    let ok = true;
    for (const r of bound) {
      const prev = co[rank.get(rmwReadOf.get(r.id)!)! - 1];
      if (prev === undefined || !sameValue(byId.get(prev)!.value, r.value)) { ok = false; break; }
      fixed.push([r.id, prev]);
    }
    if (!ok) continue;
    forEachProduct(sources, (choice) => {
      deadline?.check();
      const rf = [...fixed, ...free.map((r, i) => [r.id, choice[i]!.id] as const)];
      if (!coherent({ events, reads, writes, rank, rf }) || !atomic(rank, rf, rmwWriteOf, co)) return;
      // In the reads' order, as the rest of the enumeration expects.
      const byRead = new Map(rf);
      out.push({ co, rf: reads.map((r) => [r.id, byRead.get(r.id)!] as const) });
    });
  }
  return out;
}

/** Orders of a location's writes that keep each thread's writes in program order (CoWW). */
function* coherenceOrders(ws: readonly SimEvent[]): Generator<SimEvent[]> {
  if (ws.length === 0) { yield []; return; }
  const used = new Array<boolean>(ws.length).fill(false);
  const cur: SimEvent[] = [];
  function* rec(): Generator<SimEvent[]> {
    if (cur.length === ws.length) { yield [...cur]; return; }
    for (let i = 0; i < ws.length; i++) {
      if (used[i]) continue;
      // A write may come next only if no earlier write of its thread is still unplaced.
      if (ws.some((o, j) => !used[j] && j !== i && o.thread === ws[i]!.thread && o.poIndex < ws[i]!.poIndex)) continue;
      used[i] = true; cur.push(ws[i]!);
      yield* rec();
      cur.pop(); used[i] = false;
    }
  }
  yield* rec();
}

function forEachProduct<T>(lists: readonly (readonly T[])[], f: (choice: T[]) => void): void {
  const choice: T[] = [];
  const rec = (i: number): void => {
    if (i === lists.length) { f(choice); return; }
    for (const x of lists[i]!) { choice.push(x); rec(i + 1); choice.pop(); }
  };
  rec(0);
}

/**
 * SC per location: po-loc ∪ rf ∪ co ∪ fr acyclic. With co total on writes, it suffices that
 * each read is consistent with its thread's earlier and later accesses (CoRR, CoRW, CoWR);
 * CoWW already holds by construction of the orders.
 */
function coherent(args: {
  events: readonly SimEvent[]; reads: readonly SimEvent[]; writes: readonly SimEvent[];
  rank: ReadonlyMap<number, number>; rf: ReadonlyArray<readonly [number, number]>;
}): boolean {
  const { events, rank } = args;
  const src = new Map(args.rf);
  // "Position" of each access in co: a write is at its rank; a read sits just after its source.
  const at = (id: number): number => (events[id]!.kind === 'W' ? rank.get(id)! : rank.get(src.get(id)!)!);
  const accesses = [...args.writes.filter((w) => w.thread >= 0), ...args.reads];
  for (const a of accesses) {
    for (const b of accesses) {
      if (a.thread !== b.thread || a.poIndex >= b.poIndex) continue;
      const pa = at(a.id);
      const pb = at(b.id);
      if (a.kind === 'R' && b.kind === 'R' && pa > pb) return false; // CoRR
      if (a.kind === 'W' && b.kind === 'R' && pa > pb) return false; // CoWR: read an older write than its own
      if (a.kind === 'R' && b.kind === 'W' && pa >= pb) return false; // CoRW
    }
  }
  // A read may not read from a write po-after it (rf ∪ po-loc cycle).
  for (const [r, w] of args.rf) {
    const re = events[r]!;
    const we = events[w]!;
    if (re.thread === we.thread && we.poIndex > re.poIndex) return false;
  }
  return true;
}

/** rmw ∩ (fre ; coe) = ∅: an RMW's write comes right after the write its read took. */
function atomic(rank: ReadonlyMap<number, number>, rf: ReadonlyArray<readonly [number, number]>, rmwWriteOf: ReadonlyMap<number, number>, co: readonly number[]): boolean {
  const src = new Map(rf);
  for (const w of co) {
    const r = rmwWriteOf.get(w);
    if (r === undefined) continue;
    if (rank.get(src.get(r)!)! + 1 !== rank.get(w)!) return false;
  }
  return true;
}

/** All candidates of a trace combination (product of the per-location choices). */
export function* candidatesOf(combo: TraceCombination, deadline?: Deadline, memo?: LocationMemo): Generator<Candidate> {
  // Per location: its accesses' memo key and each thread's write count, from the parts the
  // combination was laid out from (the same text and counts as reading its events one by one).
  const parts = combo.parts ?? [locationParts(combo.events, new Map(combo.rmw.map(([r, w]) => [w, r])))];
  const ofLoc = (loc: string): LocationPart[] => parts.flatMap((p) => p.get(loc) ?? []);
  if (deadline && Number.isFinite(deadline.maxOrders)) {
    // Refuse at once what cannot finish: enumerating would spin without yielding a candidate.
    let orders = 1;
    for (const loc of combo.locations) orders *= orderCount(combo.parts ? ofLoc(loc).slice(1).map((p) => p.writes) : writesPerThread(combo, loc));
    if (orders > deadline.maxOrders) throw new BudgetExceeded(`more than ${deadline.maxOrders} coherence orders`);
  }
  const perLoc: Array<{ loc: string; choices: LocationChoice[] }> = [];
  for (const loc of combo.locations) {
    // A location's choices depend only on its own accesses: combinations that differ elsewhere share them.
    const key = memo && `${loc}|${ofLoc(loc).map((p) => p.key).join(' ')}`;
    let choices = key ? memo!.get(key) : undefined;
    if (!choices) {
      choices = locationChoices(combo, loc, deadline);
      if (key) memo!.set(key, choices);
    }
    if (choices.length === 0) return;
    perLoc.push({ loc, choices });
  }
  const idx = perLoc.map(() => 0);
  for (;;) {
    const rf = new Map<number, number>();
    const co = new Map<string, readonly number[]>();
    perLoc.forEach((p, i) => {
      const c = p.choices[idx[i]!]!;
      co.set(p.loc, c.co);
      for (const [r, w] of c.rf) rf.set(r, w);
    });
    yield { combo, rf, co };
    let i = perLoc.length - 1;
    while (i >= 0 && idx[i]! + 1 >= perLoc[i]!.choices.length) { idx[i] = 0; i--; }
    if (i < 0) return;
    idx[i]!++;
  }
}
