// Runs the built CLI as a separate process, as users and CI do.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './paths';

export function runCli(args: readonly string[], input?: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'hvbarrier.js'), ...args], { cwd: repoRoot, encoding: 'utf8', input });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
