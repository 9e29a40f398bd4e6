// `hvbarrier litmus` as a process: herd-format text, one line per model, JSON with a witness,
// and exit codes for bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli';
import { expectGolden } from '../support/golden';
import { repoRoot } from '../support/paths';

const fixtures = join(repoRoot, 'fixtures', 'litmus');

test('--model all prints one verdict line per model for each fixture (golden)', () => {
  // The classic shapes at the top of fixtures/litmus (constructs/ has tests the hardware models
  // report as unsupported, exit 1), as `npm start` lists them.
  const classic = readdirSync(fixtures).filter((f) => f.endsWith('.litmus')).sort().map((f) => `fixtures/litmus/${f}`);
  const r = runCli(['litmus', '--model', 'all', ...classic]);
  assert.equal(r.code, 0, r.stderr);
  expectGolden(join(fixtures, 'expected', 'all-models.expected'), r.stdout);
});

for (const model of ['lkmm', 'armv8']) {
  test(`herd-format report under ${model} (golden)`, () => {
    const r = runCli(['litmus', '--model', model, 'fixtures/litmus/MP.litmus', 'fixtures/litmus/IRIW+acq+acq.litmus']);
    assert.equal(r.code, 0, r.stderr);
    expectGolden(join(fixtures, 'expected', `MP+IRIW.${model}.expected`), r.stdout);
  });
}

test('JSON carries the counts and a witness execution of the allowed outcome', () => {
  const r = runCli(['litmus', '--model', 'armv8', '--format', 'json', 'fixtures/litmus/MP.litmus']);
  assert.equal(r.code, 0, r.stderr);
  const [out] = JSON.parse(r.stdout);
  const res = out.results[0];
  assert.equal(res.observation, 'Sometimes');
  assert.deepEqual([res.positive, res.negative], [1, 3]);
  const w = res.witness;
  // The witness is the bad outcome: the flag read sees P0's store, the data read sees the initial value.
  const reads = w.events.filter((e: { kind: string; thread: number }) => e.kind === 'R' && e.thread === 1);
  assert.deepEqual(reads.map((e: { loc: string; value: number }) => [e.loc, e.value]), [['flag', 1], ['data', 0]]);
  const initData = w.events.find((e: { thread: number; loc: string }) => e.thread === -1 && e.loc === 'data');
  assert.ok(w.rf.some(([from, to]: [number, number]) => from === initData.id && to === reads[1].id));
  assert.ok(w.fr.length > 0 && w.po.length > 0 && w.co.length > 0);
  assert.equal(reads[0].line, 21);
});

test('a malformed test is file:line:col: error and exit 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hvb-'));
  const file = join(dir, 'bad.litmus');
  writeFileSync(file, 'C bad\n{}\nP0(int *x)\n{\n\tWRITE_ONCE(*x, 1)\n}\nexists (x=1)\n');
  const r = runCli(['litmus', file]);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, `${file}:6:1: error: expected ';', found '}'\n`);
  assert.equal(r.stdout, '');
});

test('an unsupported construct prints unsupported, no verdict, exit 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hvb-'));
  const file = join(dir, 'loop.litmus');
  writeFileSync(file, 'C loop\n{}\nP0(int *x)\n{\n\twhile (READ_ONCE(*x) == 0) ;\n}\nexists (x=1)\n');
  const r = runCli(['litmus', file]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout.trim(), 'unsupported: while at 5:2');
});

test('usage errors exit 2', () => {
  assert.equal(runCli(['litmus', '--model', 'power', 'fixtures/litmus/MP.litmus']).code, 2);
  assert.equal(runCli(['litmus']).code, 2);
  assert.equal(runCli(['litmus', 'no/such/file.litmus']).code, 2);
});
