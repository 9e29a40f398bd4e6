// `--explain`: what the editor's hover shows under a finding, as plain text: the witness
// execution step by step per CPU, the per-model table and the generated litmus test.
import type { Finding, ModelEvidence } from '../../checks/types';

const TITLES: Record<string, string> = { sc: 'SC', 'x86-tso': 'x86-TSO', armv8: 'ARMv8', lkmm: 'LKMM' };

function modelTable(models: readonly ModelEvidence[]): string[] {
  if (models.length === 0) return [];
  const rows = models.map((m) => [TITLES[m.model] ?? m.model, m.verdict, m.detail ?? '']);
  const head = ['model', 'bad outcome', 'detail'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]): string => r.map((c, i) => c.padEnd(w[i]!)).join('  ').trimEnd();
  return [fmt(head), ...rows.map(fmt)];
}

function witness(f: Finding): string[] {
  if (!f.witness?.length) return [];
  const cpus = [...new Set(f.witness.map((s) => s.cpu))].sort((a, b) => a - b);
  return cpus.flatMap((cpu) => [
    `CPU ${cpu}:`,
    ...f.witness!.filter((s) => s.cpu === cpu).sort((a, b) => a.step - b.step)
      .map((s) => `  ${s.step}. ${s.text}${s.place ? ` (${s.place.file ? `${s.place.file}:` : 'line '}${s.place.range.line})` : ''}`),
  ]);
}

/** The explanation lines of a finding (no indentation; the caller indents). */
export function explainText(f: Finding): string[] {
  const out: string[] = [];
  const w = witness(f);
  if (w.length) out.push('', 'Witness execution (the bad outcome, step by step):', ...w);
  const t = modelTable(f.models);
  if (t.length) out.push('', 'Per model:', ...t);
  if (f.litmus) out.push('', 'Litmus test (herd7 reads it):', ...f.litmus.trimEnd().split('\n'));
  if (out.length) out.push('');
  return out;
}
