// `#if 0` bodies are not code: they hold no functions and take no addresses, and nothing
// depending on the build configuration is decided.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blankDisabled, disabledRanges } from '../../engine/c/disabled';
import { maskIdioms } from '../../engine/c/mask';
import { addressTaken } from '../../engine/concurrency/facts';

const dead = (code: string): string[] => disabledRanges(code).map((r) => code.slice(r.start, r.end).trim());

test('#if 0 body is dead, its #else side is live', () => {
  const code = '#if 0\nint a;\n#else\nint b;\n#endif\nint c;\n';
  assert.deepEqual(dead(code), ['int a;']);
  const out = blankDisabled(code);
  assert.equal(out.length, code.length);
  assert.equal(out.split('\n').length, code.split('\n').length);
  assert.match(out, /int b;/);
  assert.doesNotMatch(out, /int a;/);
});

test('#if 1 keeps its body and kills its #else side', () => {
  assert.deepEqual(dead('#if 1\nint a;\n#else\nint b;\n#endif\n'), ['int b;']);
});

test('a configuration condition decides nothing, nor an #elif after #if 0', () => {
  assert.deepEqual(dead('#if CONFIG_X\nint a;\n#else\nint b;\n#endif\n'), []);
  assert.deepEqual(dead('#ifdef CONFIG_X\nint a;\n#endif\n'), []);
  assert.deepEqual(dead('#if 0\nint a;\n#elif CONFIG_Y\nint b;\n#else\nint c;\n#endif\n'), ['int a;']);
});

test('nesting: an inner conditional inside #if 0 is dead with it; an inner #if 0 inside a live one is dead alone', () => {
  assert.deepEqual(dead('#if 0\n#ifdef X\nint a;\n#endif\nint b;\n#endif\nint c;\n'), ['#ifdef X\nint a;\n#endif\nint b;']);
  assert.deepEqual(dead('#ifdef X\n#if 0\nint a;\n#endif\nint b;\n#endif\n'), ['int a;']);
});

test('an #if 0 whose #endif is not in the text (a hunk cut short) decides nothing', () => {
  assert.deepEqual(dead('#if 0\nint a;\n'), []);
});

test('masking blanks an #if 0 body and keeps every offset', () => {
  const text = 'int f(void);\n#if 0 /* Xen: unused */\nstatic int g(void) { return f(); }\n#endif\n';
  const out = maskIdioms(text);
  assert.equal(out.length, text.length);
  assert.doesNotMatch(out, /static int g/);
  assert.match(out, /int f\(void\);/);
});

test('an ops table under #if 0, or a name in a comment, takes no address', () => {
  const live = 'static const struct ops o = {\n\t.attach = my_attach,\n};\n';
  assert.deepEqual(addressTaken(live), ['my_attach']);
  assert.deepEqual(addressTaken(`#if 0\n${live}#endif\n`), []);
  assert.deepEqual(addressTaken('/* see the table: .attach = my_attach, */\n'), []);
});
