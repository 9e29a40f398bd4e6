// gcc-style text: `file:line:col: warning: message [code]`, then `note:` lines for the paired
// places, the per-model verdicts, the caveats that weaken the finding and the preferred fix;
// with --explain, the witness, the model table and the litmus test under each finding.
import type { Finding } from '../../checks/types';
import type { Caveat, FileReport, ReportedFinding } from '../report';
import type { Paint } from './colour';
import { explainText } from './explain-text';

const WORD: Record<Finding['severity'], string> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

export function formatFileText(r: FileReport, a: { paint: Paint; explain: boolean }): string {
  const { paint } = a;
  const at = (file: string | undefined, line: number, col: number): string => paint.bold(`${file ?? r.file}:${line}:${col}:`);
  const line = (file: string | undefined, l: number, c: number, sev: string, msg: string): string => `${at(file, l, c)} ${paint.severity(sev)}: ${msg}`;
  const caveat = (c: Caveat, prefix = ''): string => line(c.file, c.line, c.col, c.severity, prefix + c.message);
  const out: string[] = [...r.problems, ...r.notJudged].map((c) => caveat(c));
  for (const x of r.findings) out.push(...findingLines(x, { line, caveat, explain: a.explain, file: r.file }));
  return out.length ? out.join('\n') + '\n' : '';
}

function findingLines(x: ReportedFinding, a: {
  line: (file: string | undefined, l: number, c: number, sev: string, msg: string) => string;
  caveat: (c: Caveat, prefix?: string) => string; explain: boolean; file: string;
}): string[] {
  const f = x.finding;
  const { line: l, col: c } = f.place.range;
  const out = [a.line(f.place.file, l, c, WORD[f.severity], `${f.message} [${f.code}]`)];
  for (const r of f.related) out.push(a.line(r.place.file, r.place.range.line, r.place.range.col, 'note', r.message));
  const models = f.models.map((m) => `${m.model} ${m.verdict}`).join(', ');
  if (models && f.code !== 'litmus-verdict') out.push(a.line(f.place.file, l, c, 'note', `bad outcome per model: ${models}`));
  for (const cv of x.caveats) out.push(a.caveat(cv, 'caveat: '));
  const fix = f.fixes.find((y) => y.preferred);
  if (fix) out.push(a.line(f.place.file, l, c, 'note', `fix (re-simulated): ${fix.title}`));
  if (a.explain) out.push(...explainText(f).map((s) => `    ${s}`.trimEnd()));
  return out;
}
