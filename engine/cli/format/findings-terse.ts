// `--format terse`: one line per finding, the way `checkpatch.pl --terse` prints, for b4's
// per-patch check command and editors' quickfix lists. Clean input prints nothing. Caveats go
// on the finding's own line; problems that weaken no finding print only when at warning level.
import type { Finding } from '../../checks/types';
import type { FileReport } from '../report';

const LEVEL: Record<Finding['severity'], string> = { error: 'ERROR', warning: 'WARNING', information: 'CHECK', hint: 'CHECK' };

export function formatFileTerse(r: FileReport): string {
  const out: string[] = [];
  for (const p of r.problems) if (p.severity !== 'note') out.push(`${p.file ?? r.file}:${p.line}: ${p.severity.toUpperCase()}: input: ${p.message}`);
  for (const x of r.findings) {
    const f = x.finding;
    const caveats = x.caveats.map((c) => ` (caveat: ${c.message})`).join('');
    out.push(`${f.place.file ?? r.file}:${f.place.range.line}: ${LEVEL[f.severity]}: ${f.code}: ${f.message}${caveats}`);
  }
  return out.length ? out.join('\n') + '\n' : '';
}
