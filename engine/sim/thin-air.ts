// Values that come from nowhere. herd7 does not pick read values from a domain: each read's
// value is an unknown, fixed by the equations of its candidate execution (a read equals the
// write it reads from; a write equals the expression it stores). When reads feed each other
// in a cycle through rf and data flow, with no constant anywhere on the cycle, the equations
// do not fix the value:
//   - if every step of the cycle copies the value unchanged (`*a = *b` on one side, `*b = *a`
//     on the other), herd keeps the execution with the value left symbolic, printed `S<n>` in
//     the final state and equal to no constant in the condition;
//   - if some step computes (`(r3 + 1) & r2`), herd cannot solve the equations and the
//     candidate is not an execution at all.
// Our reads do take values from a domain, so such a cycle shows up once per domain value that
// fits it. This file finds those reads, so the caller can drop, merge or refuse the candidate.
import type { Value } from '../litmus/ast';
import type { Candidate } from './candidates';
import type { UnsupportedConstruct } from './trace';

export type ThinAir =
  | { readonly kind: 'none' }
  /** The equations cannot be solved: herd has no such execution. */
  | { readonly kind: 'unsolvable' }
  /** Values we cannot show the way herd would (a branch or an address on an unfixed value). */
  | { readonly kind: 'unsupported'; readonly construct: UnsupportedConstruct }
  /** Read id → the symbolic value (`S<id of the group's first read>`) it stands for. */
  | { readonly kind: 'symbolic'; readonly values: ReadonlyMap<number, Value> };

const NONE: ThinAir = { kind: 'none' };

export function thinAir(c: Candidate): ThinAir {
  const { events, deps, copies, decided } = c.combo;
  // Quick exit: without a write that stores a read's value, every read is grounded.
  let carries = false;
  for (const w of c.rf.values()) if (deps[w]!.data.length > 0) { carries = true; break; }
  if (!carries) return NONE;
  // Grounded reads, as a least fixpoint: a read is grounded when the write it reads from stores
  // a value computed only from grounded reads (or from none: a constant, an initial value).
  const grounded = new Set<number>();
  for (let grew = true; grew;) {
    grew = false;
    for (const [r, w] of c.rf) {
      if (grounded.has(r)) continue;
      if (deps[w]!.data.every((d) => grounded.has(d))) { grounded.add(r); grew = true; }
    }
  }
  if (grounded.size === c.rf.size) return NONE;
  const unfixed = new Set([...c.rf.keys()].filter((r) => !grounded.has(r)));
  // Union-find over copies: reads joined by an unchanged copy share one unknown.
  const parent = new Map<number, number>();
  const find = (r: number): number => { let p = r; while (parent.get(p) !== undefined && parent.get(p) !== p) p = parent.get(p)!; return p; };
  for (const r of unfixed) {
    const w = c.rf.get(r)!;
    const from = copies.get(w);
    if (from === undefined) return { kind: 'unsolvable' };
    const [a, b] = [find(r), find(from)].sort((x, y) => x - y);
    parent.set(b!, a!);
  }
  for (let id = 0; id < events.length; id++) {
    const d = deps[id]!;
    const onUnfixed = (list: readonly number[]): boolean => list.some((x) => unfixed.has(x));
    const at = events[id]!.pos ?? { line: 0, col: 0 };
    if (onUnfixed(d.addr)) return { kind: 'unsupported', construct: { construct: 'an address computed from an out-of-thin-air value', pos: at } };
    if (events[id]!.kind === 'W' && onUnfixed(d.data) && !copies.has(id)) {
      return { kind: 'unsupported', construct: { construct: 'a value computed from an out-of-thin-air value', pos: at } };
    }
  }
  for (const r of decided) {
    if (unfixed.has(r)) return { kind: 'unsupported', construct: { construct: 'a branch on an out-of-thin-air value', pos: events[r]!.pos ?? { line: 0, col: 0 } } };
  }
  const values = new Map<number, Value>();
  for (const r of unfixed) values.set(r, { addr: `S${find(r)}`, symbolic: true });
  return { kind: 'symbolic', values };
}

/**
 * A key that is equal for candidates which differ only in the domain value standing for the
 * unknowns: herd has one execution for all of them.
 */
export function symbolicKey(c: Candidate, values: ReadonlyMap<number, Value>): string {
  const parts: string[] = [];
  for (const e of c.combo.events) {
    const sym = e.kind === 'R' ? values.get(e.id) : e.kind === 'W' && c.combo.copies.has(e.id) ? values.get(c.combo.copies.get(e.id)!) : undefined;
    parts.push(`${e.thread}.${e.poIndex}${e.kind}${e.loc ?? ''}=${sym ? 'S' : JSON.stringify(e.value)}`);
  }
  for (const [r, w] of c.rf) parts.push(`${r}<${w}`);
  for (const [loc, order] of c.co) parts.push(`${loc}:${order.join(',')}`);
  return parts.join(' ');
}
