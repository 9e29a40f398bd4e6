// What the walker knows about names: locals and by-value parameters are private to the thread;
// globals declared at file scope (or matched by the user's `shared` patterns) are shared.
import { balanced } from '../c/prepare';
export interface LocalVar {
  /** The declared type without the declarator: `struct vcpu`, `unsigned long`. */
  readonly type: string;
  readonly pointer: boolean;
  readonly array: boolean;
  /** Events whose values the variable currently holds (for data/address/control deps). */
  taint: Set<number>;
  /** Set when the variable is `current` (assigned from it or asserted equal to it). */
  current: boolean;
  /** For a parameter: the function it belongs to. */
  readonly paramOf?: string;
  /** A pointer-to-pointer parameter (`T **p`): `*p` is a pointer its caller owns. */
  readonly outParam?: boolean;
}

export class Scope {
  readonly locals = new Map<string, LocalVar>();

  constructor(
    /** Names declared at file scope in the same source (and static locals). */
    readonly globals: ReadonlySet<string>,
    readonly sharedPatterns: readonly RegExp[],
  ) {}

  declare(name: string, v: Omit<LocalVar, 'taint' | 'current'>): LocalVar {
    const local: LocalVar = { ...v, taint: new Set(), current: false };
    this.locals.set(name, local);
    return local;
  }

  isGlobal(name: string): boolean {
    if (this.locals.has(name)) return false;
    return this.globals.has(name) || this.sharedPatterns.some((re) => re.test(name));
  }

  /** A snapshot of every local's taint, to merge the arms of a branch. */
  saveTaint(): Map<string, Set<number>> {
    return new Map([...this.locals].map(([k, v]) => [k, new Set(v.taint)]));
  }

  /** After both arms: a local carries what either arm could have left in it. */
  mergeTaint(other: Map<string, Set<number>>): void {
    for (const [k, t] of other) {
      const v = this.locals.get(k);
      if (v) for (const id of t) v.taint.add(id);
    }
  }

  /** Puts a snapshot back; the snapshot's sets are taken over, so it must not be used again. */
  restoreTaint(saved: Map<string, Set<number>>): void {
    for (const [k, t] of saved) {
      const v = this.locals.get(k);
      if (v) v.taint = t;
    }
  }
}

/**
 * A parameter's value at entry, as a taint: a marker far above any event id, so it never becomes
 * a dependency inside the function (deps only point from a lower event id to a higher one) and
 * is told apart where a condition is recorded (Cond.params).
 */
const PARAM_TAINT = 1 << 30;

export function paramTaint(index: number): number {
  return PARAM_TAINT + index;
}

/** Splits a taint into the events it names and the parameter indices it carries. */
export function splitTaint(taint: Iterable<number>): { reads: number[]; params: number[] } {
  const reads: number[] = [];
  const params: number[] = [];
  for (const t of taint) (t >= PARAM_TAINT ? params : reads).push(t >= PARAM_TAINT ? t - PARAM_TAINT : t);
  return { reads: reads.sort((a, b) => a - b), params: params.sort((a, b) => a - b) };
}

/**
 * A condition's text without its enclosing parentheses and likely()/unlikely(), as compact()
 * gives it: `(unlikely(!desc))` is `!desc`. Only parentheses that enclose the whole text.
 */
export function unwrapCondition(text: string): string {
  let s = text;
  for (;;) {
    const m = /^(?:likely|unlikely)?\((.*)\)$/.exec(s);
    if (!m || !balanced(m[1]!)) return s;
    s = m[1]!;
  }
}

/** Text without whitespace or comments, for access paths and argument display. */
export function compact(text: string): string {
  // Fast paths (most texts have no comment, and many no space): same result, no new strings.
  if (!text.includes('/*')) return ANY_SPACE.test(text) ? text.replace(/\s+/g, '') : text;
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\s+/g, '');
}

const ANY_SPACE = /\s/;
/** Whitespace that `\s+ → ' '` would change: a run of two, or any other than a plain space. */
const ODD_SPACE = /[^\S ]| {2}/;

/** Single-spaced text, for showing an expression in one line. */
export function oneLine(text: string, max = 100): string {
  const plain = !text.includes('/*') && !ODD_SPACE.test(text);
  const t = plain ? text.trim() : text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\s+/g, ' ').trim();
  return t.length > max ? t.slice(0, max - 1) + '…' : t;
}
