// Hover content: the markdown half of the engine → LSP translation. On a finding it shows
// the per-model table, the witness steps per CPU, the explanation and the litmus test; on a
// note (a barrier, a shared access, a lock) it shows the note's own markdown.
import type { Hover, MarkupContent } from 'vscode-languageserver';
import type { Analysis, Finding, Fix, ModelEvidence, Note, Place } from '../../engine/checks/types';
import { overstrongFixes } from '../../engine/fix/overstrong-fixes';
import { docsHref, isHere, toRange, type UriOf } from './to-proto';

const MODEL_TITLES: Record<string, string> = { sc: 'SC', 'x86-tso': 'x86-TSO', armv8: 'ARMv8', lkmm: 'LKMM' };

function contains(place: Place, line: number, col: number): boolean {
  const r = place.range;
  if (line < r.line || line > r.endLine) return false;
  if (line === r.line && col < r.col) return false;
  // The end is exclusive, but a hover right after the last character still means this span.
  if (line === r.endLine && col > r.endCol) return false;
  return true;
}

function modelTable(models: readonly ModelEvidence[]): string {
  if (models.length === 0) return '';
  // The detail column only when some model has one: the table is what the reader sees first.
  if (!models.some((m) => m.detail)) {
    return ['| model | bad outcome |', '|---|---|', ...models.map((m) => `| ${MODEL_TITLES[m.model] ?? m.model} | ${m.verdict} |`)].join('\n');
  }
  const rows = models.map((m) => `| ${MODEL_TITLES[m.model] ?? m.model} | ${m.verdict} | ${m.detail ?? ''} |`);
  return ['| model | bad outcome | detail |', '|---|---|---|', ...rows].join('\n');
}

function witnessSteps(f: Finding): string {
  if (!f.witness || f.witness.length === 0) return '';
  const cpus = [...new Set(f.witness.map((s) => s.cpu))].sort((a, b) => a - b);
  const parts = cpus.map((cpu) => {
    const steps = f.witness!.filter((s) => s.cpu === cpu).sort((a, b) => a.step - b.step);
    return [`CPU ${cpu}:`, ...steps.map((s) => `${s.step}. ${s.text}`)].join('\n');
  });
  return ['**Witness execution**', '', ...parts].join('\n\n');
}

/**
 * A finding's hover. The editor already shows the diagnostic's message above it, so the hover
 * opens with what the message cannot hold: the verdict per model and the execution that reaches
 * the bad outcome; then the explanation, the test, the fixes and the link to the check's page.
 */
export function findingMarkdown(f: Finding): string {
  const sections = [modelTable(f.models), witnessSteps(f), f.explanation];
  if (f.litmus) sections.push('**Litmus test**\n\n```litmus\n' + f.litmus.trimEnd() + '\n```');
  if (f.fixes.length > 0) {
    const over = overstrongFixes(f.fixes);
    const label = (x: Fix, i: number): string => (over.has(i) ? `${x.title} (over-strong)` : x.preferred ? `${x.title} (preferred)` : x.title);
    const listed = f.fixes.map(label);
    sections.push('**Fixes**: ' + [...listed.filter((_, i) => !over.has(i)), ...listed.filter((_, i) => over.has(i))].join('; '));
  }
  sections.push(`[\`${f.code}\`](${docsHref(f.code)}): what this check finds and why it matters`);
  return sections.filter((s) => s.trim() !== '').join('\n\n');
}

function noteMarkdown(n: Note): string {
  return n.markdown;
}

/** The hover at a 1-based position, or null when nothing of ours is there. */
export function hoverAt(a: Analysis, pos: { line: number; col: number }, ctx: { docUri: string; uriOf: UriOf }): Hover | null {
  const here = (p: Place): boolean => isHere(p, ctx.docUri, ctx.uriOf) && contains(p, pos.line, pos.col);
  const findings = a.findings.filter((f) => here(f.place));
  const notes = a.notes.filter((n) => here(n.place));
  if (findings.length === 0 && notes.length === 0) return null;
  const value = [...findings.map(findingMarkdown), ...notes.map(noteMarkdown)].join('\n\n---\n\n');
  const contents: MarkupContent = { kind: 'markdown', value };
  const first = findings[0]?.place ?? notes[0]!.place;
  return { contents, range: toRange(first.range) };
}
