// Bad input, bad settings and bad requests never kill the server: each becomes a logged
// error, a reported problem or an empty result, and the next request still works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../support/paths';
import { startClient } from './client';

const mpText = readFileSync(join(repoRoot, 'fixtures', 'litmus', 'MP.litmus'), 'utf8');

test('malformed documents and requests give problems or empty results, and the server keeps serving', async () => {
  const c = await startClient();
  try {
    const bad = 'untitled:broken.litmus';
    c.open(bad, 'litmus', 'C broken\n{\nP0(int *x) { WRITE_ONCE(*x, ; }\nexists (');
    const pub = await c.waitFor(bad, (p) => p.diagnostics.length > 0);
    assert.ok(pub.diagnostics.every((d) => d.code === 'input' && d.source === 'hvbarrier'));
    assert.ok(pub.diagnostics.some((d) => d.severity === 1));

    const garbage = 'untitled:garbage.patch';
    c.open(garbage, 'diff', '\u0000\uffff@@ -1,2 +9,9 @@\n+++\n--- a\n' + 'x'.repeat(10_000));
    await c.waitFor(garbage);

    // Requests about documents the server never saw, positions out of range, unknown commands.
    assert.equal(await c.conn.sendRequest('textDocument/hover', { textDocument: { uri: 'file:///nowhere.patch' }, position: { line: 5, character: 3 } }), null);
    assert.equal(await c.conn.sendRequest('textDocument/hover', { textDocument: { uri: bad }, position: { line: 9999, character: 9999 } }), null);
    assert.deepEqual(await c.conn.sendRequest('textDocument/codeAction', { textDocument: { uri: 'file:///nowhere.patch' }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] } }), []);
    assert.equal(await c.conn.sendRequest('workspace/executeCommand', { command: 'hvbarrier.no-such-command', arguments: [] }), null);
    assert.equal(await c.conn.sendRequest('workspace/executeCommand', { command: 'hvbarrier.showLitmus', arguments: [42, { not: 'an id' }] }), null);
    assert.deepEqual(await c.conn.sendRequest('workspace/executeCommand', { command: 'hvbarrier.showExecution', arguments: [42, { not: 'an id' }] }), { none: 'no such finding in the current version of the document' });
    const noFix = await c.conn.sendRequest('workspace/executeCommand', { command: 'hvbarrier.applyFix', arguments: ['file:///nowhere.patch', 'x'] }) as { applied: boolean };
    assert.equal(noFix.applied, false);
    // A change to a document that was never opened is ignored by the document manager.
    c.change('untitled:never-opened.c', 3, [{ text: 'int x;' }]);

    const good = 'untitled:after.litmus';
    c.open(good, 'litmus', mpText);
    const ok = await c.waitFor(good, (p) => p.diagnostics.length > 0);
    assert.ok(ok.diagnostics.some((d) => d.code === 'litmus-verdict'));
    assert.ok(c.alive());
  } finally {
    await c.close();
  }
});

test('bad settings are reported to the user and replaced by defaults, never fatal', async () => {
  const c = await startClient({ settings: { arch: 'sparc', models: ['lkmm', 'vax'], budget: { maxMillis: -1 }, kbPath: '/no/such/file.json', index: { include: 'not-a-list' } } });
  try {
    const uri = 'untitled:settings.litmus';
    c.open(uri, 'litmus', mpText);
    const pub = await c.waitFor(uri, (p) => p.diagnostics.length > 0);
    // Defaults are used: all four models still appear.
    assert.match(pub.diagnostics[0]!.message, /sc: .*x86-tso: .*armv8: .*lkmm: /);
    const texts = c.messages.map((m) => m.message).join('\n');
    for (const key of ['hvbarrier.arch', 'hvbarrier.models', 'hvbarrier.budget.maxMillis', 'hvbarrier.kbPath', 'hvbarrier.index.include']) assert.match(texts, new RegExp(key.replace(/\./g, '\\.')));
    assert.ok(c.messages.every((m) => m.type === 2), 'reported as warnings');

    // A corrected setting takes effect on didChangeConfiguration.
    c.settings = { models: ['sc', 'lkmm'] };
    void c.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const again = await c.waitFor(uri, (p) => p.diagnostics.length > 0 && !/armv8/.test(p.diagnostics[0]!.message));
    assert.match(again.diagnostics[0]!.message, /^MP: sc: forbidden [^;]*; lkmm: allowed/);
    assert.ok(c.alive());
  } finally {
    await c.close();
  }
});

test('rapid edits with no debounce: only the newest version is published last, never an older one after it', async () => {
  const c = await startClient({ settings: { debounceMs: 0 } });
  try {
    const uri = 'untitled:rapid.litmus';
    const read = (name: string): string => readFileSync(join(repoRoot, 'fixtures', 'litmus', name), 'utf8');
    c.open(uri, 'litmus', read('MP.litmus'));
    await c.waitFor(uri, (p) => p.version === 1);
    // A slower test (IRIW: four threads) immediately replaced by a quick one.
    c.change(uri, 2, [{ text: read('IRIW.litmus') }]);
    c.change(uri, 3, [{ text: read('SB.litmus') }]);
    const last = await c.waitFor(uri, (p) => p.version === 3);
    assert.match(last.diagnostics[0]!.message, /^SB: /);
    await new Promise((r) => setTimeout(r, 1500));
    const mine = c.published.filter((p) => p.uri === uri);
    assert.equal(mine.at(-1)!.version, 3, JSON.stringify(mine.map((p) => p.version)));
    const versions = mine.map((p) => p.version!);
    assert.deepEqual(versions, [...versions].sort((a, b) => a - b), 'publications never go back in version');
  } finally {
    await c.close();
  }
});
