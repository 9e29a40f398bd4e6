// Locks taken on the object a call returns. A lock wrapper such as Xen's
// `pirq_spin_lock_irq_desc(pirq, &flags)` returns the interrupt descriptor whose `lock` it took,
// or NULL having taken nothing (its `irq <= 0` path returns before spin_lock()). The lock is
// named by what the caller assigns the result to (`desc = ...` locks `desc->lock`, keyed like
// the caller's own `spin_unlock(&desc->lock)`), and is held from the assignment on, except in
// the arm of a test that finds the result NULL (`if ( !desc ) return;`): there the call took
// nothing. A caller that never tests the result uses it as the lock's owner, so it holds it.
// Only direct tests count (`!x`, `x == NULL`, `x`, `x != NULL`, under likely()/unlikely()); in
// any other condition the lock stays held in both arms, as before (more orders, never fewer).
import type { SyntaxNode } from '../c/parser';
import type { LockMode } from '../kb/types';
import { compact, unwrapCondition } from './scope';
import type { ViaFrame } from './types';

/** A lock a call took on its result, until an assignment or declaration names the result. */
export interface PendingOwner {
  readonly field: string;
  readonly mode: LockMode;
  readonly node: SyntaxNode;
  readonly prim: string;
  readonly via: readonly ViaFrame[];
}

/** Which arm of `if (cond)` runs with the result NULL, for a local that holds a locked result. */
export function nullArm(cond: string, owners: ReadonlyMap<string, string>): { key: string; arm: 'then' | 'else' } | undefined {
  if (owners.size === 0) return undefined;
  const c = unwrapCondition(compact(cond));
  const m = /^!(\w+)$|^(\w+)==(?:NULL|0)$|^(?:NULL|0)==(\w+)$/.exec(c);
  const isNull = m?.[1] ?? m?.[2] ?? m?.[3];
  if (isNull !== undefined) return owners.has(isNull) ? { key: owners.get(isNull)!, arm: 'then' } : undefined;
  const n = /^(\w+)$|^(\w+)!=(?:NULL|0)$|^(?:NULL|0)!=(\w+)$/.exec(c);
  const notNull = n?.[1] ?? n?.[2] ?? n?.[3];
  return notNull !== undefined && owners.has(notNull) ? { key: owners.get(notNull)!, arm: 'else' } : undefined;
}
