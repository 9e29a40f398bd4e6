// Runs the built CLI as a separate process, as users and CI do.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './paths';

export const CLI = join(repoRoot, 'bin', 'hvbarrier.js');

/** `opts.cwd` defaults to the repository root; `opts.env` is merged over this process's. */
export function runCli(args: readonly string[], input?: string, opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: opts.cwd ?? repoRoot, encoding: 'utf8', input, env: { ...process.env, ...opts.env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
