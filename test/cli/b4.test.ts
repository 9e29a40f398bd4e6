// The b4 recipe of docs/cli.md, run for real: a local git series becomes a threaded mbox
// (`git format-patch --thread --cover-letter`), b4 turns it into an am-ready mbox, and the
// `.b4-config` lines from the docs run on every patch with the patch on stdin, as b4 does. With
// a b4 that has `am --check` (0.14 and later) b4 runs them itself. Skipped, saying why, when
// b4 cannot be installed (scripts/ensure-b4.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI } from '../support/cli';
import { ensureTool } from '../support/editors';
import { repoRoot } from '../support/paths';
import { READER, V1, tempTree } from './helpers';

function sh(cmd: string, args: string[], opts: { cwd: string; input?: string }): { code: number; stdout: string; stderr: string } {
  const env = { ...process.env, GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.org', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.org' };
  const r = spawnSync(cmd, args, { cwd: opts.cwd, input: opts.input, encoding: 'utf8', env, timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error?.message ?? ''}` };
}

function git(cwd: string, ...args: string[]): string {
  const r = sh('git', args, { cwd });
  assert.equal(r.code, 0, `git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** The `.b4-config` block of docs/cli.md, with `hvbarrier` run from this checkout. */
function b4ConfigFromDocs(): string {
  const doc = readFileSync(join(repoRoot, 'docs', 'cli.md'), 'utf8');
  const block = /```ini\n(\[b4\][\s\S]*?)```/.exec(doc)?.[1];
  assert.ok(block, 'docs/cli.md has the .b4-config block');
  return block.replace(/= hvbarrier /g, `= "${process.execPath}" "${CLI}" `);
}

/** A Xen-like checkout at its base commit, and a two-patch series on top of it as a threaded mbox. */
function series(): { repo: string; mbox: string; coverId: string } {
  const patch = readFileSync(join(repoRoot, V1), 'utf8');
  // The file the v1 patch applies to: its pre-image at the hunk's line numbers.
  const lines = patch.split('\n');
  const at = lines.findIndex((l) => l.startsWith('@@ -914,7'));
  const pre = lines.slice(at + 1, at + 15).filter((l) => !l.startsWith('+')).map((l) => l.slice(1));
  const domain = [...Array.from({ length: 913 }, (_, i) => `/* line ${i + 1} */`), ...pre, '}', ''].join('\n');
  const dir = tempTree({ 'repo/xen/arch/arm/domain.c': domain, 'repo/xen/common/domctl.c': readFileSync(join(repoRoot, READER), 'utf8') });
  const repo = join(dir, 'repo');
  git(repo, 'init', '-q');
  // b4 reads the identity from git config (the environment is not enough for it).
  git(repo, 'config', 'user.name', 'T');
  git(repo, 'config', 'user.email', 't@example.org');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'base');
  git(repo, 'tag', 'base');
  git(repo, 'am', '-q', join(repoRoot, V1));
  writeFileSync(join(repo, 'xen/arch/arm/domain.c'), `${readFileSync(join(repo, 'xen/arch/arm/domain.c'), 'utf8')}/* end of file */\n`);
  git(repo, 'commit', '-qam', 'xen/arm: mark the end of the file');
  const out = join(dir, 'out');
  git(repo, 'format-patch', '-q', '--thread', '--cover-letter', '-o', out, 'base..HEAD');
  const files = readdirSync(out).sort().map((f) => readFileSync(join(out, f), 'utf8'));
  assert.equal(files.length, 3, 'cover letter and two patches');
  const mbox = join(dir, 'series.mbox');
  writeFileSync(mbox, files.join(''));
  const coverId = /^Message-I[dD]: <([^>]+)>/m.exec(files[0]!)![1]!;
  // Reviewing happens on the base: the series is not applied yet.
  git(repo, 'checkout', '-q', 'base');
  writeFileSync(join(repo, '.b4-config'), b4ConfigFromDocs());
  return { repo, mbox, coverId };
}

test('b4: the documented per-patch check command flags the v1 patch and stays quiet on the clean one', (t) => {
  const b4 = ensureTool('ensure-b4.sh');
  if (!b4.path) {
    t.skip(`b4 is not available: ${b4.reason}`);
    return;
  }
  const { repo, mbox, coverId } = series();
  const amDir = join(repo, '..', 'am');
  mkdirSync(amDir);
  const am = sh(b4.path, ['am', '-m', mbox, '-o', amDir, '-n', 'series', coverId], { cwd: repo });
  assert.equal(am.code, 0, am.stderr);
  assert.match(am.stderr + am.stdout, /Total patches: 2/);
  const mbx = readFileSync(join(amDir, 'series.mbx'), 'utf8');
  const patches = mbx.split(/^(?=From \S+ )/m).filter((p) => p.trim() !== '');
  assert.equal(patches.length, 2);

  const cmd = git(repo, 'config', '-f', '.b4-config', '--get', 'b4.am-perpatch-check-cmd').trim();
  assert.match(cmd, /check --terse --tree \. -$/);
  const [first, second] = patches.map((p) => sh('sh', ['-c', cmd], { cwd: repo, input: p }));
  assert.equal(first!.stderr, '');
  const warnings = first!.stdout.trim().split('\n');
  assert.equal(warnings.length, 1, first!.stdout);
  assert.match(warnings[0]!, /^<stdin>:\d+: WARNING: missing-barrier: `v->is_initialised = 1` .*do_domctl\(\)/);
  assert.equal(first!.code, 1);
  assert.deepEqual([second!.code, second!.stdout, second!.stderr], [0, '', ''], 'a clean patch prints nothing');

  // A b4 with per-patch checks runs the same lines itself.
  // (Not `--check\b`: b4 0.12's argparse would take `--check` as `--check-newer-revisions`.)
  if (/^\s+--check\s/m.test(sh(b4.path, ['am', '--help'], { cwd: repo }).stdout)) {
    const checked = sh(b4.path, ['am', '--check', '-m', mbox, '-o', amDir, coverId], { cwd: repo });
    assert.match(checked.stdout + checked.stderr, /missing-barrier/);
  } else {
    t.diagnostic(`b4 ${sh(b4.path, ['--version'], { cwd: repo }).stdout.trim()} has no am --check (added in 0.14); its per-patch command was run as b4 0.14 runs it`);
  }
});

test('git format-patch --stdout | hvbarrier check --tree . - (the recipe without b4)', () => {
  const { repo } = series();
  git(repo, 'checkout', '-q', 'master');
  const stream = git(repo, 'format-patch', '--stdout', 'base..HEAD');
  git(repo, 'checkout', '-q', 'base');
  const r = sh(process.execPath, [CLI, 'check', '--tree', '.', '-'], { cwd: repo, input: stream });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^<stdin>:\d+:6: warning: `v->is_initialised = 1` .*\[missing-barrier\]$/m);
  assert.match(r.stdout, /^total: 0 errors, 1 warning, \d+ notes?; \d+ functions? judged, 0 not$/m);
});
