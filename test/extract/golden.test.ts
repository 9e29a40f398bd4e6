// Golden extraction tests: every seed fixture's threads, as the CLI prints them, against
// test/extract/golden/<fixture>.expected. Change them only with UPDATE_EXPECT=1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatThreads } from '../../engine/cli/format/threads';
import { guessOs } from '../../engine/kb/index';
import { ROOT, SEEDS, extractText, parser, seedFixtures } from './helpers';

const GOLDEN = path.join(ROOT, 'test', 'extract', 'golden');

for (const name of seedFixtures()) {
  test(`extraction golden: ${name}`, async () => {
    const p = await parser();
    const text = fs.readFileSync(path.join(SEEDS, name), 'utf8');
    const profile = { os: guessOs(name, text) };
    const res = extractText(p, text, name, { profile });
    const problems = res.problems.map((q) => `${q.line}:${q.col}: ${q.severity}: ${q.message}`);
    const actual = `${formatThreads(res.value)}${problems.length ? `\nproblems:\n${problems.join('\n')}\n` : ''}`;
    const file = path.join(GOLDEN, `${name}.expected`);
    if (process.env.UPDATE_EXPECT === '1') {
      fs.mkdirSync(GOLDEN, { recursive: true });
      fs.writeFileSync(file, actual);
      return;
    }
    assert.ok(fs.existsSync(file), `missing golden file ${file}; run with UPDATE_EXPECT=1 to create it`);
    assert.equal(actual, fs.readFileSync(file, 'utf8'));
    assert.ok(res.value.length > 0, 'every seed fixture has at least one function');
  });
}
