// Bits of a flag word: which bit a condition tests and which bit a write sets or clears. With
// both known, a litmus test can say which value of the flag a branch needs: a reader that goes
// on only while VPF_blocked is set never does so after seeing vcpu_unblock()'s clear_bit().
import { operatorBetween, parts, textOf, typeOf, type SyntaxNode } from '../c/parser';
import { compact } from './scope';
import type { BitRef, BitWrite, Cond, Event } from './types';

/**
 * A bit named by a constant: a number, or a name in the style of one (`_VPF_blocked`,
 * `VPF_blocked`, `KVM_REQ_VCPU_RESET`). A variable index (`v->vcpu_id`) may name a different
 * bit on each CPU, so nothing is concluded from it.
 */
const CONSTANT = /^(?:\d+|_*[A-Z][A-Z0-9]*(?:_\w+)?)$/;

/** Outer parentheses and integer suffixes dropped: `(1UL << _X)` → `1<<_X`. */
function bare(text: string): string {
  let t = compact(text);
  while (/^\(.*\)$/.test(t) && balancedInside(t)) t = t.slice(1, -1);
  return t;
}

function balancedInside(t: string): boolean {
  let depth = 0;
  for (let i = 0; i < t.length - 1; i++) {
    if (t[i] === '(') depth++;
    else if (t[i] === ')' && --depth === 0) return false;
  }
  return true;
}

function literal(t: string): number | undefined {
  const m = /^(0x[0-9a-fA-F]+|\d+)[uUlL]*$/.exec(t);
  return m ? Number(m[1]) : undefined;
}

/** The bit as written, a shift of one or a power of two read as its number. */
export function bitRef(text: string, form: BitRef['form']): BitRef {
  const t = bare(text);
  if (form === 'number') {
    const n = literal(t);
    return { text: n !== undefined ? String(n) : t, form };
  }
  const shift = /^1[uUlL]*<<(.+)$/.exec(t) ?? /^BIT(?:_ULL)?\((.+)\)$/.exec(t);
  if (shift) return bitRef(shift[1]!, 'number');
  const n = literal(t);
  if (n !== undefined && n > 0 && (n & (n - 1)) === 0) return { text: String(Math.log2(n)), form: 'number' };
  return { text: t, form };
}

/**
 * Two constants that name the same bit: the same text in the same form, or a mask `M` and the
 * number `_M` (Xen defines each flag that way, `#define _VPF_blocked 0` and
 * `#define VPF_blocked (1UL<<_VPF_blocked)`; every such pair in Xen 4.17's headers agrees).
 * Anything else, an alias included (`_PGC_need_scrub` for `_PGC_allocated`), is not known to be.
 */
export function sameBit(a: BitRef, b: BitRef): boolean {
  if (!CONSTANT.test(a.text) || !CONSTANT.test(b.text)) return false;
  if (a.form === b.form) return a.text === b.text;
  const [mask, num] = a.form === 'mask' ? [a, b] : [b, a];
  return num.text === `_${mask.text}`;
}

/** The bit a write sets or clears, when it changes exactly one: otherwise undefined. */
export function bitWrite(e: Event): BitWrite | undefined {
  if (e.kind === 'W') return e.bits;
  if (e.kind !== 'RMW') return undefined;
  if ((e.rmw === 'set-bit' || e.rmw === 'clear-bit') && e.bit !== undefined) return { bit: bitRef(e.bit, 'number'), set: e.rmw === 'set-bit' };
  if (e.value === undefined) return undefined;
  if (e.rmw === 'or') return { bit: bitRef(e.value, 'mask'), set: true };
  if (e.rmw === 'andnot') return { bit: bitRef(e.value, 'mask'), set: false };
  const inverted = /^~(.+)$/.exec(bare(e.value));
  if (e.rmw === 'and' && inverted) return { bit: bitRef(inverted[1]!, 'mask'), set: false };
  return undefined;
}

/** `x &= ~M` clears M, `x |= M` sets it: the bit a compound assignment changes, if one. */
export function compoundBitWrite(op: string, operand: SyntaxNode): BitWrite | undefined {
  const t = bare(textOf(operand));
  const inverted = /^~(.+)$/.exec(t);
  if (op === '&=' && inverted) return { bit: bitRef(inverted[1]!, 'mask'), set: false };
  if (op === '|=' && !inverted) return { bit: bitRef(t, 'mask'), set: true };
  return undefined;
}

/**
 * What a condition tests, when it is exactly one bit of one read: `x & M` (either order) with
 * `x` the read, or a bit test call such as `test_bit(B, p)` or `test_and_clear_bit(B, p)`
 * (which returns the bit as it found it), under any number of `!`, `== 0`,
 * `!= 0` and parentheses (likely()/unlikely() are parentheses by then: c/mask.ts). `readAt`
 * gives the read event a node produced by itself, with the bit a bit test reads.
 */
export function bitTestOf(node: SyntaxNode, readAt: (n: SyntaxNode) => { id: number; bit?: string } | undefined): FlagTest | undefined {
  let set = true;
  let n: SyntaxNode | undefined = node;
  for (;;) {
    if (!n) return undefined;
    const type = typeOf(n);
    if (type === 'parenthesized_expression') {
      const inner = parts(n);
      n = inner.length === 1 ? inner[0] : undefined;
    } else if (type === 'unary_expression' && textOf(n).trimStart().startsWith('!')) {
      set = !set;
      n = n.childForFieldName('argument') ?? undefined;
    } else if (type === 'binary_expression' && zeroComparison(n)) {
      const z = zeroComparison(n)!;
      if (z.op === '==') set = !set;
      n = z.other;
    } else break;
  }
  const whole = readAt(n);
  // The read itself: a test of the whole value for zero (a bit test call returns one bit).
  if (whole) return whole.bit !== undefined ? { bitTest: { read: whole.id, bit: bitRef(whole.bit, 'number'), set } } : { zeroTest: { read: whole.id, nonzero: set } };
  if (typeOf(n) !== 'binary_expression') return undefined;
  const [left, right] = parts(n);
  if (!left || !right || operatorBetween(n, left, right) !== '&') return undefined;
  for (const [word, mask] of [[left, right], [right, left]] as const) {
    const r = readAt(word);
    const bit = bitRef(textOf(mask), 'mask');
    if (r && r.bit === undefined && CONSTANT.test(bit.text)) return { bitTest: { read: r.id, bit, set } };
  }
  return undefined;
}

/** What a two-way condition tests of one read: one bit of it, or whether it is zero. */
export type FlagTest = { readonly bitTest: NonNullable<Cond['bitTest']> } | { readonly zeroTest: NonNullable<Cond['zeroTest']> };

/**
 * Whether a write stores a constant that is zero or not (`x = 0`, `WRITE_ONCE(x, 1)`,
 * `atomic_set(&v, 0)`, `xchg(&x, 0)`), which is all a test of the whole value for zero sees.
 */
export function storedZero(e: Event): 'zero' | 'nonzero' | undefined {
  const text = e.kind === 'W' && e.bits === undefined ? e.value : e.kind === 'RMW' && e.rmw === 'xchg' ? e.value : undefined;
  if (text === undefined) return undefined;
  const t = bare(text);
  if (t === 'false' || t === 'NULL') return 'zero';
  if (t === 'true') return 'nonzero';
  const n = literal(t);
  return n === undefined ? undefined : n === 0 ? 'zero' : 'nonzero';
}

/** `e == 0`, `0 != e` and the like: the comparison and the operand that is not the zero. */
function zeroComparison(n: SyntaxNode): { op: '==' | '!='; other: SyntaxNode } | undefined {
  const [left, right] = parts(n);
  if (!left || !right) return undefined;
  const op = operatorBetween(n, left, right);
  if (op !== '==' && op !== '!=') return undefined;
  if (literal(bare(textOf(right))) === 0) return { op, other: left };
  if (literal(bare(textOf(left))) === 0) return { op, other: right };
  return undefined;
}
