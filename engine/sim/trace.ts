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
  /** For a write: poIndex of the read whose value it stores unchanged (`*a = *b`), if any. */
  readonly copyOf?: number;
}

export interface Trace {
  readonly thread: number;
  readonly events: readonly TraceEvent[];
  readonly regs: ReadonlyMap<string, Value>;
  /** Registers that end holding a read's value unchanged: name → poIndex of that read. */
  readonly regCopies: ReadonlyMap<string, number>;
  /** poIndex of the reads some branch of the path was decided on. */
  readonly decided: readonly number[];
  /**
   * The path stopped at something only some executions do (dereferencing a register that holds
   * an integer). Such a trace is kept so the enumeration can rule it out (e.g. by coherence);
   * if an allowed execution uses it, the result is unsupported rather than guessed.
   */
  readonly stopped?: UnsupportedConstruct;
}

export interface UnsupportedConstruct {
  readonly construct: string;
  readonly pos: Pos;
}

/** A value flowing through a thread, with the reads it depends on. */
export interface Tainted {
  readonly v: Value;
  readonly deps: readonly number[];
  /** Set when the value is exactly what the read at this poIndex returned (no computation). */
  readonly copyOf?: number;
}

export function mergeDeps(...lists: ReadonlyArray<readonly number[]>): number[] {
  const s = new Set<number>();
  for (const l of lists) for (const d of l) s.add(d);
  return [...s].sort((a, b) => a - b);
}

/** The current path dereferences a non-pointer: the trace stops there (see Trace.stopped). */
export class PathStopped extends Error {
  constructor(readonly construct: string, readonly pos: Pos) {
    super(`unsupported: ${construct} at ${pos.line}:${pos.col}`);
  }
}

/** A construct the simulator does not model: reported as `unsupported: X at L:C`, never guessed. */
export class UnsupportedError extends Error {
  constructor(readonly construct: string, readonly pos: Pos) {
    super(`unsupported: ${construct} at ${pos.line}:${pos.col}`);
  }
}
