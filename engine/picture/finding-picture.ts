// The picture of a finding (or of a .litmus verdict): its witness execution, drawn. The
// finding's litmus test is simulated again, with a witness, under the first target model that
// allows the outcome (ARMv8, LKMM, x86-TSO, SC), so the picture is an execution the model
// really allows, not a drawing of the message. Pure: the CLI writes the SVG to a file
// (`check --graph`), the language server hands it to the editor ("Show execution").
import { parseLitmus } from '../litmus/parser';
import { formatCondition } from '../litmus/print';
import type { ModelName } from '../models/model';
import { MODEL_TITLES } from '../checks/targets';
import type { Finding } from '../checks/types';
import type { Budget } from '../sim/candidates';
import { simulate } from '../sim/simulate';
import { isHvTest } from '../hv/compile';
import { simulateHv } from '../hv/lost-wakeup';
import { executionSvg } from './execution-svg';

const PREFERENCE: readonly ModelName[] = ['armv8', 'lkmm', 'x86-tso', 'sc'];

export type Picture = { readonly svg: string; readonly title: string } | { readonly none: string };

/**
 * The litmus test behind a finding: its own generated test, or, for the verdict of a `.litmus`
 * document, the document itself. Undefined when the finding has no execution behind it.
 */
export function pictureSource(finding: Finding, doc: { kind: string; text: string }): { litmus: string; lineWord: string } | undefined {
  if (finding.litmus) return { litmus: finding.litmus, lineWord: 'test line' };
  if (doc.kind === 'litmus' && finding.code === 'litmus-verdict') return { litmus: doc.text, lineWord: 'line' };
  return undefined;
}

/** Whether a finding has an execution worth drawing: a test, and a model that allows its outcome. */
export function hasPicture(finding: Finding, doc: { kind: string; text: string }): boolean {
  return pictureSource(finding, doc) !== undefined && finding.models.some((m) => m.verdict === 'allowed');
}

/** The SVG of a finding's witness, or why there is none. */
export function findingPicture(a: { finding: Finding; litmus: string; lineWord?: string; budget?: Partial<Budget> }): Picture {
  const parsed = parseLitmus(a.litmus);
  if (!parsed.value) return { none: `its litmus test does not parse: ${parsed.problems[0]?.message ?? ''}` };
  const test = parsed.value;
  const allowedBy = a.finding.models.filter((m) => m.verdict === 'allowed').map((m) => m.model);
  const candidates = allowedBy.length ? PREFERENCE.filter((m) => allowedBy.includes(m)) : PREFERENCE;
  // A lost-wakeup finding's test has hypervisor events: compiled per model, then simulated.
  const opts = { models: candidates, witness: true, budget: a.budget };
  const sim = isHvTest(test) ? simulateHv(test, opts).value : simulate(test, opts);
  if (!sim) return { none: 'its hypervisor events do not compile to a litmus test' };
  const r = sim.results.find((x) => x.status === 'complete' && x.observation !== 'Never' && x.witness);
  if (!r?.witness) {
    const spent = sim.results.find((x) => x.status !== 'complete');
    if (spent) return { none: `the simulation under ${MODEL_TITLES[spent.model]} did not complete (${spent.status}): no execution to draw` };
    return { none: 'no model allows the bad outcome: there is no execution to draw' };
  }
  const names = new Map<number, string>();
  for (const t of test.threads) {
    const comment = new RegExp(`^P${t.id}\\(.*\\)\\s*/\\*\\s*(.*?)\\s*\\*/`, 'm').exec(a.litmus)?.[1] ?? t.origin;
    names.set(t.id, comment ? `P${t.id} ${comment}` : `P${t.id}`);
  }
  const title = `${test.name}: ${formatCondition(test.condition.quantifier, test.condition.prop)}`;
  return {
    title,
    svg: executionSvg({
      witness: r.witness,
      title,
      subtitle: `${MODEL_TITLES[r.model]} allows it (${r.positive} of ${r.positive + r.negative} executions); this is one of them`,
      threadNames: names,
      lineWord: a.lineWord,
    }),
  };
}
