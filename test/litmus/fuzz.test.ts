// Random mutations of real litmus files never crash the parser or the simulator: they give a
// problem with a position, an `unsupported`, or a verdict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseLitmus } from '../../engine/litmus/parser';
import { simulate } from '../../engine/sim/simulate';
import { litmusFiles } from '../../engine/cli/litmus';
import { lkmmSuiteAvailable, lkmmSuiteDir, repoRoot } from '../support/paths';
import { prng } from '../support/prng';

const sources = [
  ...readdirSync(join(repoRoot, 'fixtures', 'litmus')).filter((f) => f.endsWith('.litmus')).map((f) => join(repoRoot, 'fixtures', 'litmus', f)),
  ...(lkmmSuiteAvailable() ? litmusFiles([lkmmSuiteDir]) : []),
].map((f) => readFileSync(f, 'utf8'));

const SNIPPETS = ['{', '}', '(', ')', ';', '*', '&', '(*', '*)', '/\\', '\\/', '~', '0:', 'exists', 'if (', 'P9', '\n', 'spin_lock(', '= 1', 'r0', 'x'];

function mutate(text: string, rnd: () => number): string {
  const lines = text.split('\n');
  const n = 1 + Math.floor(rnd() * 3);
  for (let k = 0; k < n; k++) {
    const i = Math.floor(rnd() * lines.length);
    const choice = rnd();
    if (choice < 0.25) lines.splice(i, 1);
    else if (choice < 0.45) lines.splice(i, 0, lines[i] ?? '');
    else if (choice < 0.7) {
      const l = lines[i] ?? '';
      const at = Math.floor(rnd() * (l.length + 1));
      lines[i] = l.slice(0, at) + SNIPPETS[Math.floor(rnd() * SNIPPETS.length)]! + l.slice(at);
    } else if (choice < 0.9) {
      const l = lines[i] ?? '';
      const at = Math.floor(rnd() * (l.length + 1));
      lines[i] = l.slice(0, at) + l.slice(at + 1 + Math.floor(rnd() * 4));
    } else return lines.slice(0, i).join('\n');
  }
  return lines.join('\n');
}

test('fuzz: 600 mutated litmus files never throw', () => {
  const rnd = prng(20261121);
  let parsed = 0;
  for (let k = 0; k < 600; k++) {
    const text = mutate(sources[k % sources.length]!, rnd);
    const r = parseLitmus(text);
    for (const p of r.problems) assert.ok(p.line >= 1 && p.col >= 1, `problem has a position: ${JSON.stringify(p)}`);
    if (!r.value) { assert.ok(r.problems.length > 0); continue; }
    parsed++;
    const sim = simulate(r.value, { models: ['lkmm', 'armv8'], budget: { maxExecutions: 2000, maxMillis: 200 } });
    for (const res of sim.results) assert.ok(['complete', 'inconclusive', 'unsupported'].includes(res.status));
  }
  assert.ok(parsed > 50, `enough mutants still parse to exercise the simulator (${parsed})`);
});
