// `--format terse`: one line per finding, the way `checkpatch.pl --terse` prints, for b4's
// per-patch check command and editors' quickfix lists. b4 fails a patch whose check printed
// anything, so only what needs action prints: findings and problems at warning level or above
// (notes, like checkpatch's CHECK lines without --strict, are left to the other formats).
// Caveats go on the finding's own line. Clean input prints nothing.
import type { Finding } from '../../checks/types';
import type { FileReport } from '../report';

const LEVEL: Partial<Record<Finding['severity'], string>> = { error: 'ERROR', warning: 'WARNING' };

export function formatFileTerse(r: FileReport): string {
  const out: string[] = [];
  for (const p of r.problems) if (p.severity !== 'note') out.push(`${p.file ?? r.file}:${p.line}: ${p.severity.toUpperCase()}: input: ${p.message}`);
  for (const x of r.findings) {
    const f = x.finding;
    if (f.severity !== 'warning' && f.severity !== 'error') continue;
    const caveats = x.caveats.map((c) => ` (caveat: ${c.message})`).join('');
    out.push(`${f.place.file ?? r.file}:${f.place.range.line}: ${LEVEL[f.severity]}: ${f.code}: ${f.message}${caveats}`);
  }
  return out.length ? out.join('\n') + '\n' : '';
}
