// `--fix` writes the preferred verified fix (a patch that still applies, or a diff of a C file
// that applies and leaves no warning); `--explain` prints the witness, the per-model table and
// a litmus test that the simulator, run on its own, judges the same way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/cli';
import { gitApplyCheck } from '../support/git-apply';
import { repoRoot } from '../support/paths';
import { READER, V1, tempTree } from './helpers';

test('--fix on a patch: the fixed patch on stdout passes git apply --check and checks clean', () => {
  const original = readFileSync(join(repoRoot, V1), 'utf8');
  const r = runCli(['check', '--fix', '--tree', READER, V1]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /\[missing-barrier\]/, 'the findings go to stderr');
  assert.match(r.stderr, /^hvbarrier: applied: Move smp_mb\(\) before `v->is_initialised = 1` as smp_wmb\(\)$/m);
  assert.notEqual(r.stdout, original);
  assert.match(r.stdout, /^\+ {4}smp_wmb\(\); \/\* Pairs with smp_mb\(\) in do_domctl\(\)/m);
  const applies = gitApplyCheck(original, r.stdout);
  assert.ok(applies.ok, applies.output);
  const dir = tempTree({ 'fixed.patch': r.stdout });
  const again = runCli(['check', '--format', 'json', '--tree', join(repoRoot, READER), join(dir, 'fixed.patch')]);
  assert.equal(again.code, 0);
  assert.deepEqual(JSON.parse(again.stdout).diagnostics.filter((d: { severity: string }) => d.severity === 'warning'), []);
});

test('--fix -i edits the patch in place (same result as stdout)', () => {
  const stdout = runCli(['check', '--fix', '--tree', READER, V1]).stdout;
  const dir = tempTree({ 'v1.patch': readFileSync(join(repoRoot, V1), 'utf8') });
  const r = runCli(['check', '--fix', '-i', '--tree', join(repoRoot, READER), join(dir, 'v1.patch')]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.equal(readFileSync(join(dir, 'v1.patch'), 'utf8'), stdout);
});

test('--fix on a C file: a unified diff that git apply takes, after which the file checks clean', () => {
  const dir = tempTree({ 'virt/kvm/dirty_ring.c': readFileSync(join(repoRoot, 'fixtures/seeds/004-dirty-ring-plain.c'), 'utf8') });
  const r = runCli(['check', '--fix', 'virt/kvm/dirty_ring.c'], undefined, { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^--- a\/virt\/kvm\/dirty_ring\.c\n\+\+\+ b\/virt\/kvm\/dirty_ring\.c\n@@ /);
  assert.match(r.stdout, /^\+.*smp_load_acquire\(&gfn->flags\)/m);
  writeFileSync(join(dir, 'fix.diff'), r.stdout);
  spawnSync('git', ['init', '-q'], { cwd: dir });
  const check = spawnSync('git', ['apply', '--check', 'fix.diff'], { cwd: dir, encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
  assert.equal(spawnSync('git', ['apply', 'fix.diff'], { cwd: dir }).status, 0);
  assert.equal(runCli(['check', 'virt/kvm/dirty_ring.c'], undefined, { cwd: dir }).code, 0, 'clean after the fix');
});

test('--fix with nothing to fix prints the input unchanged (a patch) or nothing (a C file)', () => {
  const clean = 'fixtures/seeds/000-v2-smp_wmb.patch';
  const r = runCli(['check', '--fix', '--tree', READER, clean]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, readFileSync(join(repoRoot, clean), 'utf8'));
  assert.equal(runCli(['check', '--fix', 'fixtures/seeds/002-kvm-request-both-mb.c']).stdout, '');
  assert.equal(runCli(['check', '--fix', V1, READER]).code, 2, '--fix takes one input');
});

test('--explain: the witness step by step, the per-model table and a litmus test the simulator judges the same way', () => {
  const r = runCli(['check', '--explain', 'fixtures/seeds/002-kvm-request-no-entry-mb.c']);
  assert.equal(r.code, 1, r.stderr);
  const out = r.stdout;
  // The missing smp_mb() and the lost wake-up it allows are one finding: the lost wake-up's execution.
  assert.match(out, /^ {4}Witness execution \(the bad outcome, step by step\):\n {4}CPU 0:\n {6}1\. writes vcpu->mode = 1 \(line 9\)$/m);
  assert.match(out, /^ {6}2\. reads vcpu->requests = 0 \(line 11\)/m);
  assert.match(out, /^ {4}CPU 1:$/m);
  const table = Object.fromEntries([...out.matchAll(/^ {4}(SC|x86-TSO|ARMv8|LKMM) +(allowed|forbidden)/gm)].map((m) => [m[1], m[2]]));
  assert.deepEqual(table, { SC: 'forbidden', 'x86-TSO': 'allowed', ARMv8: 'allowed', LKMM: 'allowed' });
  // The litmus test printed under the finding, run through `hvbarrier litmus`.
  const litmus = /^ {4}Litmus test \(herd7 reads it\):\n((?: {4}.*\n|\n)+?) {4}(lost_wakeup .*)\n/m.exec(out);
  assert.ok(litmus, out);
  const text = `${litmus[1]!.replace(/^ {4}/gm, '')}${litmus[2]}\n`;
  const dir = tempTree({ 'sb.litmus': text });
  const sim = runCli(['litmus', '--model', 'all', join(dir, 'sb.litmus')]);
  assert.equal(sim.code, 0, sim.stderr);
  const verdicts = Object.fromEntries([...sim.stdout.matchAll(/ (sc|x86-tso|armv8|lkmm): (allowed|forbidden)/g)].map((m) => [m[1], m[2]]));
  assert.deepEqual(verdicts, { sc: 'forbidden', 'x86-tso': 'allowed', armv8: 'allowed', lkmm: 'allowed' });
  assert.equal(runCli(['check', '-v', 'fixtures/seeds/002-kvm-request-no-entry-mb.c']).stdout, out, '-v is --explain');
});
