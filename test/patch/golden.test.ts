// Golden files for the parsed structure of every seed fixture. They change only through
// UPDATE_EXPECT=1 (`UPDATE_EXPECT=1 npm test`), and a diff of them is the review of a change.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { parseInput } from '../../engine/patch';
import { checkGolden, readSeed, seedDir, seedFixtures, summarize } from './helpers';

for (const name of seedFixtures()) {
  test(`golden: ${name}`, () => {
    const parsed = parseInput(readSeed(name), { path: name });
    const { expected, actual } = checkGolden(path.join(seedDir, name.replace(/\.[^.]+$/, '.expected.json')), summarize(parsed));
    assert.deepEqual(actual, expected);
  });
}
