// gcc-style text: `file:line:col: warning: message [code]`, then `note:` lines for related places.
import type { Analysis, Finding } from '../../checks/types';

const WORD: Record<Finding['severity'], string> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

export function formatFindingsText(file: string, a: Analysis): string {
  const out: string[] = [];
  for (const p of a.problems) out.push(`${p.file ?? file}:${p.line}:${p.col}: ${p.severity === 'info' ? 'note' : p.severity}: ${p.message}`);
  for (const f of a.findings) {
    out.push(`${file}:${f.place.range.line}:${f.place.range.col}: ${WORD[f.severity]}: ${f.message} [${f.code}]`);
    for (const r of f.related) out.push(`${r.place.file ?? file}:${r.place.range.line}:${r.place.range.col}: note: ${r.message}`);
    const models = f.models.map((m) => `${m.model} ${m.verdict}`).join(', ');
    if (models) out.push(`${file}:${f.place.range.line}:${f.place.range.col}: note: bad outcome per model: ${models}`);
    const fix = f.fixes.find((x) => x.preferred);
    if (fix) out.push(`${file}:${f.place.range.line}:${f.place.range.col}: note: fix (re-simulated): ${fix.title}`);
  }
  return out.length ? out.join('\n') + '\n' : '';
}
