// Whole-tree mode keeps whole files' threads between documents (engine/extract/file-memo.ts). A
// kept file must extract exactly as a fresh one, whatever was asked of it before: every
// function, a few of them, a function whose callee recursion was in progress when it was kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractC } from '../../engine/extract/index';
import { ParseCache } from '../../engine/extract/parse-cache';
import { saveListing, type SavedListing } from '../../engine/extract/file-memo';
import { topLevelChunks } from '../../engine/c/chunks';
import { generateC } from '../../bench/extract';
import { repoRoot } from '../support/paths';
import { parser } from './helpers';

const fixtures = (): Array<{ name: string; text: string }> => {
  const dir = join(repoRoot, 'fixtures', 'seeds');
  return readdirSync(dir).filter((n) => n.endsWith('.c')).map((n) => ({ name: join(dir, n), text: readFileSync(join(dir, n), 'utf8') }));
};

test('a kept file extracts as a fresh one: whole, then a few functions, then whole again', async () => {
  const p = await parser();
  const inputs = [...fixtures(), { name: 'generated.c', text: generateC(1500) }];
  assert.ok(inputs.length > 3);
  for (const { name, text } of inputs) {
    const cache = new ParseCache({ fileEvents: 1_000_000 });
    const fresh = extractC(p, { text, path: name });
    const names = fresh.value.map((t) => t.name);
    const some = new Set(names.filter((_, i) => i % 3 === 1));
    // First a few functions (the file is listed and those are walked), then the whole file
    // (the rest walked from their own chunks), then both again from the memo alone.
    assert.deepEqual(extractC(p, { text, path: name, cache, only: (n) => some.has(n) }), extractC(p, { text, path: name, only: (n) => some.has(n) }), `${name}: a few`);
    assert.deepEqual(extractC(p, { text, path: name, cache }), fresh, `${name}: whole after a few`);
    const again = extractC(p, { text, path: name, cache });
    assert.deepEqual(again, fresh, `${name}: whole from the memo`);
    assert.ok(cache.fileHits >= 2, `${name}: the memo was used`);
  }
});

test('a kept file is not reused for another text, and the memo is off unless asked for', async () => {
  const p = await parser();
  const a = 'int x;\nvoid f(void)\n{\n\tx = 1;\n}\n';
  const b = 'int x;\nvoid f(void)\n{\n\tx = 2;\n\tsmp_wmb();\n}\n';
  const cache = new ParseCache({ fileEvents: 1000 });
  extractC(p, { text: a, path: 'same.c', cache });
  assert.deepEqual(extractC(p, { text: b, path: 'same.c', cache }), extractC(p, { text: b, path: 'same.c' }));
  const plain = new ParseCache();
  extractC(p, { text: a, path: 'same.c', cache: plain });
  extractC(p, { text: a, path: 'same.c', cache: plain });
  assert.equal(plain.keepsFiles, false);
  assert.equal(plain.fileHits, 0);
});

test('a function kept from inside a recursion is walked again when asked alone', async () => {
  const p = await parser();
  // g() calls f() and f() calls g(): walked as f()'s callee, g() sees f() in progress (no
  // summary); asked alone, it summarizes f(), whose own call to g() is then the one cut.
  const text = [
    'int a, b;',
    'void g(int n);',
    'void f(int n)', '{', '\ta = 1;', '\tif (n) g(n - 1);', '}',
    'void g(int n)', '{', '\tb = 1;', '\tsmp_wmb();', '\tf(n);', '}', '',
  ].join('\n');
  const cache = new ParseCache({ fileEvents: 1000 });
  extractC(p, { text, path: 'rec.c', cache, only: (n) => n === 'f' });
  const alone = extractC(p, { text, path: 'rec.c', cache, only: (n) => n === 'g' });
  assert.deepEqual(alone, extractC(p, { text, path: 'rec.c', only: (n) => n === 'g' }));
  assert.ok(alone.value[0]!.events.some((e) => e.kind === 'W' && e.loc.text === 'a'), 'g() inlines f()');
});

test('a listing saved by another extraction (the index) spares the whole parse and extracts the same', async () => {
  const p = await parser();
  const text = generateC(800);
  let saved: SavedListing | undefined;
  const fresh = extractC(p, { text, path: 'gen.c', listed: (l, problems) => { saved = saveListing(l, problems, text); } });
  assert.ok(saved, 'the whole parse told its listing');
  // Shipped as JSON (the index cache, a worker's message).
  const shipped = JSON.parse(JSON.stringify(saved)) as SavedListing;
  const one = new Set([fresh.value[fresh.value.length - 1]!.name]);
  const cache = new ParseCache({ fileEvents: 1_000_000, listings: (path) => (path === 'gen.c' ? shipped : undefined) });
  assert.deepEqual(extractC(p, { text, path: 'gen.c', cache, only: (n) => one.has(n) }), extractC(p, { text, path: 'gen.c', only: (n) => one.has(n) }));
  assert.ok(cache.misses < topLevelChunks(text).length / 4, `parsed ${cache.misses} chunks for one function`);
  assert.deepEqual(extractC(p, { text, path: 'gen.c', cache }), fresh);
  // Another text under the same path is not taken for the listed one.
  const edited = text.replace(/\n}\n/, '\n\tsmp_mb();\n}\n');
  assert.deepEqual(extractC(p, { text: edited, path: 'gen.c', cache: new ParseCache({ fileEvents: 1000, listings: () => shipped }) }), extractC(p, { text: edited, path: 'gen.c' }));
});

test('an architecture profile reuses the generic threads that use no primitive it defines otherwise, and extracts as a fresh one', async () => {
  const p = await parser();
  // Xen's spin_lock() is a full barrier on Arm: lock() reads differently under arm64, and so
  // does caller(), which inlines it; plain() uses nothing Arm defines otherwise.
  const text = [
    'spinlock_t l;',
    'int x, y;',
    'static void lock(void)',
    '{',
    '\tspin_lock(&l);',
    '\tx = 1;',
    '\tspin_unlock(&l);',
    '}',
    'void plain(void)',
    '{',
    '\tWRITE_ONCE(y, 1);',
    '\tsmp_mb();',
    '}',
    'void caller(void)',
    '{',
    '\tlock();',
    '\ty = 2;',
    '}',
    '',
  ].join('\n');
  const path = 'xen/common/arch-profile.c';
  const generic = { os: 'xen' as const };
  const arm = { os: 'xen' as const, arch: 'arm64' as const };
  const cache = new ParseCache({ fileEvents: 1_000_000 });
  const first = extractC(p, { text, path, cache, profile: generic });
  const usesLock = (t: { events: ReadonlyArray<{ prim?: string }> }): boolean => t.events.some((e) => e.prim === 'spin_lock' || e.prim === 'spin_unlock');
  const adopted = extractC(p, { text, path, cache, profile: arm, sameAs: { profile: generic, same: (t) => !usesLock(t) } });
  const fresh = extractC(p, { text, path, profile: arm });
  assert.deepEqual(adopted, fresh);
  const byName = (r: typeof first, n: string) => r.value.find((t) => t.name === n)!;
  assert.equal(byName(adopted, 'plain'), byName(first, 'plain'), 'plain() is the generic thread itself');
  assert.notEqual(byName(adopted, 'caller'), byName(first, 'caller'), 'caller() is walked again');
  assert.ok(byName(adopted, 'caller').events.some((e) => e.kind === 'F'), 'and has spin_lock()\'s Arm barrier');
});
