// `hvbarrier check` never says "clean" about what it did not check: unreadable input, a broken
// litmus test and a missing --tree are exit 2 in every format; scenarios not judged and caveats
// about missing lines reach every format, next to the finding they weaken.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { runCli } from '../support/cli';
import { rcuExample } from '../support/rcu-example';
import { READER, V1, assertExit, checkAllFormats, sarifNotifications, tempTree } from './helpers';

const unreadable: Record<string, { content: string | Buffer; message: RegExp }> = {
  'empty.patch': { content: '', message: /empty input/ },
  'blank.patch': { content: '\n  \n', message: /empty input/ },
  'vmlinux.bin': { content: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x00, 0x01]), message: /binary input/ },
  'series.mbox.gz': { content: gzipSync(readFileSync(V1)), message: /gzip-compressed input; decompress it first/ },
  'cover-letter.txt': { content: 'Hi all,\n\nthis series reworks the vGIC locking. Comments welcome.\n\nThanks,\nJulien\n', message: /no diff and no C code found in this input/ },
};

for (const [name, { content, message }] of Object.entries(unreadable)) {
  test(`unreadable input (${name}): exit 2 and the reason in text, JSON and SARIF`, () => {
    const dir = tempTree({ [name]: content });
    const o = checkAllFormats([join(dir, name)]);
    assertExit(o, 2);
    assert.match(o.text.stderr, new RegExp(`${name.replace(/\./g, '\\.')}:\\d+:\\d+: error: ${message.source}`));
    assert.match(o.text.stdout, /^total: 1 error, 0 warnings, 0 notes; 0 functions judged, 0 not$/m);
    assert.equal(o.json.report.errors.length, 1);
    assert.match(o.json.report.errors[0].message, message);
    assert.deepEqual(o.json.report.diagnostics, []);
    const run = o.sarif.log.runs[0];
    assert.equal(run.invocations[0].executionSuccessful, false);
    const n = sarifNotifications(o.sarif.log).filter((x: { level: string }) => x.level === 'error');
    assert.equal(n.length, 1);
    assert.match(n[0].message.text, message);
  });
}

test('stdin that is empty or prose is exit 2 too', () => {
  const r = runCli(['check', '-'], '');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^<stdin>:1:1: error: empty input/m);
  const prose = runCli(['check', '-'], unreadable['cover-letter.txt']!.content as string);
  assert.equal(prose.code, 2);
  assert.match(prose.stderr, /^<stdin>:1:1: error: no diff and no C code found in this input/m);
});

test('a malformed litmus test: exit 2 in every format, the syntax error with line:col in JSON and SARIF', () => {
  const dir = tempTree({ 'bad.litmus': 'C bad\n{\n}\nP0(int *x) { WRITE_ONCE(*x, 1) \n' });
  const o = checkAllFormats([join(dir, 'bad.litmus')]);
  assertExit(o, 2);
  assert.match(o.text.stderr, /bad\.litmus:5:1: error: expected ';'/);
  assert.deepEqual([o.json.report.errors[0].line, o.json.report.errors[0].column], [5, 1]);
  assert.match(o.json.report.errors[0].message, /expected ';'/);
  const [n] = sarifNotifications(o.sarif.log);
  assert.equal(n.level, 'error');
  assert.equal(n.locations[0].physicalLocation.region.startLine, 5);
  assert.deepEqual(o.sarif.log.runs[0].results, []);
});

test('a good litmus test still checks (exit 0, its verdict as a note)', () => {
  const r = runCli(['check', 'fixtures/litmus/MP.litmus']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /note: .*\[litmus-verdict\]/);
});

test('a missing or misspelt --tree is an error in every format, not silently ignored', () => {
  const o = checkAllFormats(['--tree', 'fixtures/seedz', 'fixtures/seeds/002-kvm-request-both-mb.c']);
  assertExit(o, 2);
  assert.match(o.text.stderr, /fixtures\/seedz:1:1: error: --tree fixtures\/seedz: no such file or directory/);
  assert.match(o.json.report.errors[0].message, /--tree fixtures\/seedz/);
  assert.equal(sarifNotifications(o.sarif.log)[0].level, 'error');
});

// Seed 000's v1 hunk quoted in a reply and cut after the added `}`: the finding on
// `v->is_initialised = 1` rests on a hunk that lost 3 of its 7 old lines.
function trimmedReply(): string {
  const hunk = readFileSync(V1, 'utf8').split('\n').slice(26, 42).map((l) => `> ${l}`);
  return ['On Fri, Julien Grall wrote:', ...hunk, '', 'Why a full barrier here?', ''].join('\n');
}

test('a caveat about missing hunk lines sits next to the finding it weakens, in every format', () => {
  const dir = tempTree({ 'reply.txt': trimmedReply() });
  const o = checkAllFormats(['--tree', READER, join(dir, 'reply.txt')]);
  assertExit(o, 1);
  const caveat = /hunk @@ -914,7 \+914,14 @@ has 4 of 7 old and 11 of 14 new lines; the rest is missing/;
  // Text: the caveat is a note under the warning, before the next finding.
  const lines = o.text.stdout.split('\n');
  const warn = lines.findIndex((l) => /warning: .*\[missing-barrier\]$/.test(l));
  const next = lines.findIndex((l, i) => i > warn && /\[(\w|-)+\]$/.test(l));
  const cav = lines.findIndex((l, i) => i > warn && /: note: caveat: /.test(l));
  assert.ok(warn >= 0 && cav > warn && (next < 0 || cav < next), o.text.stdout);
  assert.match(lines[cav]!, caveat);
  // JSON: in the diagnostic's caveats.
  const d = o.json.report.diagnostics.find((x: { code: string }) => x.code === 'missing-barrier');
  assert.ok(d.caveats.some((c: { message: string }) => caveat.test(c.message)), JSON.stringify(d.caveats));
  // SARIF: a related location and a property of the result.
  const r = o.sarif.log.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'missing-barrier');
  assert.ok(r.relatedLocations.some((l: { message: { text: string } }) => /^caveat: /.test(l.message.text) && caveat.test(l.message.text)));
  assert.ok(r.properties.caveats.some((c: string) => caveat.test(c)));
  // Terse: on the finding's own line.
  const terse = runCli(['check', '--terse', '--tree', READER, join(dir, 'reply.txt')]);
  assert.match(terse.stdout, new RegExp(`reply\\.txt:\\d+: WARNING: missing-barrier: .*\\(caveat: ${caveat.source}`));
});

test('the whole patch has no caveat about missing hunk lines; the function seen only in part says so', () => {
  const o = checkAllFormats(['--tree', READER, V1]);
  const d = o.json.report.diagnostics.find((x: { code: string }) => x.code === 'missing-barrier');
  assert.deepEqual(d.caveats.filter((c: { message: string }) => /^hunk /.test(c.message)), []);
  // The engine's per-function coverage: the patch shows a hunk of arch_set_info_guest(), not all of it.
  assert.ok(d.caveats.some((c: { message: string }) => /^only part of arch_set_info_guest\(\) is in the patch/.test(c.message)), JSON.stringify(d.caveats));
  assert.match(o.text.stdout, /: note: caveat: only part of arch_set_info_guest\(\) is in the patch/);
});

const RCU = rcuExample({ readLock: false, sync: true });

test('a scenario no target can judge is reported in every format and its functions counted as not judged', () => {
  const dir = tempTree({ 'virt/kvm/rcu_example.c': RCU });
  const o = checkAllFormats(['--arch', 'arm64', 'virt/kvm/rcu_example.c'], { cwd: dir });
  assertExit(o, 0);
  const why = /unsupported: message passing between update_slots\(\) and reader\(\) cannot be judged on ARMv8: synchronize_rcu/;
  assert.match(o.text.stdout, new RegExp(`rcu_example\\.c:7:5: warning: ${why.source}`));
  const p = o.json.report.problems.find((x: { message: string }) => why.test(x.message));
  assert.ok(p && p.notJudged === true && p.line === 7, JSON.stringify(o.json.report.problems));
  // Neither side of the scenario was judged; the summary, the JSON and the text agree.
  const fns = o.json.report.files[0].functions;
  assert.deepEqual(fns.map((f: { function: string; judged: boolean }) => [f.function, f.judged]).sort(), [['reader', false], ['update_slots', false]]);
  assert.ok(fns.every((f: { reason: string }) => /synchronize_rcu/.test(f.reason)), JSON.stringify(fns));
  assert.deepEqual([o.json.report.summary.functionsJudged, o.json.report.summary.functionsNotJudged], [0, 2]);
  assert.match(o.text.stdout, /; 0 functions judged, 2 not$/m);
  assert.match(o.text.stdout, /rcu_example\.c:\d+:\d+: note: not judged: reader\(\): unsupported: synchronize_rcu/);
  const n = sarifNotifications(o.sarif.log).find((x: { message: { text: string } }) => why.test(x.message.text));
  assert.ok(n, 'SARIF notification');
  assert.equal(n.level, 'warning');
  assert.equal(n.descriptor.id, 'not-judged');
  assert.equal(n.locations[0].physicalLocation.artifactLocation.uri, 'virt/kvm/rcu_example.c');
  assert.ok(sarifNotifications(o.sarif.log).some((x: { message: { text: string } }) => /^not judged: reader\(\)/.test(x.message.text)));
});

test('check DIR walks the directory like a tree: its files are checked and pair with each other', () => {
  const dir = tempTree({
    'xen/common/domain.c': readFileSync(READER, 'utf8'),
    'patches/0001-v1.patch': readFileSync(V1, 'utf8'),
    'notes/README': 'not a source file; skipped',
  });
  const r = runCli(['check', '--no-cache', dir]);
  assert.equal(r.code, 1, r.stderr);
  // The patch's finding names the reader found in the same directory.
  assert.match(r.stdout, /0001-v1\.patch:32:6: warning: .*do_domctl\(\).*\[missing-barrier\]/);
  assert.doesNotMatch(r.stdout + r.stderr, /README|EISDIR/);
});

test('check DIR with nothing to check is exit 2', () => {
  const dir = tempTree({ 'notes.txt': 'prose only' });
  const r = runCli(['check', dir]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no \.c, \.h, \.patch, \.diff, \.mbox, \.eml or \.litmus file in this directory/);
});

test('--arch takes the same values in extract and check', () => {
  for (const arch of ['x86', 'arm64', 'arm32', 'all']) {
    assert.equal(runCli(['extract', '--arch', arch, 'fixtures/seeds/002-kvm-request-both-mb.c']).code, 0, `extract --arch ${arch}`);
    assert.equal(runCli(['check', '--arch', arch, 'fixtures/seeds/002-kvm-request-both-mb.c']).code, 0, `check --arch ${arch}`);
  }
  const arm32 = runCli(['check', '--arch', 'arm32', 'fixtures/seeds/002-kvm-request-no-entry-mb.c']);
  assert.equal(arm32.code, 1);
  assert.match(arm32.stdout, /note: --arch arm32 is judged under the ARMv8 model/);
  for (const cmd of ['extract', 'check']) {
    const bad = runCli([cmd, '--arch', 'mips', 'fixtures/seeds/002-kvm-request-both-mb.c']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown --arch 'mips' \(expected x86, arm64, arm32, all\)/);
  }
});
