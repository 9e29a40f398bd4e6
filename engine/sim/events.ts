// Events of a candidate execution. They carry the C-level meaning of the primitive that made
// them (access mode, RMW strength, lock role, fence kind); each model decides what that meaning
// implies on its architecture (models/*.ts), so one enumeration serves every model.
import type { Pos, Value } from '../litmus/ast';

export type AccessMode = 'plain' | 'once' | 'acquire' | 'release';

/** Ordering strength of a read-modify-write instruction (Linux atomic_t.txt naming). */
export type RmwStrength = 'mb' | 'relaxed' | 'acquire' | 'release' | 'noreturn';

/** lock.cat's event classes: LKR, LKW, UL, LF, RL, RU. */
export type LockRole = 'LKR' | 'LKW' | 'UL' | 'LF' | 'RL' | 'RU';

export type FenceKind =
  | 'mb' | 'rmb' | 'wmb' | 'barrier'
  | 'before-atomic' | 'after-atomic' | 'after-spinlock' | 'after-unlock-lock'
  | 'rcu-lock' | 'rcu-unlock' | 'sync-rcu'
  | 'after-srcu-read-unlock' | 'sync-srcu';

export interface SimEvent {
  /** Index of the event in its execution; init writes come first. */
  readonly id: number;
  /** Thread number, or -1 for an initial write. */
  readonly thread: number;
  /** Position in its thread's program order (0-based). */
  readonly poIndex: number;
  readonly kind: 'R' | 'W' | 'F';
  readonly loc?: string;
  readonly value?: Value;
  readonly mode: AccessMode;
  /** Set on both halves of an RMW; a failed conditional RMW leaves only its read, with `failed`. */
  readonly rmw?: RmwStrength;
  readonly failed?: boolean;
  readonly lock?: LockRole;
  /** linux-kernel.def's Srcu-lock (a read of the srcu_struct) and Srcu-unlock (a write of the index). */
  readonly srcu?: 'lock' | 'unlock';
  readonly fence?: FenceKind;
  /** The C primitive that produced the event, for witnesses and explanations. */
  readonly instr: string;
  readonly pos?: Pos;
}

export function formatValue(v: Value): string {
  return typeof v === 'number' ? String(v) : v.addr;
}

export function sameValue(a: Value | undefined, b: Value | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (typeof a === 'number' || typeof b === 'number') return a === b;
  return a.addr === b.addr && !a.symbolic === !b.symbolic;
}

export function valueKey(v: Value): string {
  return typeof v === 'number' ? `#${v}` : `&${v.addr}`;
}
