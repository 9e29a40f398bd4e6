// Analysis of a .litmus document for editors: per-model verdicts as findings on the
// condition, and a mismatch with the file's own `Result:` line as a warning.
import { parseLitmus } from './litmus/parser';
import { MODEL_NAMES } from './models/registry';
import type { ModelName } from './models/model';
import { simulate, type ModelResult } from './sim/simulate';
import { isHvTest } from './hv/compile';
import { simulateHv } from './hv/lost-wakeup';
import type { Budget } from './sim/candidates';
import type { Analysis, Finding, ModelEvidence } from './checks/types';

function evidence(r: ModelResult): ModelEvidence {
  if (r.status === 'unsupported') return { model: r.model, verdict: 'unsupported', detail: r.unsupported?.construct };
  if (r.status === 'inconclusive') return { model: r.model, verdict: 'inconclusive' };
  return { model: r.model, verdict: r.observation === 'Never' ? 'forbidden' : 'allowed', detail: `${r.observation} ${r.positive} ${r.negative}` };
}

export function analyzeLitmus(input: { text: string; models?: readonly ModelName[]; budget?: Partial<Budget> }): Analysis {
  const parsed = parseLitmus(input.text);
  if (!parsed.value) return { findings: [], notes: [], problems: parsed.problems.map((p) => ({ ...p })) };
  const test = parsed.value;
  const hv = isHvTest(test) ? simulateHv(test, { models: input.models ?? MODEL_NAMES, budget: input.budget, witness: false }) : undefined;
  if (hv && !hv.value) return { findings: [], notes: [], problems: hv.problems.map((p) => ({ ...p })) };
  const sim = hv?.value ?? simulate(test, { models: input.models ?? MODEL_NAMES, budget: input.budget, witness: false });
  const models = sim.results.map(evidence);
  const { line, col } = test.condition.pos;
  const condLine = input.text.split('\n')[line - 1] ?? '';
  const place = { range: { line, col, endLine: line, endCol: Math.max(col + 1, condLine.length + 1) } };
  const table = models.map((m) => `${m.model}: ${m.verdict}${m.detail ? ` (${m.detail})` : ''}`).join('; ');
  const findings: Finding[] = [{
    id: 'verdict', code: 'litmus-verdict', severity: 'information', place,
    message: `${test.name}: ${table}`,
    explanation: ['| model | outcome | herd observation |', '|---|---|---|', ...models.map((m) => `| ${m.model} | ${m.verdict} | ${m.detail ?? ''} |`)].join('\n'),
    related: [], models, fixes: [],
  }];
  const declared = /Result:\s*(\w+)/.exec(test.comment ?? '')?.[1];
  const lkmm = sim.results.find((r) => r.model === 'lkmm');
  if (declared && lkmm && lkmm.status === 'complete') {
    const ours = lkmm.observation === 'Never' && lkmm.positive + lkmm.negative === 0 ? 'DEADLOCK' : lkmm.observation;
    if (ours !== declared) {
      findings.push({
        id: 'result', code: 'litmus-result-mismatch', severity: 'warning', place,
        message: `The file says Result: ${declared}, but LKMM gives ${ours}.`,
        explanation: `The test's own \`Result:\` line says ${declared}; simulating it under LKMM gives ${ours} (${lkmm.positive} positive, ${lkmm.negative} negative).`,
        related: [], models, fixes: [],
      });
    }
  }
  return { findings, notes: [], problems: [] };
}
