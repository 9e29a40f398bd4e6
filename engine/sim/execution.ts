// The relations of one candidate execution, as bitset matrices: what the models read.
// Names follow herd: po, rf, co, fr, rmw, addr, data, ctrl, loc, int, ext, and event sets.
import type { SimEvent } from './events';
import type { Candidate, TraceCombination } from './candidates';
import type { Trace } from './trace';
import { EventSet, Rel } from './relation';

export interface Execution {
  readonly n: number;
  readonly events: readonly SimEvent[];
  readonly po: Rel;
  readonly rf: Rel;
  readonly co: Rel;
  readonly fr: Rel;
  readonly rmw: Rel;
  readonly addr: Rel;
  readonly data: Rel;
  readonly ctrl: Rel;
  /** Same location (memory accesses, and synchronize_srcu() on its srcu_struct). */
  readonly loc: Rel;
  readonly int: Rel;
  readonly ext: Rel;
  readonly id: Rel;
  /**
   * The execution's events and dependencies without values, rf or co: equal for candidates
   * whose relations other than rf/co/fr are equal, so a model may keep what it derives from
   * those alone under this key.
   */
  readonly shape: string;
  readonly R: EventSet;
  readonly W: EventSet;
  readonly F: EventSet;
  readonly M: EventSet;
  readonly IW: EventSet;
  /** The events satisfying a predicate (models build their tag sets with it). */
  where(pred: (e: SimEvent) => boolean): EventSet;
}

/** The parts that do not depend on rf/co, shared by every candidate of a trace combination. */
export interface StaticPart extends Pick<Execution, 'n' | 'po' | 'rmw' | 'addr' | 'data' | 'ctrl' | 'loc' | 'int' | 'ext' | 'id' | 'shape'> {
  readonly combo: TraceCombination;
  readonly sets: Pick<Execution, 'R' | 'W' | 'F' | 'M' | 'IW'>;
}

/**
 * A trace's events and dependencies without their values: what the relations of StaticPart
 * are made of. Kept per trace (a trace meets many combinations).
 */
const traceShapes = new WeakMap<Trace, string>();

function traceShape(tr: Trace): string {
  let shape = traceShapes.get(tr);
  if (shape === undefined) {
    shape = `${tr.thread}:` + tr.events.map((e) =>
      `${e.kind}${e.loc ?? ''}/${e.mode}/${e.rmw ?? ''}${e.failed ? '!' : ''}/${e.lock ?? ''}/${e.fence ?? ''}/${e.srcu ?? ''}/${e.rmwRead ?? ''}/${e.addr}/${e.data}/${e.ctrl}`).join(' ');
    traceShapes.set(tr, shape);
  }
  return shape;
}

/** Combinations that differ only in the values their reads return share these relations. */
const byShape = new Map<string, Omit<StaticPart, 'combo'>>();

export function staticPart(combo: TraceCombination): StaticPart {
  const shape = `${combo.locations.join(',')}|${combo.traces.map(traceShape).join('|')}`;
  let rels = byShape.get(shape);
  if (!rels) {
    if (byShape.size >= 256) byShape.clear();
    rels = shapeRelations(combo, shape);
    byShape.set(shape, rels);
  }
  return { combo, ...rels };
}

function shapeRelations(combo: TraceCombination, shape: string): Omit<StaticPart, 'combo'> {
  const ev = combo.events;
  const n = ev.length;
  // Each thread's events are laid out contiguously in program order (combine()), so po and
  // int are built from the threads' ranges.
  const po = Rel.empty(n);
  const int = Rel.empty(n);
  for (let i = 0; i < n; i++) {
    int.add(i, i);
    if (ev[i]!.thread < 0) continue;
    for (let j = i + 1; j < n && ev[j]!.thread === ev[i]!.thread; j++) { po.add(i, j); int.add(i, j); int.add(j, i); }
  }
  const all = EventSet.of(n, () => true);
  const ext = Rel.cross(all, all).minus(int);
  const loc = Rel.empty(n);
  const byLoc = new Map<string, number[]>();
  for (let i = 0; i < n; i++) if (ev[i]!.loc !== undefined) byLoc.set(ev[i]!.loc!, [...(byLoc.get(ev[i]!.loc!) ?? []), i]);
  for (const ids of byLoc.values()) for (const i of ids) for (const j of ids) loc.add(i, j);
  const dep = (kind: 'addr' | 'data' | 'ctrl'): Rel => {
    const r = Rel.empty(n);
    combo.deps.forEach((d, j) => { for (const i of d[kind]) r.add(i, j); });
    return r;
  };
  const R = EventSet.of(n, (i) => ev[i]!.kind === 'R');
  const W = EventSet.of(n, (i) => ev[i]!.kind === 'W');
  return {
    n, po, int, ext, loc, shape,
    rmw: Rel.fromPairs(n, combo.rmw),
    addr: dep('addr'), data: dep('data'), ctrl: dep('ctrl'),
    id: Rel.id(all),
    sets: { R, W, F: EventSet.of(n, (i) => ev[i]!.kind === 'F'), M: R.union(W), IW: EventSet.of(n, (i) => ev[i]!.thread < 0) },
  };
}

export function buildExecution(s: StaticPart, c: Candidate): Execution {
  const { n } = s;
  const rf = Rel.empty(n);
  for (const [r, w] of c.rf) rf.add(w, r);
  const co = Rel.empty(n);
  for (const order of c.co.values()) {
    for (let i = 0; i < order.length; i++) for (let j = i + 1; j < order.length; j++) co.add(order[i]!, order[j]!);
  }
  const fr = rf.inv().seq(co);
  const events = s.combo.events;
  return {
    n, events, rf, co, fr,
    po: s.po, rmw: s.rmw, addr: s.addr, data: s.data, ctrl: s.ctrl, loc: s.loc, int: s.int, ext: s.ext, id: s.id, shape: s.shape,
    ...s.sets,
    where: (pred) => EventSet.of(n, (i) => pred(events[i]!)),
  };
}
