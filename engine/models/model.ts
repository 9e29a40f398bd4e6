// What every memory model provides: a name, an optional list of constructs it cannot express,
// and a predicate over candidate executions. Models are pure functions of an Execution.
import type { FenceKind, SimEvent } from '../sim/events';
import type { Execution } from '../sim/execution';
import { Rel, type EventSet } from '../sim/relation';

export type ModelName = 'sc' | 'x86-tso' | 'armv8' | 'lkmm';

export interface ModelVerdict {
  readonly allowed: boolean;
  /** The axiom the execution violates, by its name in the model. */
  readonly violated?: string;
  /** herd-style flags (e.g. data-race); they never forbid an execution. */
  readonly flags?: readonly string[];
}

export interface Model {
  readonly name: ModelName;
  readonly title: string;
  /** A primitive this model cannot express (e.g. RCU grace periods on a hardware model). */
  unsupported?(e: Omit<SimEvent, 'id' | 'thread'>): string | undefined;
  check(x: Execution): ModelVerdict;
}

/** [S]: identity on a set, as in cat. */
export function br(s: EventSet): Rel {
  return s.asRel();
}

/** fencerel(K) = po ; [K] ; po, for fences of the given kinds. */
export function fencerel(x: Execution, ...kinds: FenceKind[]): Rel {
  const f = x.where((e) => e.kind === 'F' && e.fence !== undefined && kinds.includes(e.fence));
  return x.po.seq(br(f)).seq(x.po);
}

export function allowed(): ModelVerdict {
  return { allowed: true };
}

export function forbidden(axiom: string): ModelVerdict {
  return { allowed: false, violated: axiom };
}
