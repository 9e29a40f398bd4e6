// The values a scenario's locations take in its litmus test. A location the cycle's write sets
// (a store, set_bit()) goes from 0 to 1; one it clears (clear_bit(), test_and_clear_bit(),
// `x &= ~M`) starts at 1 and goes to 0, as in the code. With that, a branch that tests exactly
// the bit the write changes can be written as the value it needs: vcpu_urgent_count_update()
// reads `poll_mask` only while VPF_blocked is set, which is the value before vcpu_unblock()
// clears it, so "flag seen new, data seen old" never goes through that read. The simulator
// then shows it (forbidden), with coherence doing the rest for a re-read of the flag. A store
// of a constant is seen the same way by a branch on whether the value is zero.
import { bitWrite, sameBit, storedZero } from '../extract/bits';
import type { BitWrite, Event, Loc, Thread } from '../extract/types';
import { sameLoc } from './peers';

export interface LocValues {
  /** Before the cycle's write (the test's initial value). */
  readonly stale: number;
  /** What the cycle's write leaves there. */
  readonly fresh: number;
  /** The one bit the write changes, when the test has no other write to the location. */
  readonly bit?: BitWrite;
  /**
   * Otherwise, whether the write stores a zero or a non-zero constant (with no other write),
   * for a branch on whether the whole value is zero. Non-zero is 1 in the test: such a branch
   * cannot tell one non-zero value from another. A store of 0 changes a value that was not 0,
   * or a reader could not tell it was seen, so the location starts at 1.
   */
  readonly stores?: 'zero' | 'nonzero';
}

export const SET_VALUES: LocValues = { stale: 0, fresh: 1 };

/**
 * The location's values, given the cycle's write to it and every other write the test makes
 * there (revisit writes, atomics between a side's accesses). Another write would put a third
 * value there whose bits nobody knows, so then only the plain 0 → 1 encoding is used.
 */
export function locValues(a: { write: Event | undefined; others: boolean }): LocValues {
  const bit = a.write && !a.others ? bitWrite(a.write) : undefined;
  if (bit) return bit.set ? { ...SET_VALUES, bit } : { stale: 1, fresh: 0, bit };
  const stores = a.write && !a.others ? storedZero(a.write) : undefined;
  if (!stores) return SET_VALUES;
  return stores === 'nonzero' ? { ...SET_VALUES, stores } : { stale: 1, fresh: 0, stores };
}

/** Whether any of `events` writes `loc` (a side's revisits and between-events). */
export function writesTo(events: readonly Event[], loc: Loc): boolean {
  return events.some((e) => (e.kind === 'W' || e.kind === 'RMW') && sameLoc(e.loc, loc));
}

/**
 * Whether `target` runs only with `read` having seen its location as it was before the cycle's
 * write: it sits under a branch that tests exactly the bit the write changes (or whether the
 * value is zero, for a store of a constant) and needs the opposite of what the write leaves.
 * That is certain whatever the location held before: clear_bit() always leaves the bit clear.
 * The converse is not: a branch that needs what the write leaves may also run on an older value
 * that already had it (clear_bit() on a clear bit), so nothing is concluded from it.
 */
export function needsOld(a: { thread: Thread; read: Event; target: Event; values: LocValues }): boolean {
  const { thread, read, target, values } = a;
  return target.guards.some((g) => {
    const c = thread.conds[g.cond];
    // The branch runs with the bit set (the value non-zero) when the condition says "set" and
    // is taken, or says "clear" and is not.
    if (values.bit && c?.bitTest?.read === read.id && sameBit(c.bitTest.bit, values.bit.bit)) return (g.value === c.bitTest.set) !== values.bit.set;
    if (values.stores && c?.zeroTest?.read === read.id) return (g.value === c.zeroTest.nonzero) !== (values.stores === 'nonzero');
    return false;
  });
}
