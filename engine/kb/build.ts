// Short constructors so the tables read like the documentation they cite.
import type { Effect, FenceKind, LocRef, LockMode, ReadAnnot, RmwAnnot, RmwOp, WriteAnnot } from './types';

/** The object a pointer argument points to: `*p`, and `x` for `&x`. */
export const ptr = (arg: number): LocRef => ({ arg, deref: true });
/** The argument itself as an lvalue: `READ_ONCE(x)` names `x`. */
export const lval = (arg: number): LocRef => ({ arg });
/** A field of the struct a pointer argument points to. */
export const field = (arg: number, name: string): LocRef => ({ arg, field: name });

export const R = (loc: LocRef, annot: ReadAnnot, more: { bitArg?: number } = {}): Effect => ({ op: 'R', loc, annot, ...more });
export const W = (loc: LocRef, annot: WriteAnnot, valueArg?: number): Effect => ({ op: 'W', loc, annot, valueArg });
export const F = (fence: FenceKind): Effect => ({ op: 'F', fence });
export const LOCK = (loc: LocRef, mode: LockMode = 'spin'): Effect => ({ op: 'LOCK', loc, mode });
export const UNLOCK = (loc: LocRef, mode: LockMode = 'spin'): Effect => ({ op: 'UNLOCK', loc, mode });
export const HELD = (loc: LocRef, mode: LockMode = 'spin', spins = true): Effect => ({ op: 'HELD', loc, mode, spins });
export const IRQ = (state: 'off' | 'on' | 'restore'): Effect => ({ op: 'IRQ', state });
export const CALL = (name: string, ...args: number[]): Effect => ({ op: 'CALL', name, args });

export function RMW(
  loc: LocRef, annot: RmwAnnot, rmw: RmwOp,
  more: { bitArg?: number; valueArg?: number; failure?: 'ordered' | 'unordered' } = {},
): Effect {
  return { op: 'RMW', loc, annot, rmw, ...more };
}

/** Bit operations take (nr, addr). */
export const bitRmw = (annot: RmwAnnot, rmw: RmwOp, failure?: 'ordered' | 'unordered'): Effect =>
  RMW(ptr(1), annot, rmw, { bitArg: 0, failure });
