// A witness execution in a form consumers can show: events per thread with their source
// positions, and the po/rf/co/fr edges that make the outcome happen.
import type { Value } from '../litmus/ast';
import type { Candidate } from './candidates';
import type { Execution } from './execution';

export interface WitnessEvent {
  readonly id: number;
  readonly thread: number;
  readonly kind: 'R' | 'W' | 'F';
  readonly loc?: string;
  readonly value?: Value;
  readonly instr: string;
  readonly line?: number;
  readonly col?: number;
}

export interface Witness {
  readonly events: readonly WitnessEvent[];
  /** Immediate program-order edges. */
  readonly po: ReadonlyArray<readonly [number, number]>;
  readonly rf: ReadonlyArray<readonly [number, number]>;
  /** Immediate coherence edges. */
  readonly co: ReadonlyArray<readonly [number, number]>;
  readonly fr: ReadonlyArray<readonly [number, number]>;
}

export function toWitness(x: Execution, c: Candidate): Witness {
  const events = x.events.map((e) => ({
    id: e.id, thread: e.thread, kind: e.kind, loc: e.loc, value: e.value, instr: e.instr, line: e.pos?.line, col: e.pos?.col,
  }));
  const po: Array<[number, number]> = [];
  for (const e of x.events) {
    const next = x.events.find((f) => f.thread === e.thread && e.thread >= 0 && f.poIndex === e.poIndex + 1);
    if (next) po.push([e.id, next.id]);
  }
  const rf = [...c.rf].map(([r, w]) => [w, r] as [number, number]);
  const co: Array<[number, number]> = [];
  for (const order of c.co.values()) for (let i = 0; i + 1 < order.length; i++) co.push([order[i]!, order[i + 1]!]);
  // Immediate fr edges: from a read to the write right after its source in co.
  const fr: Array<[number, number]> = [];
  for (const [r, w] of c.rf) {
    const order = c.co.get(x.events[w]!.loc!)!;
    const next = order[order.indexOf(w) + 1];
    if (next !== undefined) fr.push([r, next]);
  }
  return { events, po, rf, co, fr };
}
