// Fuzz: random line-level mutations of every seed fixture (delete, duplicate, garble, strip or
// add quote prefixes) must never make the reader or extraction throw or hit an internal error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { prng } from '../support/prng';
import { SEEDS, extractText, parser, seedFixtures } from './helpers';

const GARBAGE = ['{', '}', '(', ')', '/*', '*/', '"', '@@ -1,3 +1,4 @@', '+', '-', '\\', '#if', ';', '->', '\t', '\u00a0', '\uFFFD'];

function mutate(text: string, rnd: () => number): string {
  const lines = text.split('\n');
  const n = 1 + Math.floor(rnd() * 8);
  for (let k = 0; k < n && lines.length > 0; k++) {
    const i = Math.floor(rnd() * lines.length);
    const op = Math.floor(rnd() * 6);
    const line = lines[i]!;
    if (op === 0) lines.splice(i, 1);
    else if (op === 1) lines.splice(i, 0, line);
    else if (op === 2) {
      const at = Math.floor(rnd() * (line.length + 1));
      lines[i] = line.slice(0, at) + GARBAGE[Math.floor(rnd() * GARBAGE.length)] + line.slice(at + Math.floor(rnd() * 4));
    } else if (op === 3) lines[i] = line.replace(/^(> ?)+/, '');
    else if (op === 4) lines[i] = (rnd() < 0.5 ? '> ' : '>> ') + line;
    else lines[i] = line.slice(0, Math.floor(rnd() * line.length));
  }
  return lines.join('\n');
}

test('fuzz: mutated seed fixtures never throw and never hit an internal error', async () => {
  const p = await parser();
  let runs = 0;
  for (const [fi, name] of seedFixtures().entries()) {
    const text = fs.readFileSync(path.join(SEEDS, name), 'utf8');
    for (let k = 0; k < 25; k++) {
      const seed = fi * 1000 + k;
      const mutated = mutate(text, prng(seed));
      const res = extractText(p, mutated, name);
      assert.ok(Array.isArray(res.value), `seed ${seed} on ${name}`);
      const internal = res.problems.find((q) => q.message.includes('internal error'));
      assert.equal(internal, undefined, `seed ${seed} on ${name}: ${internal?.message}`);
      for (const t of res.value) {
        for (const e of t.events) assert.ok(e.span.line >= 1 && e.span.col >= 1, `seed ${seed}: span inside the input`);
      }
      runs++;
    }
  }
  assert.ok(runs >= 250);
});
