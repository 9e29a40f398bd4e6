// Finding (or installing, through the project's own scripts) the real editors the end-to-end
// tests drive. A script that cannot install its editor says why; the test skips with that.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './paths';

export function ensureTool(script: string): { path?: string; reason?: string } {
  const r = spawnSync(join(repoRoot, 'scripts', script), [], { encoding: 'utf8', timeout: 15 * 60_000 });
  const path = r.stdout.trim().split('\n').pop();
  if (r.status === 0 && path) return { path };
  return { reason: `${script} failed: ${(r.stderr || r.error?.message || '').trim() || `exit ${r.status}`}` };
}
