// Golden files for the parsed structure of every seed fixture. They change only through
// UPDATE_EXPECT=1 (`UPDATE_EXPECT=1 npm test`), and a diff of them is the review of a change.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { parseInput } from '../../engine/patch';
import { checkGolden, gitApplyCheck, readSeed, seedDir, seedFixtures, summarize } from './helpers';

for (const name of seedFixtures()) {
  test(`golden: ${name}`, () => {
    const parsed = parseInput(readSeed(name), { path: name });
    const { expected, actual } = checkGolden(path.join(seedDir, name.replace(/\.[^.]+$/, '.expected.json')), summarize(parsed));
    assert.deepEqual(actual, expected);
  });
}

for (const name of seedFixtures().filter((n) => n.endsWith('.patch'))) {
  test(`${name} is well-formed: read without problems and accepted by git apply --check`, () => {
    const text = readSeed(name);
    const parsed = parseInput(text);
    assert.deepEqual(parsed.problems, []);
    assert.equal(parsed.units.length, 1);
    assert.ok(parsed.units[0]!.files.every((f) => f.hunks.every((h) => h.truncated === undefined && h.declaredNewLines === undefined)));
    assert.equal(gitApplyCheck(parsed.units[0]!.files, text), '');
  });
}
