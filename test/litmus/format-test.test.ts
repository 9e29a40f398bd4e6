// Printing a parsed test and parsing it again gives the same verdicts: the printer is what
// checks use to show their generated tests, so it must round-trip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { formatLitmusTest } from '../../engine/litmus/format-test';
import { parseLitmus } from '../../engine/litmus/parser';
import { MODEL_NAMES } from '../../engine/models/registry';
import { simulate } from '../../engine/sim/simulate';
import { litmusFiles } from '../../engine/cli/litmus';
import { lkmmSuiteAvailable, lkmmSuiteDir, repoRoot } from '../support/paths';
import { join } from 'node:path';

const files = [...litmusFiles([join(repoRoot, 'fixtures', 'litmus')]), ...(lkmmSuiteAvailable() ? litmusFiles([lkmmSuiteDir]) : [])];

test('format → parse round-trips every fixture and kernel test with identical results', () => {
  for (const f of files) {
    const original = parseLitmus(readFileSync(f, 'utf8')).value!;
    const printed = formatLitmusTest(original);
    const again = parseLitmus(printed);
    assert.deepEqual(again.problems, [], `${f}\n${printed}`);
    const summary = (t: typeof original): unknown =>
      simulate(t, { models: MODEL_NAMES, witness: false }).results.map((r) => [r.model, r.status, r.positive, r.negative, r.states]);
    assert.deepEqual(summary(again.value!), summary(original), f);
  }
});
