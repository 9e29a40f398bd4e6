// What one thread does along one path: its events in program order with their dependencies,
// and its registers at the end. The interpreter (interp.ts) produces these; the enumerator
// (enumerate.ts) combines one trace per thread into candidate executions.
import type { Pos, Value } from '../litmus/ast';
import type { SimEvent } from './events';

export interface TraceEvent extends Omit<SimEvent, 'id' | 'thread'> {
  /** poIndex of the reads this event depends on, by kind (herd's addr, data, ctrl). */
  readonly addr: readonly number[];
  readonly data: readonly number[];
  readonly ctrl: readonly number[];
  /** For the write half of an RMW: poIndex of its read half. */
  readonly rmwRead?: number;
}

export interface Trace {
  readonly thread: number;
  readonly events: readonly TraceEvent[];
  readonly regs: ReadonlyMap<string, Value>;
}

export interface UnsupportedConstruct {
  readonly construct: string;
  readonly pos: Pos;
}

/** A value flowing through a thread, with the reads it depends on. */
export interface Tainted {
  readonly v: Value;
  readonly deps: readonly number[];
}

export function mergeDeps(...lists: ReadonlyArray<readonly number[]>): number[] {
  const s = new Set<number>();
  for (const l of lists) for (const d of l) s.add(d);
  return [...s].sort((a, b) => a - b);
}

/** A construct the simulator does not model: reported as `unsupported: X at L:C`, never guessed. */
export class UnsupportedError extends Error {
  constructor(readonly construct: string, readonly pos: Pos) {
    super(`unsupported: ${construct} at ${pos.line}:${pos.col}`);
  }
}
