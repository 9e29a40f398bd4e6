// Masking keeps every offset: the output has the input's length and newlines, and the idioms
// read as C the grammar accepts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blankNonCode } from '../../engine/c/lexical';
import { maskIdioms } from '../../engine/c/mask';
import { prepareSource } from '../../engine/c/prepare';
import { parser } from './helpers';

const CASES: readonly [string, string, string][] = [
  ['__read_mostly', 'static int x __read_mostly = 1;', 'static int x               = 1;'],
  ['for_each_vcpu', 'for_each_vcpu(d, v) {', 'while        (d, v) {'],
  ['list_for_each_entry', 'list_for_each_entry(p, &h, n)', 'while              (p, &h, n)'],
  ['DEFINE_PER_CPU', 'DEFINE_PER_CPU(unsigned int, cnt);', 'int                          cnt ;'],
  ['XEN_GUEST_HANDLE_PARAM', 'long f(XEN_GUEST_HANDLE_PARAM(xen_domctl_t) u)', 'long f(int                                  u)'],
  ['unlikely', 'if ( unlikely(x) )', 'if (         (x) )'],
  ['comments untouched', '/* for_each_vcpu(d, v) */', '/* for_each_vcpu(d, v) */'],
  ['#define keeps its name', '#define for_each_foo(x) for (;;)', '#define for_each_foo(x) for (;;)'],
];

for (const [name, input, expected] of CASES) {
  test(`mask: ${name}`, () => {
    const out = maskIdioms(input);
    assert.equal(out, expected);
    assert.equal(out.length, input.length);
  });
}

test('mask: the masked Xen idioms parse without errors', async () => {
  const text = 'DEFINE_PER_CPU(unsigned int, cnt);\nstatic int x __read_mostly;\nlong f(XEN_GUEST_HANDLE_PARAM(t) u, struct domain *d)\n{\n    struct vcpu *v;\n    for_each_vcpu(d, v)\n        v->x = 1;\n    return 0;\n}\n';
  const tree = (await parser()).parse(prepareSource(text).text)!;
  assert.equal(tree.root.hasError, false);
  tree.dispose();
});

test('lexical: comments and literal contents are blanked at the same length, newlines kept', () => {
  const cases: [string, string][] = [
    ['a /* b */ c', 'a         c'],
    ['x = "s\\"t"; y', 'x = "    "; y'],
    ["c = 'x'; // tail\nz", "c = ' ';        \nz"],
    ['/* open\ncomment', '       \n       '],
  ];
  for (const [input, expected] of cases) assert.equal(blankNonCode(input), expected);
});
