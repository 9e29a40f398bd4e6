// A scenario is a two-CPU critical cycle found in the code: two accesses on each side, on two
// shared locations, whose bad outcome the simulator decides. It is the unit the ordering checks
// judge and the fixes repair.
import type { Event, Loc, Thread } from '../extract/types';
import type { EntryGuard } from './entry-guard';

export type Shape = 'MP' | 'SB' | 'LB';

/** One CPU's half of a scenario: `first` then `second` in program order. */
export interface Side {
  readonly thread: Thread;
  /** Absent when the access is assumed (a hunk that starts after it, see `assumed`). */
  readonly first?: Event;
  readonly second: Event;
  /** The location of `first` when it is assumed rather than seen. */
  readonly firstLoc: Loc;
  /** Why `first` is assumed, for the explanation. */
  readonly assumed?: string;
  /** A synthesized side (no code in view): the canonical correctly ordered other CPU. */
  readonly synthesized?: string;
  /** A message-passing reader its callers enter only after checking the flag (entry-guard.ts). */
  readonly entryGuard?: EntryGuard;
}

export interface Scenario {
  readonly id: string;
  readonly shape: Shape;
  /** MP: [writer, reader]; SB and LB: the two symmetric sides. */
  readonly sides: readonly [Side, Side];
  /** MP: [data, flag]; SB/LB: [location written or read first by side 0, by side 1]. */
  readonly locs: readonly [Loc, Loc];
}

export function sideLabel(s: Side): string {
  return s.synthesized ? `a synthesized ${s.synthesized}` : `${s.thread.name}()`;
}

export const SHAPE_NAMES: Record<Shape, string> = {
  MP: 'message passing',
  SB: 'store buffering',
  LB: 'load buffering',
};
