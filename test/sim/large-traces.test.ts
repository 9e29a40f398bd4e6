// A thread with 2^17 read outcomes, found on Linux's arch/x86/kvm/hyperv.c: its traces once
// overflowed the call stack (Math.max over a spread of them), and their enumeration ignored
// the time budget (6 s against 300 ms). The simulator must come back within its budget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLitmus } from '../../engine/litmus/parser';
import { simulate } from '../../engine/sim/simulate';

test('a thread with 2^17 traces: the budget bounds their enumeration and the result is inconclusive', () => {
  const reads = Array.from({ length: 17 }, (_, i) => `\tint r${i} = READ_ONCE(*x);`).join('\n');
  const text = `C many-reads\n\n{}\n\nP0(int *x)\n{\n${reads}\n}\n\nP1(int *x)\n{\n\tWRITE_ONCE(*x, 1);\n}\n\nexists (0:r0=1)\n`;
  const parsed = parseLitmus(text);
  assert.ok(parsed.value, JSON.stringify(parsed.problems));
  const r = simulate(parsed.value, { models: ['sc'], budget: { maxMillis: 300 } });
  assert.equal(r.results[0]!.status, 'inconclusive');
  assert.match(r.inconclusiveReason ?? '', /over 300 ms|candidate executions/);
});
