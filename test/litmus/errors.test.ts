// Malformed tests are errors with line:col; constructs we do not model are `unsupported`,
// never a verdict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLitmus } from '../../engine/litmus/parser';
import { simulate } from '../../engine/sim/simulate';

function errorAt(text: string): { line: number; col: number; message: string } {
  const r = parseLitmus(text);
  assert.equal(r.value, undefined, 'no test is produced');
  assert.equal(r.problems.length, 1);
  return r.problems[0]!;
}

const MP_HEAD = 'C t\n{}\nP0(int *x)\n{\n';

const syntaxCases: Array<[string, string, number, number, RegExp]> = [
  ['empty input', '', 1, 1, /header/],
  ['non-C architecture', 'AArch64 t\n{}\n', 1, 1, /architecture 'AArch64'/],
  ['missing thread body brace', `${MP_HEAD}\tWRITE_ONCE(*x, 1);\n`, 6, 1, /missing '}'/],
  ['bad character', `${MP_HEAD}\tWRITE_ONCE(*x, 1) @;\n}\nexists (x=1)\n`, 5, 20, /unexpected character '@'/],
  ['missing semicolon', `${MP_HEAD}\tWRITE_ONCE(*x, 1)\n}\nexists (x=1)\n`, 6, 1, /expected ';'/],
  ['missing condition', `${MP_HEAD}\tWRITE_ONCE(*x, 1);\n}\n`, 7, 1, /missing final condition/],
  ['garbage after threads', `${MP_HEAD}\tWRITE_ONCE(*x, 1);\n}\nbogus\n`, 7, 1, /unexpected 'bogus'/],
  ['unterminated comment', 'C t\n(* never closed\n{}\n', 2, 1, /unterminated/],
  ['struct member', `${MP_HEAD}\tWRITE_ONCE(x->f, 1);\n}\nexists (x=1)\n`, 5, 14, /unsupported: struct member access at 5:14/],
];

for (const [name, text, line, col, message] of syntaxCases) {
  test(`syntax error: ${name}`, () => {
    const p = errorAt(text);
    assert.deepEqual([p.line, p.col], [line, col]);
    assert.match(p.message, message);
  });
}

const unsupportedCases: Array<[string, string, string, number, number]> = [
  ['while loop', '\twhile (READ_ONCE(*x) == 0) ;\n', 'while', 5, 2],
  ['unknown primitive', '\tfrobnicate(x);\n', 'frobnicate', 5, 2],
  ['wrong arity', '\tWRITE_ONCE(*x);\n', 'WRITE_ONCE with 1 arguments', 5, 2],
  ['deref of an integer', '\tint r0 = 3;\n\tWRITE_ONCE(*r0, 1);\n', 'dereference of the integer 3', 6, 2],
];

for (const [name, body, construct, line, col] of unsupportedCases) {
  test(`unsupported, never a verdict: ${name}`, () => {
    const r = parseLitmus(`${MP_HEAD}${body}}\nexists (x=1)\n`);
    assert.deepEqual(r.problems, []);
    const sim = simulate(r.value!, { models: ['lkmm', 'sc'] });
    for (const res of sim.results) {
      assert.equal(res.status, 'unsupported');
      assert.equal(res.unsupported?.construct, construct);
      assert.deepEqual([res.unsupported?.pos.line, res.unsupported?.pos.col], [line, col]);
    }
  });
}

test('hardware models say unsupported for RCU grace periods; LKMM gives a verdict', () => {
  const r = parseLitmus(`${MP_HEAD}\tsynchronize_rcu();\n\tWRITE_ONCE(*x, 1);\n}\nexists (x=1)\n`);
  const sim = simulate(r.value!, { models: ['sc', 'x86-tso', 'armv8', 'lkmm'] });
  assert.deepEqual(sim.results.map((x) => x.status), ['unsupported', 'unsupported', 'unsupported', 'complete']);
  assert.match(sim.results[2]!.unsupported!.construct, /synchronize_rcu/);
});
