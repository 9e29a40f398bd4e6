// Conformance with the Linux kernel's own litmus tests: every verdict equals the Result: line
// (EXPECTED.tsv), and the final states, Ok/No and witness counts equal herd7's recorded output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseLitmus } from '../../engine/litmus/parser';
import { formatHerd } from '../../engine/litmus/print';
import { judge, parseHerdOutput } from '../../engine/litmus/herd-output';
import { simulate } from '../../engine/sim/simulate';
import { lkmmSuiteAvailable, lkmmSuiteDir, readSuiteIndex } from '../support/paths';

const available = lkmmSuiteAvailable();
const entries = available ? readSuiteIndex(readFileSync(join(lkmmSuiteDir, 'EXPECTED.tsv'), 'utf8')) : [];

test('the kernel litmus suite is present beside the clone', { skip: available ? false : `no suite at ${lkmmSuiteDir}` }, () => {
  assert.equal(entries.length, 47);
});

for (const entry of entries) {
  test(`lkmm conformance: ${entry.file}`, () => {
    const parsed = parseLitmus(readFileSync(join(lkmmSuiteDir, entry.file), 'utf8'));
    assert.deepEqual(parsed.problems, []);
    const sim = simulate(parsed.value!, { models: ['lkmm'] });
    const ours = parseHerdOutput(formatHerd(sim, sim.results[0]!));
    const herd = parseHerdOutput(readFileSync(join(lkmmSuiteDir, 'herd7-expected', `${entry.file}.expected`), 'utf8'));
    assert.ok(ours && herd);
    assert.equal(judge(ours), entry.expected, 'verdict vs the Result: line');
    assert.deepEqual(ours.states, herd.states, 'final states');
    assert.deepEqual([ours.ok, ours.positive, ours.negative], [herd.ok, herd.positive, herd.negative], 'Ok/No and witness counts');
    assert.equal(ours.condition, herd.condition);
    assert.deepEqual(ours.flags, herd.flags);
  });
}
