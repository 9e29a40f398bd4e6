// The relations of one candidate execution, as bitset matrices: what the models read.
// Names follow herd: po, rf, co, fr, rmw, addr, data, ctrl, loc, int, ext, and event sets.
import type { SimEvent } from './events';
import type { Candidate, TraceCombination } from './candidates';
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
  readonly R: EventSet;
  readonly W: EventSet;
  readonly F: EventSet;
  readonly M: EventSet;
  readonly IW: EventSet;
  /** The events satisfying a predicate (models build their tag sets with it). */
  where(pred: (e: SimEvent) => boolean): EventSet;
}

/** The parts that do not depend on rf/co, shared by every candidate of a trace combination. */
export interface StaticPart extends Pick<Execution, 'n' | 'po' | 'rmw' | 'addr' | 'data' | 'ctrl' | 'loc' | 'int' | 'ext' | 'id'> {
  readonly combo: TraceCombination;
  readonly sets: Pick<Execution, 'R' | 'W' | 'F' | 'M' | 'IW'>;
}

export function staticPart(combo: TraceCombination): StaticPart {
  const ev = combo.events;
  const n = ev.length;
  const po = Rel.of(n, (i, j) => ev[i]!.thread >= 0 && ev[i]!.thread === ev[j]!.thread && ev[i]!.poIndex < ev[j]!.poIndex);
  const int = Rel.of(n, (i, j) => i === j || (ev[i]!.thread >= 0 && ev[i]!.thread === ev[j]!.thread));
  const all = EventSet.of(n, () => true);
  const ext = Rel.cross(all, all).minus(int);
  const loc = Rel.of(n, (i, j) => ev[i]!.loc !== undefined && ev[i]!.loc === ev[j]!.loc);
  const dep = (kind: 'addr' | 'data' | 'ctrl'): Rel => {
    const r = Rel.empty(n);
    combo.deps.forEach((d, j) => { for (const i of d[kind]) r.add(i, j); });
    return r;
  };
  const R = EventSet.of(n, (i) => ev[i]!.kind === 'R');
  const W = EventSet.of(n, (i) => ev[i]!.kind === 'W');
  return {
    combo, n, po, int, ext, loc,
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
    po: s.po, rmw: s.rmw, addr: s.addr, data: s.data, ctrl: s.ctrl, loc: s.loc, int: s.int, ext: s.ext, id: s.id,
    ...s.sets,
    where: (pred) => EventSet.of(n, (i) => pred(events[i]!)),
  };
}
