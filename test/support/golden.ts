// Golden files: compared by default, rewritten only when UPDATE_EXPECT=1 (the promote step).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export function expectGolden(path: string, actual: string): void {
  if (process.env.UPDATE_EXPECT === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  assert.ok(existsSync(path), `missing golden file ${path} (run with UPDATE_EXPECT=1 to create it)`);
  assert.equal(actual, readFileSync(path, 'utf8'), `output differs from ${path} (UPDATE_EXPECT=1 promotes it)`);
}
