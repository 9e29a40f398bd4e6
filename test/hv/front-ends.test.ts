// The extended form through the front ends: `hvbarrier litmus` (verdict lines, the compiled
// condition, file:line:col errors with exit 2) and the editor's .litmus analysis.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeLitmus } from '../../engine/analyze-litmus';
import { runCli } from '../support/cli';
import { repoRoot } from '../support/paths';

test('hvbarrier litmus --model all judges an extended test per model', () => {
  const r = runCli(['litmus', '--model', 'all', 'fixtures/hv/xen-block+no-after-atomic.litmus']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n').map((l) => l.split(' ').slice(1, 3).join(' ')), ['sc: forbidden', 'x86-tso: forbidden', 'armv8: allowed', 'lkmm: allowed']);
});

test('hvbarrier litmus prints the compiled lost-wakeup condition', () => {
  const r = runCli(['litmus', '--model', 'lkmm', 'fixtures/hv/kvm-req.litmus']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Condition exists \(\[req\]=1 \/\\ \(0:hv_guest=1 \/\\ \[hv_ipi_P0\]=0\)\)/);
  assert.match(r.stdout, /Observation kvm-req Never 0 5/);
});

test('an error in the extended form is file:line:col and exit 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hv-'));
  const file = join(dir, 'bad.litmus');
  writeFileSync(file, 'C bad\n{}\nP0(int *x)\n{\n  guest_enter();\n}\nlost_wakeup P0 when x=1\n');
  const r = runCli(['litmus', file]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad\.litmus:5:3: error: guest_enter\(\) with interrupts enabled/);
});

test('the editor analysis of an extended .litmus gives per-model verdicts, and problems with line:col', () => {
  const text = readFileSync(join(repoRoot, 'fixtures', 'hv', 'kvm-req+no-kick-mb.litmus'), 'utf8');
  const a = analyzeLitmus({ text });
  assert.deepEqual(a.problems, []);
  assert.deepEqual(a.findings[0]!.models.map((m) => m.verdict), ['forbidden', 'forbidden', 'allowed', 'allowed']);
  const bad = analyzeLitmus({ text: 'C bad\n{}\nP0(int *x)\n{\n  local_irq_disable();\n  send_ipi(P7);\n  guest_enter();\n}\nlost_wakeup P0 when x=1\n' });
  assert.equal(bad.problems[0]?.line, 6);
  assert.equal(bad.problems[0]?.col, 12);
});
