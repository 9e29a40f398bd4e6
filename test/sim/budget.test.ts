// The simulator is bounded: past its budget it answers `inconclusive`, with partial counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLitmus } from '../../engine/litmus/parser';
import { formatHerd } from '../../engine/litmus/print';
import { simulate } from '../../engine/sim/simulate';

// Four writers and four readers of one location: thousands of coherence/reads-from choices.
function wideTest(): string {
  const threads: string[] = [];
  for (let i = 0; i < 4; i++) threads.push(`P${i}(int *x)\n{\n\tWRITE_ONCE(*x, ${i + 1});\n}\n`);
  for (let i = 4; i < 8; i++) threads.push(`P${i}(int *x)\n{\n\tint r0;\n\tint r1;\n\tr0 = READ_ONCE(*x);\n\tr1 = READ_ONCE(*x);\n}\n`);
  return `C wide\n{}\n${threads.join('\n')}\nexists (4:r0=1 /\\ 4:r1=2)\n`;
}

test('an execution budget yields inconclusive, not a verdict', () => {
  const sim = simulate(parseLitmus(wideTest()).value!, { models: ['lkmm'], budget: { maxExecutions: 500 } });
  assert.equal(sim.results[0]!.status, 'inconclusive');
  assert.match(sim.inconclusiveReason ?? '', /more than 500/);
  assert.match(formatHerd(sim, sim.results[0]!), /Inconclusive: more than 500 candidate executions/);
});

test('a time budget yields inconclusive', () => {
  const sim = simulate(parseLitmus(wideTest()).value!, { models: ['lkmm'], budget: { maxMillis: 0 } });
  assert.equal(sim.results[0]!.status, 'inconclusive');
});

test('within budget the same test completes', () => {
  const small = wideTest().replace(/P[67]\(int \*x\)\n\{[^}]*\}\n/g, '');
  const sim = simulate(parseLitmus(small.replace('P0', 'P0')).value!, { models: ['sc'] });
  assert.equal(sim.results[0]!.status, 'complete');
  assert.ok(sim.results[0]!.positive > 0);
});

test('a thread with more traces than the execution budget is inconclusive, never a verdict from the traces that fit', () => {
  // MP's reader has two traces per value it may read; with room for one, the one left out is
  // the one that sees the flag, and a verdict from the rest would say `Never`.
  const mp = `C MP\n{}\nP0(int *x, int *y)\n{\n\tWRITE_ONCE(*x, 1);\n\tWRITE_ONCE(*y, 1);\n}\n\nP1(int *x, int *y)\n{\n\tint r0;\n\tint r1;\n\tr0 = READ_ONCE(*y);\n\tr1 = READ_ONCE(*x);\n}\n\nexists (1:r0=1 /\\ 1:r1=0)\n`;
  for (const maxExecutions of [1, 2]) {
    const sim = simulate(parseLitmus(mp).value!, { models: ['armv8'], budget: { maxExecutions } });
    assert.equal(sim.results[0]!.status, 'inconclusive', `maxExecutions ${maxExecutions}`);
    assert.match(sim.inconclusiveReason ?? '', /more than \d+ traces/);
  }
  assert.equal(simulate(parseLitmus(mp).value!, { models: ['armv8'] }).results[0]!.observation, 'Sometimes');
});
