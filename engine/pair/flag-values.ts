// The values a scenario's locations take in its litmus test. A location the cycle's write sets
// (a store, set_bit()) goes from 0 to 1; one it clears (clear_bit(), test_and_clear_bit(),
// `x &= ~M`) starts at 1 and goes to 0, as in the code. With that, a branch that tests exactly
// the bit the write changes can be written as the value it needs: vcpu_urgent_count_update()
// reads `poll_mask` only while VPF_blocked is set, which is the value before vcpu_unblock()
// clears it, so "flag seen new, data seen old" never goes through that read. The simulator
// then shows it (forbidden), with coherence doing the rest for a re-read of the flag.
import { bitWrite, sameBit } from '../extract/bits';
import type { BitWrite, Event, Loc, Thread } from '../extract/types';
import { sameLoc } from './peers';

export interface LocValues {
  /** Before the cycle's write (the test's initial value). */
  readonly stale: number;
  /** What the cycle's write leaves there. */
  readonly fresh: number;
  /** The one bit the write changes, when the test has no other write to the location. */
  readonly bit?: BitWrite;
}

export const SET_VALUES: LocValues = { stale: 0, fresh: 1 };

/**
 * The location's values, given the cycle's write to it and every other write the test makes
 * there (revisit writes, atomics between a side's accesses). Another write would put a third
 * value there whose bits nobody knows, so then only the plain 0 → 1 encoding is used.
 */
export function locValues(a: { write: Event | undefined; others: boolean }): LocValues {
  const bit = a.write && !a.others ? bitWrite(a.write) : undefined;
  if (!bit) return SET_VALUES;
  return bit.set ? { ...SET_VALUES, bit } : { stale: 1, fresh: 0, bit };
}

/** Whether any of `events` writes `loc` (a side's revisits and between-events). */
export function writesTo(events: readonly Event[], loc: Loc): boolean {
  return events.some((e) => (e.kind === 'W' || e.kind === 'RMW') && sameLoc(e.loc, loc));
}

/**
 * The value of `read`'s location that `target` needs to run: the branches it sits under that
 * test exactly the bit the cycle's write changes, in `read`'s value, decide it. `stale` when
 * one needs the old value (the path is then at most the one where it was read old); `fresh`
 * when all such branches need the new one; undefined when none is understood, or the location's
 * write changes no known bit: the caller keeps the encoding that assumes nothing.
 */
export function neededValue(a: { thread: Thread; read: Event; target: Event; values: LocValues }): number | undefined {
  const { thread, read, target, values } = a;
  if (!values.bit) return undefined;
  let needed: number | undefined;
  for (const g of target.guards) {
    const test = thread.conds[g.cond]?.bitTest;
    if (!test || test.read !== read.id || !sameBit(test.bit, values.bit.bit)) continue;
    // The branch runs with the bit set when the condition says "set" and is taken, or says
    // "clear" and is not; the write's new value has the bit as the write left it.
    const bitSet = g.value === test.set;
    if (bitSet !== values.bit.set) return values.stale;
    needed = values.fresh;
  }
  return needed;
}
