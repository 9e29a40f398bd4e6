// herd7-compatible text output for a simulated test, and the condition printer it needs.
import type { CondVar, Prop, Quantifier, Value } from './ast';
import type { ModelResult, SimulationResult } from '../sim/simulate';

export function formatValue(v: Value): string {
  return typeof v === 'number' ? String(v) : v.addr;
}

export function formatCondVar(v: CondVar): string {
  return v.kind === 'reg' ? `${v.thread}:${v.name}` : `[${v.name}]`;
}

const PREC: Record<Prop['kind'], number> = { implies: 1, or: 2, and: 3, not: 4, eq: 5, same: 5, true: 5, false: 5 };

/** Prints a proposition as herd does: `/\` binds tighter than `\/`; parentheses only where needed. */
export function formatProp(p: Prop, parent = 0): string {
  const wrap = (s: string): string => (PREC[p.kind] < parent ? `(${s})` : s);
  switch (p.kind) {
    case 'true': return 'true';
    case 'false': return 'false';
    case 'eq': return `${formatCondVar(p.lhs)}=${formatValue(p.value)}`;
    case 'same': return `${formatCondVar(p.lhs)}=${formatCondVar(p.rhs)}`;
    // herd prints a negation (`~p`, `not p`, `x != v`) as `not (p)`.
    case 'not': return `not (${formatProp(p.arg)})`;
    case 'and': return wrap(`${formatProp(p.left, PREC.and)} /\\ ${formatProp(p.right, PREC.and + 1)}`);
    case 'or': return wrap(`${formatProp(p.left, PREC.or)} \\/ ${formatProp(p.right, PREC.or + 1)}`);
    case 'implies': return wrap(`${formatProp(p.left, PREC.implies + 1)} => ${formatProp(p.right, PREC.implies)}`);
  }
}

export function formatCondition(q: Quantifier, p: Prop): string {
  return `${q} (${formatProp(p)})`;
}

const KIND: Record<Quantifier, string> = { exists: 'Allowed', '~exists': 'Forbidden', forall: 'Required' };

/** The herd7 report for one model's result (without herd's Time and Hash lines). */
export function formatHerd(sim: SimulationResult, r: ModelResult): string {
  const { test } = sim;
  if (r.status === 'unsupported' && r.unsupported) {
    return `unsupported: ${r.unsupported.construct} at ${r.unsupported.pos.line}:${r.unsupported.pos.col}\n`;
  }
  const lines = [`Test ${test.name} ${KIND[test.condition.quantifier]}`, `States ${r.states.length}`];
  for (const s of r.states) lines.push(s.map((v, i) => `${formatCondVar(sim.observed[i]!)}=${formatValue(v)};`).join(' '));
  lines.push(r.ok ? 'Ok' : 'No', 'Witnesses', `Positive: ${r.positive} Negative: ${r.negative}`);
  for (const f of r.flags) lines.push(`Flag ${f}`);
  lines.push(`Condition ${formatCondition(test.condition.quantifier, test.condition.prop)}`);
  lines.push(`Observation ${test.name} ${r.observation} ${r.positive} ${r.negative}`);
  if (r.status === 'inconclusive') lines.push(`Inconclusive: ${sim.inconclusiveReason ?? 'budget exceeded'} (counts are partial)`);
  return lines.join('\n') + '\n';
}

/** One line per model, for `--model all`. */
export function formatVerdictLine(sim: SimulationResult, r: ModelResult): string {
  const name = sim.test.name;
  if (r.status === 'unsupported' && r.unsupported) {
    return `${name} ${r.model}: unsupported: ${r.unsupported.construct} at ${r.unsupported.pos.line}:${r.unsupported.pos.col}`;
  }
  if (r.status === 'inconclusive') return `${name} ${r.model}: inconclusive (${sim.inconclusiveReason ?? 'budget exceeded'})`;
  const verdict = r.observation === 'Never' ? 'forbidden' : 'allowed';
  return `${name} ${r.model}: ${verdict} (${r.observation} ${r.positive} ${r.negative})`;
}
