// Words for the ordering findings: one-sentence messages and markdown explanations that say
// what reorders, who can see it, and under which assumption.
import type { Event } from '../extract/types';
import { SHAPE_NAMES, sideLabel, type Scenario, type Side } from '../pair/scenario';
import { sideIndexIn, type Fault } from './ordering';
import { listModels, MODEL_TITLES } from './targets';
import type { ModelEvidence } from './types';

export function code(e: Event | undefined, fallback: string): string {
  return e ? `\`${e.text.replace(/\s+/g, ' ')}\`` : `\`${fallback}\``;
}

/** What goes wrong in one case, in one sentence (without the per-model part). */
export function outcome(s: Scenario, sideIndex: number): string {
  const [a, b] = s.sides;
  const other = s.sides[1 - sideIndex]!;
  switch (s.shape) {
    case 'MP':
      return sideIndex === 0
        ? `${code(a.second, s.locs[1].text)} can become visible before the earlier store to \`${s.locs[0].text}\`, so ${sideLabel(other)} may see it and still read the old \`${s.locs[0].text}\``
        : `${code(b.second, s.locs[0].text)} can be satisfied before ${code(b.first, s.locs[1].text)}, so it may return the old \`${locText(b.second, s.locs[0].text)}\` although \`${b.firstLoc.text}\` was seen updated by ${sideLabel(a)}`;
    case 'SB':
      return `${code(s.sides[sideIndex]!.second, '')} can be satisfied before ${code(s.sides[sideIndex]!.first, '')} is visible, so this CPU and ${sideLabel(other)} may both miss each other's store (store buffering)`;
    case 'LB':
      return `${code(s.sides[sideIndex]!.second, '')} can become visible before ${code(s.sides[sideIndex]!.first, '')} has read, so each CPU may read the other's later store (load buffering)`;
  }
}

function locText(e: Event | undefined, fallback: string): string {
  return e && 'loc' in e ? e.loc.text : fallback;
}

export function modelLine(models: readonly ModelEvidence[]): string {
  return models.map((m) => `${MODEL_TITLES[m.model]}: ${m.verdict}`).join(', ');
}

export function faultMessage(f: Fault): string {
  const c = f.cases[0]!;
  const allowed = listModels(f.allowed);
  const more = f.cases.length > 1 ? ` (and ${f.cases.length - 1} similar case${f.cases.length > 2 ? 's' : ''})` : '';
  const unjudged = f.unjudged.length ? `; ${listModels(f.unjudged)} cannot judge it (${unjudgedWhy(f)})` : '';
  return `${capitalize(outcome(c.scenario, sideIndexIn(f, c)))}${more}; allowed on ${allowed}${f.forbidden.length ? `, forbidden on ${listModels(f.forbidden)}` : ''}${unjudged}.`;
}

/** Why the targets that could not judge a fault did not: the first detail they gave. */
function unjudgedWhy(f: Fault): string {
  for (const c of f.cases) {
    for (const m of c.judgement.models) if (f.unjudged.includes(m.model) && m.detail) return `${m.verdict}: ${m.detail}`;
  }
  return 'unsupported';
}

export function faultExplanation(f: Fault): string {
  const lines: string[] = [];
  for (const c of f.cases) {
    const s = c.scenario;
    lines.push(`**${SHAPE_NAMES[s.shape]}** between ${sides(s)}: ${outcome(s, sideIndexIn(f, c))}.`);
    for (const side of s.sides) {
      if (side.assumed) lines.push(`- Assumption: ${side.assumed}.`);
      if (side.synthesized) lines.push(`- Assumption: ${side.synthesized}.`);
    }
    lines.push(`- ${modelLine(c.judgement.models)}.`);
  }
  lines.push('', `Targets for this code: ${listModels(f.targets)}. Plain accesses are judged as single loads and stores (READ_ONCE/WRITE_ONCE).`);
  return lines.join('\n');
}

function sides(s: Scenario): string {
  return s.sides.map((x: Side) => sideLabel(x)).join(' and ');
}

export function capitalize(s: string): string {
  return s.length ? s[0]!.toUpperCase() + s.slice(1) : s;
}
