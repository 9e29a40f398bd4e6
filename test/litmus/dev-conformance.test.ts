// The LKMM development set (../shared/litmus/dev: 204 tests from paulmckrcu/litmus with herd7's
// output for each): every test agrees with herd7 on the verdict, the final states (values herd
// leaves symbolic compared up to their names), Ok/No, the witness counts, the flags and the
// condition. `node dist/bench/conformance.js --dev` lists any disagreement with its reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareWithHerd } from '../../bench/compare-herd';
import { devSuiteAvailable, devSuiteDir, readSuiteIndex } from '../support/paths';

const available = devSuiteAvailable();
const entries = available ? readSuiteIndex(readFileSync(join(devSuiteDir, 'EXPECTED.tsv'), 'utf8')) : [];

test('the LKMM development set is present beside the clone', { skip: available ? false : `no dev set at ${devSuiteDir}` }, () => {
  assert.equal(entries.length, 204);
});

for (const entry of entries) {
  test(`lkmm dev set: ${entry.file}`, () => {
    const r = compareWithHerd(devSuiteDir, entry.file, join('herd7-expected', `${entry.file}.out`));
    assert.deepEqual(r.differences, [], `herd7 ${r.herd} ${r.herdCounts}, ours ${r.ours} ${r.counts}`);
    assert.equal(r.ours, entry.expected, "verdict vs the test's Result: line");
  });
}
