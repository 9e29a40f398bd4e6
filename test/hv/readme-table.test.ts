// The README's seed-002 table is the output of the run (bench/hv-table.ts), never typed by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seed002Table } from '../../bench/hv-table';
import { repoRoot } from '../support/paths';

test('README seed-002 table equals a fresh run (npm run hv-table)', async () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const block = /<!-- seed-002 table: generated[^\n]*\n([\s\S]*?)\n<!-- end of seed-002 table -->/.exec(readme);
  assert.ok(block, 'README has the generated block');
  assert.equal(block[1], await seed002Table());
});
