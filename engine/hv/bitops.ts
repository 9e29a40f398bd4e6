// Linux/Xen bit operations in the extended litmus form, written as the atomic operations that
// emulate them (hypervisor-primitives.md part C; Documentation/atomic_bitops.txt):
// set_bit/clear_bit/change_bit are void RMWs (unordered), test_and_*_bit are fully ordered
// value-returning RMWs (also when the bit was already in place), test_bit is a plain once read.
// Each model then judges them like any atomic: x86 LOCK-prefixed, arm64 LDXR/STXR, LKMM tags.
import type { Expr } from '../litmus/ast';

type CallExpr = Extract<Expr, { kind: 'call' }>;

/** name → [atomic operation, whether it returns the old bit]. */
const TABLE: Record<string, readonly [string, boolean]> = {
  set_bit: ['atomic_or', false],
  clear_bit: ['atomic_andnot', false],
  change_bit: ['atomic_xor', false],
  test_and_set_bit: ['atomic_fetch_or', true],
  test_and_clear_bit: ['atomic_fetch_andnot', true],
  test_and_change_bit: ['atomic_fetch_xor', true],
  test_bit: ['atomic_read', true],
};

export const BITOPS: ReadonlySet<string> = new Set(Object.keys(TABLE));

/** `set_bit(nr, p)` → `atomic_or(1 << nr, p)`; `test_and_set_bit(nr, p)` → `(atomic_fetch_or(1 << nr, p) >> nr) & 1`. */
export function rewriteBitop(e: CallExpr): { expr: Expr } | { problem: string } {
  const [op, returnsBit] = TABLE[e.name]!;
  if (e.args.length !== 2) return { problem: `${e.name}() takes (nr, addr), found ${e.args.length} arguments` };
  const [nr, addr] = e.args as [Expr, Expr];
  const pos = e.pos;
  const mask: Expr = { kind: 'binary', op: '<<', left: { kind: 'num', value: 1, pos }, right: nr, pos };
  const access: Expr = { kind: 'call', name: op, args: op === 'atomic_read' ? [addr] : [mask, addr], pos };
  if (!returnsBit) return { expr: access };
  const shifted: Expr = { kind: 'binary', op: '>>', left: access, right: nr, pos };
  return { expr: { kind: 'binary', op: '&', left: shifted, right: { kind: 'num', value: 1, pos }, pos } };
}
