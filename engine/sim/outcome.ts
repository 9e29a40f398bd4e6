// Final states and the test's condition: what herd prints as `States`, `Positive`/`Negative`.
import type { CondVar, LitmusTest, Prop, Value } from '../litmus/ast';
import { sameValue } from './events';
import type { Candidate } from './candidates';

/** The variables a test shows in each final state: `locations` plus the condition's, sorted as herd does. */
export function observedVars(test: LitmusTest): CondVar[] {
  const vars = new Map<string, CondVar>();
  const add = (v: CondVar): void => { vars.set(condVarKey(v), v); };
  test.locations.forEach(add);
  const walk = (p: Prop): void => {
    switch (p.kind) {
      case 'eq': add(p.lhs); return;
      case 'same': add(p.lhs); add(p.rhs); return;
      case 'not': walk(p.arg); return;
      case 'and': case 'or': case 'implies': walk(p.left); walk(p.right); return;
      default: return;
    }
  };
  walk(test.condition.prop);
  return [...vars.values()].sort(compareCondVars);
}

export function condVarKey(v: CondVar): string {
  return v.kind === 'reg' ? `${v.thread}:${v.name}` : `[${v.name}]`;
}

function compareCondVars(a: CondVar, b: CondVar): number {
  if (a.kind !== b.kind) return a.kind === 'reg' ? -1 : 1;
  if (a.kind === 'reg' && b.kind === 'reg' && a.thread !== b.thread) return a.thread - b.thread;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Read id → symbolic value, for reads no equation fixes (thin-air.ts). */
export type Unknowns = ReadonlyMap<number, Value> | undefined;

/**
 * Reads a variable's final value in a candidate: a register at thread end, or the co-last
 * write. A register or write that holds an unfixed read's value unchanged shows it symbolic.
 */
export function finalValue(c: Candidate, v: CondVar, unknowns?: Unknowns): Value {
  if (v.kind === 'reg') {
    const tr = c.combo.traces[v.thread];
    const copied = unknowns ? tr?.regCopies.get(v.name) : undefined;
    if (copied !== undefined) {
      const id = c.combo.events.findIndex((e) => e.thread === v.thread && e.poIndex === copied);
      const sym = unknowns!.get(id);
      if (sym) return sym;
    }
    return tr?.regs.get(v.name) ?? 0;
  }
  const order = c.co.get(v.name);
  if (!order || order.length === 0) return 0;
  const last = order[order.length - 1]!;
  const from = unknowns ? c.combo.copies.get(last) : undefined;
  if (from !== undefined) {
    const sym = unknowns!.get(from);
    if (sym) return sym;
  }
  return c.combo.events[last]!.value ?? 0;
}

export function evalProp(p: Prop, c: Candidate, unknowns?: Unknowns): boolean {
  switch (p.kind) {
    case 'true': return true;
    case 'false': return false;
    case 'eq': return sameValue(finalValue(c, p.lhs, unknowns), p.value);
    case 'same': return sameValue(finalValue(c, p.lhs, unknowns), finalValue(c, p.rhs, unknowns));
    case 'not': return !evalProp(p.arg, c, unknowns);
    case 'and': return evalProp(p.left, c, unknowns) && evalProp(p.right, c, unknowns);
    case 'or': return evalProp(p.left, c, unknowns) || evalProp(p.right, c, unknowns);
    case 'implies': return !evalProp(p.left, c, unknowns) || evalProp(p.right, c, unknowns);
  }
}

/** herd's order of final values: unsolved unknowns, then integers, then addresses. */
export function compareValues(a: Value, b: Value): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const symA = typeof a !== 'number' && !!a.symbolic;
  const symB = typeof b !== 'number' && !!b.symbolic;
  if (symA !== symB) return symA ? -1 : 1;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0;
}
