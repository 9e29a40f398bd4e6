// `check --graph DIR`: one SVG per finding (and per .litmus verdict) of the execution that
// reaches the bad outcome. The finding's litmus test is simulated again, with a witness, under
// the first target model that allows the outcome (ARMv8, LKMM, x86-TSO, SC), so the picture is
// an execution the model really allows, not a drawing of the message.
import { parseLitmus } from '../litmus/parser';
import { formatCondition } from '../litmus/print';
import type { ModelName } from '../models/model';
import { MODEL_TITLES } from '../checks/targets';
import type { Finding } from '../checks/types';
import { simulate } from '../sim/simulate';
import { isHvTest } from '../hv/compile';
import { simulateHv } from '../hv/lost-wakeup';
import { executionSvg } from './format/execution-svg';

const PREFERENCE: readonly ModelName[] = ['armv8', 'lkmm', 'x86-tso', 'sc'];

/** The SVG of a finding's witness, or why there is none. */
export function findingPicture(a: { finding: Finding; litmus: string; lineWord?: string }): { svg: string } | { none: string } {
  const parsed = parseLitmus(a.litmus);
  if (!parsed.value) return { none: `its litmus test does not parse: ${parsed.problems[0]?.message ?? ''}` };
  const test = parsed.value;
  const allowedBy = a.finding.models.filter((m) => m.verdict === 'allowed').map((m) => m.model);
  const candidates = allowedBy.length ? PREFERENCE.filter((m) => allowedBy.includes(m)) : PREFERENCE;
  // A lost-wakeup finding's test has hypervisor events: compiled per model, then simulated.
  const sim = isHvTest(test) ? simulateHv(test, { models: candidates, witness: true }).value : simulate(test, { models: candidates, witness: true });
  if (!sim) return { none: 'its hypervisor events do not compile to a litmus test' };
  const r = sim.results.find((x) => x.status === 'complete' && x.observation !== 'Never' && x.witness);
  if (!r?.witness) return { none: 'no model allows the bad outcome: there is no execution to draw' };
  const names = new Map<number, string>();
  for (const t of test.threads) {
    const comment = new RegExp(`^P${t.id}\\(.*\\)\\s*/\\*\\s*(.*?)\\s*\\*/`, 'm').exec(a.litmus)?.[1] ?? t.origin;
    names.set(t.id, comment ? `P${t.id} ${comment}` : `P${t.id}`);
  }
  return {
    svg: executionSvg({
      witness: r.witness,
      title: `${test.name}: ${formatCondition(test.condition.quantifier, test.condition.prop)}`,
      subtitle: `${MODEL_TITLES[r.model]} allows it (${r.positive} of ${r.positive + r.negative} executions); this is one of them`,
      threadNames: names,
      lineWord: a.lineWord,
    }),
  };
}

/** A file name for a finding's picture: the input's base name, the position and the code. */
export function pictureName(file: string, f: Finding): string {
  const base = file.replace(/^.*[\\/]/, '').replace(/[^A-Za-z0-9._-]/g, '_');
  return `${base}-${f.place.range.line}-${f.place.range.col}-${f.code}.svg`;
}
