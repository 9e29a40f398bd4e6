// `hvbarrier check` as a process: gcc-style text, JSON, SARIF 2.1.0, stdin, exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli';

const V1 = 'fixtures/seeds/000-v1-smp_mb.patch';
const READER = 'fixtures/seeds/000-getvcpucontext-reader.c';

test('text: gcc-style warning with note lines, exit 1', () => {
  const r = runCli(['check', '--tree', READER, V1]);
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stdout.split('\n');
  assert.match(lines[0]!, /^fixtures\/seeds\/000-v1-smp_mb\.patch:32:6: warning: `v->is_initialised = 1` .* \[missing-barrier\]$/);
  assert.ok(lines.some((l) => l.startsWith(`${READER}:11:11: note: `)), 'related place in the reader file');
  assert.ok(lines.some((l) => /: note: .* \[overstrong-barrier\]$/.test(l)));
});

test('json: the documented diagnostic shape with 1-based positions and per-model verdicts', () => {
  const r = runCli(['check', '--format', 'json', '--tree', READER, V1]);
  assert.equal(r.code, 1, r.stderr);
  const { diagnostics } = JSON.parse(r.stdout);
  const d = diagnostics.find((x: { code: string }) => x.code === 'missing-barrier');
  assert.deepEqual([d.file, d.line, d.column, d.endLine, d.endColumn, d.severity], [V1, 32, 6, 32, 27, 'warning']);
  assert.deepEqual(d.models, { sc: 'forbidden', 'x86-tso': 'forbidden', armv8: 'allowed', lkmm: 'allowed' });
  assert.ok(d.related.length > 0 && d.related.every((x: { line: number; column: number }) => x.line >= 1 && x.column >= 1));
  assert.ok(d.fixes.some((f: { preferred: boolean }) => f.preferred));
});

test('sarif: 2.1.0 with rules, relatedLocations and fixes', () => {
  const r = runCli(['check', '--format', 'sarif', '--tree', READER, V1]);
  const log = JSON.parse(r.stdout);
  assert.equal(log.version, '2.1.0');
  const run = log.runs[0];
  assert.ok(run.tool.driver.rules.some((x: { id: string }) => x.id === 'missing-barrier'));
  const res = run.results.find((x: { ruleId: string }) => x.ruleId === 'missing-barrier');
  assert.equal(res.level, 'warning');
  assert.equal(res.locations[0].physicalLocation.region.startLine, 32);
  assert.ok(res.relatedLocations.length > 0);
  assert.ok(res.fixes.length > 0);
});

test('stdin: C and patches are recognised by content; clean input exits 0', () => {
  assert.equal(runCli(['check', '-'], readFileSync('fixtures/seeds/002-kvm-request-both-mb.c', 'utf8')).code, 0);
  const broken = runCli(['check', '-'], readFileSync('fixtures/seeds/002-kvm-request-no-entry-mb.c', 'utf8'));
  assert.equal(broken.code, 1);
  // The missing smp_mb() and the lost wake-up it allows are one finding: the lost wake-up, its cause a note.
  assert.match(broken.stdout, /^<stdin>:17:5: warning: .*lost wake-up.*\[lost-wakeup\]/m);
  assert.match(broken.stdout, /^<stdin>:11:10: note: the cause, the same fault: `kvm_request_pending\(vcpu\)`/m);
  assert.equal(runCli(['check', 'fixtures/seeds/002-kvm-request-both-mb.c']).code, 0);
});

test('usage and unreadable input exit 2', () => {
  assert.equal(runCli(['check', '--arch', 'mips', V1]).code, 2);
  assert.equal(runCli(['check']).code, 2);
  const missing = runCli(['check', 'no/such.patch']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^no\/such\.patch:1:1: error: cannot read: ENOENT/);
});

test('garbage input gives problems with positions, never a crash', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hvb-'));
  const file = join(dir, 'junk.patch');
  writeFileSync(file, 'diff --git a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n@@ -1,3 +1,4 @@ int f(\n+\tWRITE_ONCE(*p, 1\n\x01\x02binary\n');
  const r = runCli(['check', file]);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  assert.equal(r.stderr, '');
});

test('a malformed .hvbarrier.json is an error in its own file (exit 2), never a silent fallback', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hvb-'));
  const cfg = join(dir, '.hvbarrier.json');
  writeFileSync(cfg, '{ "barriers": [ }');
  const r = runCli(['check', '--config', cfg, 'fixtures/seeds/002-kvm-request-both-mb.c']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, new RegExp(`^${cfg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1:\\d+: error: .hvbarrier.json is not valid JSON`, 'm'));
});

test('--tree A B C: a directory of many C files given as inputs with --tree is refused with the form meant', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hvb-many-'));
  for (let i = 0; i < 51; i++) writeFileSync(join(dir, `f${i}.c`), `int f${i}(void) { return ${i}; }\n`);
  const r = runCli(['check', '--tree', READER, dir]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /51 C files given as inputs.*--tree A --tree B/);
  // Fewer files are checked one by one, as asked.
  const few = mkdtempSync(join(tmpdir(), 'hvb-few-'));
  writeFileSync(join(few, 'a.c'), 'int a(void) { return 0; }\n');
  assert.equal(runCli(['check', '--tree', READER, few]).code, 0);
});

test('whole tree: fingerprints name a file under its tree\'s directory, the same from any current directory', () => {
  const root = mkdtempSync(join(tmpdir(), 'hvb-fp-'));
  mkdirSync(join(root, 'proj', 'ring'), { recursive: true });
  writeFileSync(join(root, 'proj', 'ring', 'ring.c'), `struct ring { int data; int ready; };
void ring_publish(struct ring *r)
{
    r->data = 1;
    smp_wmb();
    WRITE_ONCE(r->ready, 1);
}
int ring_consume(struct ring *r)
{
    if (READ_ONCE(r->ready))
        return r->data;
    return 0;
}
`);
  const run = (cwd: string, tree: string) => JSON.parse(runCli(['check', '--no-cache', '--format', 'json', '--tree', tree], undefined, { cwd }).stdout) as { diagnostics: Array<{ fingerprint: string }> };
  const outside = run(root, join('proj', 'ring'));
  const inside = run(join(root, 'proj', 'ring'), '.');
  assert.ok(outside.diagnostics.length > 0, 'the missing read barrier is reported');
  assert.deepEqual(inside.diagnostics.map((d) => d.fingerprint), outside.diagnostics.map((d) => d.fingerprint));
});
