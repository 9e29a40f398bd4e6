// Budgets count work, not time: the same test stops at the same step with the same partial
// result, run after run, and a kept verdict is charged what it cost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLitmus } from '../../engine/litmus/parser';
import { simulate } from '../../engine/sim/simulate';

function wideTest(): string {
  const threads: string[] = [];
  for (let i = 0; i < 4; i++) threads.push(`P${i}(int *x)\n{\n\tWRITE_ONCE(*x, ${i + 1});\n}\n`);
  for (let i = 4; i < 7; i++) threads.push(`P${i}(int *x)\n{\n\tint r0;\n\tint r1;\n\tr0 = READ_ONCE(*x);\n\tr1 = READ_ONCE(*x);\n}\n`);
  return `C wide\n{}\n${threads.join('\n')}\nexists (4:r0=1 /\\ 4:r1=2)\n`;
}

test('a step budget stops at the same place every time and says why', () => {
  const test = parseLitmus(wideTest()).value!;
  const runs = [0, 1, 2].map(() => simulate(test, { models: ['lkmm'], budget: { maxSteps: 5000 } }));
  for (const r of runs) {
    assert.equal(r.results[0]!.status, 'inconclusive');
    assert.equal(r.inconclusiveReason, 'more than 5000 enumeration steps');
  }
  assert.deepEqual(runs.map((r) => [r.candidates, r.steps, r.results[0]!.positive, r.results[0]!.negative]), Array(3).fill([runs[0]!.candidates, runs[0]!.steps, runs[0]!.results[0]!.positive, runs[0]!.results[0]!.negative]));
  // The step that would have gone over is counted, then refused.
  assert.equal(runs[0]!.steps, 5001);
});

test('with room to finish, the step count is the work done and the verdict is complete', () => {
  const test = parseLitmus(wideTest()).value!;
  const a = simulate(test, { models: ['sc'] });
  const b = simulate(test, { models: ['sc'], budget: { maxSteps: a.steps! } });
  assert.equal(a.results[0]!.status, 'complete');
  assert.equal(b.results[0]!.status, 'complete');
  assert.equal(a.steps, b.steps);
  assert.equal(simulate(test, { models: ['sc'], budget: { maxSteps: a.steps! - 1 } }).results[0]!.status, 'inconclusive');
});
