// Classic shapes under every model. Each fixture states its expected observation per model in
// its header (`Expected: sc=Never x86-tso=Sometimes ...`), taken from the literature on each
// model, and the test holds the simulator to it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseLitmus } from '../../engine/litmus/parser';
import { MODEL_NAMES } from '../../engine/models/registry';
import { simulate } from '../../engine/sim/simulate';
import { repoRoot } from '../support/paths';

const dir = join(repoRoot, 'fixtures', 'litmus');
const files = readdirSync(dir).filter((f) => f.endsWith('.litmus')).sort();

test('every classic shape the simulator must know has a fixture', () => {
  for (const shape of ['SB', 'R', 'MP', 'LB', '2+2W', 'S', 'MP+wmb+rmb', 'SB+mb+mb', 'MP+rel+acq', 'LB+ctrl+ctrl', 'IRIW', 'IRIW+acq+acq', 'CoRR', 'CoWR', 'CoRW', 'CoWW']) {
    assert.ok(files.includes(`${shape}.litmus`), shape);
  }
});

for (const file of files) {
  test(`cross-model: ${file}`, () => {
    const text = readFileSync(join(dir, file), 'utf8');
    const expected = /Expected: (.*)/.exec(text);
    assert.ok(expected, 'fixture states its expected observations');
    const want = Object.fromEntries(expected[1]!.trim().split(/\s+/).map((kv) => kv.split('=')));
    const sim = simulate(parseLitmus(text).value!, { models: MODEL_NAMES });
    const got = Object.fromEntries(sim.results.map((r) => [r.model, r.observation]));
    assert.deepEqual(got, want);
  });
}
