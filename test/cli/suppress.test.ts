// Silencing findings: a comment on or above the line (C files, `+` and context lines of a
// patch, never a removed line), --disable CODE, and baselines whose fingerprints survive lines
// added above.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ignoreCommentFor } from '../../engine/suppress/comments';
import { fingerprint, normalizedCode } from '../../engine/suppress/fingerprint';
import { runCli } from '../support/cli';
import { repoRoot } from '../support/paths';
import { READER, V1, tempTree } from './helpers';

const NO_ENTRY_MB = readFileSync(join(repoRoot, 'fixtures/seeds/002-kvm-request-no-entry-mb.c'), 'utf8');
const IGNORE = '/* hvbarrier: ignore[missing-barrier] IRQs are off and the kick is an IPI */';
// The missing smp_mb() on entry and the lost wake-up it allows are one finding, on the guest entry.
const IGNORE_LW = '/* hvbarrier: ignore[lost-wakeup] IRQs are off and the kick is an IPI */';

function jsonOf(args: string[], opts: { cwd?: string } = {}): { code: number; report: any; stderr: string } {
  const r = runCli(['check', '--format', 'json', ...args], undefined, opts);
  return { code: r.code, report: JSON.parse(r.stdout), stderr: r.stderr };
}

test('a comment above the line silences that code there, with its reason; the summary counts it', () => {
  const text = NO_ENTRY_MB.replace('    enter_guest(vcpu);', `    ${IGNORE_LW}\n    enter_guest(vcpu);`);
  assert.notEqual(text, NO_ENTRY_MB);
  const dir = tempTree({ 'a.c': text, 'b.c': NO_ENTRY_MB });
  const before = jsonOf(['b.c'], { cwd: dir }).report.diagnostics.map((d: { code: string }) => d.code);
  assert.ok(before.includes('lost-wakeup'), before.join(', '));
  const r = jsonOf(['a.c'], { cwd: dir });
  // Everything else is still reported; only the named code on that line is silenced.
  assert.deepEqual(r.report.diagnostics.map((d: { code: string }) => d.code), before.filter((c: string) => c !== 'lost-wakeup'));
  assert.deepEqual(r.report.suppressed.map((d: { code: string; suppressedBy: string; reason: string }) => [d.code, d.suppressedBy, d.reason]),
    [['lost-wakeup', 'comment', 'IRQs are off and the kick is an IPI']]);
  assert.match(runCli(['check', 'a.c'], undefined, { cwd: dir }).stdout, /; 1 suppressed$/m);
  const sarif = JSON.parse(runCli(['check', '--format', 'sarif', 'a.c'], undefined, { cwd: dir }).stdout);
  const silenced = sarif.runs[0].results.filter((x: { suppressions?: unknown[] }) => x.suppressions);
  assert.deepEqual(silenced.map((x: { ruleId: string; suppressions: unknown }) => [x.ruleId, x.suppressions]), [['lost-wakeup', [{ kind: 'inSource', justification: 'IRQs are off and the kick is an IPI' }]]]);
});

test('a comment for another code, or two lines above, silences nothing', () => {
  const other = NO_ENTRY_MB.replace('    enter_guest(vcpu);', '    /* hvbarrier: ignore[lock-context] */\n    enter_guest(vcpu);');
  const far = NO_ENTRY_MB.replace('    enter_guest(vcpu);', `    ${IGNORE_LW}\n\n    enter_guest(vcpu);`);
  const dir = tempTree({ 'other.c': other, 'far.c': far });
  for (const f of ['other.c', 'far.c']) assert.ok(jsonOf([f], { cwd: dir }).report.diagnostics.some((d: { code: string }) => d.code === 'lost-wakeup'), f);
});

// Seed 000's v1 patch with one more line in its hunk, above `v->is_initialised = 1;`.
function v1With(line: string, header: string): string {
  const lines = readFileSync(join(repoRoot, V1), 'utf8').split('\n');
  lines.splice(30, 1, header, line);
  return lines.join('\n');
}

test('in a patch, a comment on an added or context line silences; one on a removed line does not', () => {
  const dir = tempTree({
    'added.patch': v1With(`+    ${IGNORE}`, '@@ -914,7 +914,8 @@ int arch_set_info_guest('),
    'context.patch': v1With(`     ${IGNORE}`, '@@ -914,8 +914,15 @@ int arch_set_info_guest('),
    'removed.patch': v1With(`-    ${IGNORE}`, '@@ -914,8 +914,14 @@ int arch_set_info_guest('),
  });
  const reader = join(repoRoot, READER);
  const codes = (f: string) => jsonOf(['--tree', reader, f], { cwd: dir }).report.diagnostics.map((d: { code: string }) => d.code);
  assert.deepEqual(codes('added.patch').filter((c: string) => c === 'missing-barrier'), []);
  assert.deepEqual(codes('context.patch').filter((c: string) => c === 'missing-barrier'), []);
  assert.deepEqual(codes('removed.patch').filter((c: string) => c === 'missing-barrier'), ['missing-barrier']);
});

test('--disable drops a code (repeatable and comma-separated)', () => {
  const args = ['--tree', READER, V1];
  const codes: string[] = [...new Set<string>(jsonOf(args).report.diagnostics.map((d: { code: string }) => d.code))].sort();
  assert.ok(codes.includes('missing-barrier') && codes.length >= 2, codes.join(', '));
  const without = jsonOf(['--disable', 'missing-barrier', ...args]).report;
  assert.deepEqual([...new Set(without.diagnostics.map((d: { code: string }) => d.code))].sort(), codes.filter((c) => c !== 'missing-barrier'));
  assert.ok(without.suppressed.every((d: { suppressedBy: string }) => d.suppressedBy === 'disable'));
  assert.deepEqual(jsonOf(['--disable', codes.join(','), ...args]).report.diagnostics, []);
  assert.deepEqual(jsonOf([...codes.flatMap((c) => ['--disable', c]), ...args]).report.diagnostics, []);
  assert.equal(jsonOf([...codes.flatMap((c) => ['--disable', c]), ...args]).code, 0);
});

test('a baseline absorbs known findings after lines are added above them, and lets new ones through', () => {
  const ring = readFileSync(join(repoRoot, 'fixtures/seeds/004-dirty-ring-plain.c'), 'utf8');
  const dir = tempTree({ 'virt/kvm/dirty_ring.c': ring });
  const known = jsonOf(['virt/kvm/dirty_ring.c'], { cwd: dir }).report.diagnostics;
  assert.ok(known.length >= 2, 'the seed has findings');
  const write = runCli(['check', '--write-baseline', 'baseline.json', 'virt/kvm/dirty_ring.c'], undefined, { cwd: dir });
  assert.equal(write.code, 0, write.stderr);
  const baseline = JSON.parse(readFileSync(join(dir, 'baseline.json'), 'utf8'));
  assert.equal(baseline.findings.length, known.length);
  assert.ok(baseline.findings.every((f: { function: string }) => f.function !== ''));
  // Lines above every finding: the same findings at other line numbers.
  writeFileSync(join(dir, 'virt/kvm/dirty_ring.c'), `/* SPDX-License-Identifier: GPL-2.0 */\n#include <linux/kvm_host.h>\n\n${ring}`);
  const shifted = jsonOf(['--baseline', 'baseline.json', 'virt/kvm/dirty_ring.c'], { cwd: dir });
  assert.equal(shifted.code, 0, JSON.stringify(shifted.report.diagnostics));
  assert.equal(shifted.report.suppressed.length, known.length);
  assert.ok(shifted.report.suppressed.every((s: { suppressedBy: string }) => s.suppressedBy === 'baseline'));
  assert.ok(shifted.report.suppressed.every((s: { line: number }, i: number) => s.line !== known[i].line), 'the lines did move');
  // A second reader, a copy of the first under a new name: its findings are new, nothing else is.
  const reader = /int collect_dirty_gfn\([\s\S]*?\n\}\n/.exec(ring)![0];
  writeFileSync(join(dir, 'virt/kvm/dirty_ring.c'), `${ring}\n${reader.replace('collect_dirty_gfn(', 'collect_dirty_gfn_again(')}`);
  const added = jsonOf(['--baseline', 'baseline.json', 'virt/kvm/dirty_ring.c'], { cwd: dir });
  const fresh = added.report.diagnostics.map((d: { function: string }) => d.function);
  assert.ok(fresh.length > 0, 'the new reader has findings');
  assert.deepEqual([...new Set(fresh)], ['collect_dirty_gfn_again'], 'only the new function is new');
  assert.equal(added.code, 1);
});

test('a baseline that is not one is exit 2, not an empty baseline', () => {
  const dir = tempTree({ 'b.json': '{"findings": 3}', 'a.c': NO_ENTRY_MB });
  const r = runCli(['check', '--baseline', 'b.json', 'a.c'], undefined, { cwd: dir });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^b\.json:1:1: error: baseline: not an hvbarrier baseline/m);
  assert.equal(runCli(['check', '--baseline', 'missing.json', 'a.c'], undefined, { cwd: dir }).code, 2);
});

test('fingerprints: quote prefix, diff marker and spacing do not matter; code, file, function and text do', () => {
  const base = { code: 'missing-barrier', file: 'xen/arch/arm/domain.c', function: 'arch_set_info_guest' };
  const fp = (raw: string, patch: boolean) => fingerprint({ ...base, text: normalizedCode(raw, { patch }) });
  const c = fp('    v->is_initialised = 1;', false);
  assert.equal(fp('> > +    v->is_initialised  =  1;', true), c);
  assert.equal(fp('     v->is_initialised = 1;', true), c);
  assert.notEqual(fp('    v->is_initialised = 2;', false), c);
  assert.notEqual(fingerprint({ ...base, function: 'other', text: 'v->is_initialised = 1;' }), c);
});

test('ignore comments: bare ignore covers every code; a removed line is passed over when looking above', () => {
  const lines = ['    /* hvbarrier: ignore */', '    x = 1;', '-    y = 2;', '+    z = 3;'];
  assert.equal(ignoreCommentFor({ lines, line: 2, code: 'lock-context', patch: false })?.codes, 'all');
  const patch = ['+    // hvbarrier: ignore[missing-barrier,unpaired-barrier] published later', '-    old();', '+    z = 3;'];
  assert.deepEqual(ignoreCommentFor({ lines: patch, line: 3, code: 'unpaired-barrier', patch: true }), { line: 1, codes: ['missing-barrier', 'unpaired-barrier'], reason: 'published later' });
  assert.equal(ignoreCommentFor({ lines: patch, line: 3, code: 'unpaired-barrier', patch: false }), undefined);
});

test('whole-tree mode (check --tree DIR, no input) takes --write-baseline and --baseline too', () => {
  const dir = tempTree({ 'virt/kvm/dirty_ring.c': readFileSync(join(repoRoot, 'fixtures/seeds/004-dirty-ring-plain.c'), 'utf8') });
  const first = jsonOf(['--no-cache', '--tree', 'virt'], { cwd: dir });
  assert.equal(first.code, 1, first.stderr);
  const n = first.report.diagnostics.length;
  assert.equal(runCli(['check', '--no-cache', '--tree', 'virt', '--write-baseline', 'b.json'], undefined, { cwd: dir }).code, 0);
  const again = jsonOf(['--no-cache', '--tree', 'virt', '--baseline', 'b.json'], { cwd: dir });
  assert.equal(again.code, 0, JSON.stringify(again.report.diagnostics));
  assert.equal(again.report.suppressed.length, n);
  assert.equal(runCli(['check', '--tree', 'virt', '--baseline', 'missing.json'], undefined, { cwd: dir }).code, 2);
});
