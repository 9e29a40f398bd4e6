// C files are parsed chunk by chunk so that an edit re-parses one chunk. The split must never
// change what extraction says: every fixture and the benchmark's generated file extract the
// same chunked as whole, and the splitter refuses the places where a split would cut a
// definition (preprocessor conditionals, macros with braces, indented braces).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { topLevelChunks } from '../../engine/c/chunks';
import { extractC } from '../../engine/extract/index';
import { ParseCache } from '../../engine/extract/parse-cache';
import { generateC } from '../../bench/extract';
import { repoRoot } from '../support/paths';
import { parser } from './helpers';

const cFixtures = (): string[] => {
  const out: string[] = [];
  for (const dir of ['fixtures/seeds', 'fixtures/c']) {
    let names: string[] = [];
    try { names = readdirSync(join(repoRoot, dir)); } catch { continue; }
    out.push(...names.filter((n) => n.endsWith('.c')).map((n) => join(repoRoot, dir, n)));
  }
  return out;
};

test('chunked extraction equals whole-file extraction on every C fixture and a generated file', async () => {
  const p = await parser();
  const inputs = [...cFixtures().map((f) => ({ name: f, text: readFileSync(f, 'utf8') })), { name: 'generated', text: generateC(3000) }];
  assert.ok(inputs.length > 5);
  for (const { name, text } of inputs) {
    assert.ok(topLevelChunks(text).length > 1 || !/\n}\n[\s\S]*\n}\n/.test(text), `${name} was not split`);
    assert.deepEqual(extractC(p, { text, path: name }), extractC(p, { text, path: name, wholeFile: true }), name);
  }
});

test('chunks: split after a column-0 closing brace, never inside a conditional or at an indented brace', () => {
  const text = [
    'static int a;', 'void f(void)', '{', '    a = 1;', '}', // split here
    '#ifdef CONFIG_X', 'void g(void)', '{', '}', 'void h(void)', '{', '}', '#endif', // no split inside
    '#define OPEN {', 'struct s {', '    int x;', '};', // the define opens nothing; split after };
    'void k(void)', '{', '    if (a) {', '}', '    a = 2;', '}', // the indented-looking `}` is at col 0 but depth 1
    'int tail;',
  ].join('\n');
  const chunks = topLevelChunks(text);
  assert.equal(chunks.map((c) => c.text).join(''), text, 'chunks cover the text exactly');
  const firsts = chunks.map((c) => text.split('\n')[c.startLine]);
  assert.deepEqual(firsts, ['static int a;', '#ifdef CONFIG_X', 'void k(void)', 'int tail;']);
});

test('chunks: braces unbalanced across #if branches only make chunks larger', () => {
  const text = ['void f(int a)', '{', '#ifdef X', '    if (a) {', '#else', '    if (!a) {', '#endif', '        a++;', '    }', '}', 'void g(void)', '{', '}', ''].join('\n');
  // Counting both branches leaves depth 1 after f(): no split point is trusted after it.
  assert.equal(topLevelChunks(text).length, 1);
});

test('an edit inside one function of a large file re-parses only its chunk', async () => {
  const p = await parser();
  const text = generateC(2000);
  const cache = new ParseCache();
  const first = extractC(p, { text, cache });
  const misses = cache.misses;
  const lines = text.split('\n');
  const at = lines.findIndex((l, i) => i > 1000 && /^\s+\w+->\w+ = /.test(l));
  lines.splice(at, 0, '    smp_mb();');
  const edited = lines.join('\n');
  const again = extractC(p, { text: edited, cache });
  assert.equal(cache.misses - misses, 1, 'one chunk parsed again');
  assert.deepEqual(again, extractC(p, { text: edited }));
  assert.equal(again.value.length, first.value.length);
});
