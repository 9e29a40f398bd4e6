// Locks a function says its caller holds. Xen writes `ASSERT(spin_is_locked(&v->lock))`, Linux
// `lockdep_assert_held(&kvm->lock)`: the function runs under the lock from entry to return,
// with no LOCK of its own to show it. An assertion is recorded where the walk meets it; once
// the body is walked, the lock goes first in every event's `held` (the caller took it before
// anything the function takes), so lock orders and lock contexts see it, and the thread lists
// it in `callerHolds` for the litmus tests. A function that locks or unlocks the lock itself
// is only checking its own locking, and an assertion inside a branch may hold only on that
// branch: neither adds anything.
import { operatorBetween, parts, textOf, typeOf, type SyntaxNode } from '../c/parser';
import type { LockMode } from '../kb/types';
import { compact, oneLine } from './scope';
import { spanOf } from './spans';
import type { CallerHeld, Event, Loc } from './types';
import type { Walker } from './walker';

/**
 * The calls an asserted condition states true: `a(x) && (b(y) && c(z))` gives a, b and c. A
 * negation, a `||` or a comparison states none of its calls.
 */
export function assertedCalls(cond: SyntaxNode): SyntaxNode[] {
  switch (typeOf(cond)) {
    case 'parenthesized_expression': {
      const inner = parts(cond)[0];
      return inner ? assertedCalls(inner) : [];
    }
    case 'binary_expression': {
      const [left, right] = parts(cond);
      return left && right && operatorBetween(cond, left, right) === '&&' ? [...assertedCalls(left), ...assertedCalls(right)] : [];
    }
    case 'call_expression':
      return [cond];
    default:
      return [];
  }
}

/**
 * Whether a lock argument names its lock by an access path (`&v->arch.vgic.lock`, `lock`,
 * `&d->locks[i]`), which extraction keys like any other lock; a lock reached through a call
 * (`&vcpu_to_kvm(v)->lock`) or arithmetic has no key to match.
 */
export function isLockPath(node: SyntaxNode): boolean {
  switch (typeOf(node)) {
    case 'identifier':
      return true;
    case 'parenthesized_expression':
    case 'pointer_expression':
    case 'field_expression': {
      const inner = parts(node)[0];
      return inner !== undefined && isLockPath(inner);
    }
    case 'cast_expression': {
      const inner = node.childForFieldName('value');
      return inner !== null && isLockPath(inner);
    }
    case 'subscript_expression': {
      const inner = node.childForFieldName('argument');
      return inner !== null && isLockPath(inner);
    }
    default:
      return false;
  }
}

/**
 * Records that the caller holds the lock an assertion names (`assertion` is the whole statement
 * of it, `call` the primitive that names the lock), or reports a lock it cannot name.
 */
export function assertHeld(
  w: Walker,
  a: { name: string; arg: SyntaxNode | undefined; loc: Loc | undefined; mode: LockMode; spins: boolean; call: SyntaxNode; assertion: SyntaxNode },
): void {
  if (w.inBranch) return;
  if (!a.arg || !a.loc || !isLockPath(a.arg)) {
    const what = a.arg ? `lock \`${compact(textOf(a.arg))}\` is not an access path` : 'no lock argument';
    w.unsupported(`${a.name} (${what}: not counted as held by the caller)`, a.call);
    return;
  }
  w.heldAssertions.push({ lock: a.loc, mode: a.mode, spins: a.spins, span: spanOf(a.assertion, w.env.map), text: oneLine(w.sourceText(a.assertion)) });
}

/**
 * The locks the caller holds, from the assertions met in a walked body, and the body's events
 * with those locks held from the start. One entry per lock: an exclusive assertion outranks a
 * read one, and a lock any assertion says spins does.
 */
export function applyCallerHolds(events: readonly Event[], asserted: readonly CallerHeld[]): { events: readonly Event[]; holds: CallerHeld[] } {
  const own = new Set(events.flatMap((e) => (e.kind === 'LOCK' || e.kind === 'UNLOCK' ? [e.lock.key] : [])));
  const holds: CallerHeld[] = [];
  for (const a of asserted) {
    if (own.has(a.lock.key)) continue;
    const i = holds.findIndex((h) => h.lock.key === a.lock.key);
    const known = holds[i];
    if (!known) holds.push(a);
    else holds[i] = { ...(known.mode === 'read' && a.mode !== 'read' ? a : known), spins: known.spins || a.spins };
  }
  if (holds.length === 0) return { events, holds };
  const keys = holds.map((h) => h.lock.key);
  return { events: events.map((e) => ({ ...e, held: [...keys, ...e.held.filter((k) => !keys.includes(k))] })), holds };
}
