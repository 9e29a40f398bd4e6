// The seed-002 table of docs/lost-wakeups.md is the output of the run (bench/hv-table.ts), never
// typed by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seed002Table } from '../../bench/hv-table';
import { repoRoot } from '../support/paths';

test('docs/lost-wakeups.md seed-002 table equals a fresh run (npm run hv-table)', async () => {
  const readme = readFileSync(join(repoRoot, 'docs', 'lost-wakeups.md'), 'utf8');
  const block = /<!-- seed-002 table: generated[^\n]*\n([\s\S]*?)\n<!-- end of seed-002 table -->/.exec(readme);
  assert.ok(block, 'docs/lost-wakeups.md has the generated block');
  assert.equal(block[1], await seed002Table());
});
