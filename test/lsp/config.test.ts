// The server finds `.hvbarrier.json` like the CLI (from the document's folder upwards, else the
// workspace root), reads it again when it changes, shows a broken one as an error on the file
// and in a message without dying, and keeps its index cache out of the checkout. The document
// is seed 000's fixed writer with its barrier renamed to a macro only the config declares.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { repoRoot } from '../support/paths';
import { seed000Workspace } from '../support/seed000';
import { fileUri, startClient, type TestClient } from './client';

// The flag is written with WRITE_ONCE(): a marked flag shows the handshake is meant to run
// lockless whatever the macro is (see docs/whole-tree.md, "Evidence before reporting"), so only
// the macro decides whether it is ordered.
const writer = readFileSync(join(repoRoot, 'fixtures', 'seeds', '000-set-info-smp_wmb.c'), 'utf8')
  .replace(/smp_wmb\(\)/g, 'my_wmb()').replace('v->is_initialised = 1;', 'WRITE_ONCE(v->is_initialised, 1);');
const warns = (p: PublishDiagnosticsParams): boolean => p.diagnostics.some((d) => d.severity === 2);
const clean = (p: PublishDiagnosticsParams): boolean => !p.diagnostics.some((d) => d.severity! <= 2);

/** The next publication for `uri`, among those arriving after this call, that satisfies `pred`. */
function next(c: TestClient, uri: string, pred: (p: PublishDiagnosticsParams) => boolean): Promise<PublishDiagnosticsParams> {
  return c.waitForNext(uri, pred);
}

function touched(c: TestClient, path: string, type: 1 | 2 | 3 = 2): void {
  void c.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(path), type }] });
}

test('.hvbarrier.json is found upwards from the document, re-read when it changes, and a broken one is an error on the file, not a crash', async () => {
  const ws = seed000Workspace();
  const c = await startClient({ root: ws.root, cacheDir: join(ws.root, '.cache') });
  try {
    const docPath = join(ws.root, 'xen', 'arch', 'arm', 'domain.c');
    mkdirSync(join(ws.root, 'xen', 'arch', 'arm'), { recursive: true });
    // The config sits between the document and the workspace root: found only by walking up.
    const config = join(ws.root, 'xen', '.hvbarrier.json');
    writeFileSync(config, JSON.stringify({ barriers: { my_wmb: 'wmb' } }));
    const uri = fileUri(docPath);
    c.open(uri, 'c', writer);
    await next(c, uri, clean);

    // Changed on disk: the macro is gone, the finding is back without touching the document.
    writeFileSync(config, JSON.stringify({ barriers: {} }));
    touched(c, config);
    await next(c, uri, warns);

    // Broken: invalid JSON. An error message naming the file and position, a diagnostic on the
    // config file itself, and the server still analyses (with the built-in knowledge base).
    const broken = '{\n  "barriers": { "my_wmb": "wmb", }\n';
    writeFileSync(config, broken);
    touched(c, config);
    const docAgain = next(c, uri, warns);
    const onFile = await next(c, fileUri(config), (p) => p.diagnostics.length > 0);
    assert.ok(onFile.diagnostics.every((d) => d.severity === 1 && d.source === 'hvbarrier' && d.code === 'config'));
    assert.match(onFile.diagnostics[0]!.message, /not valid JSON/);
    assert.ok(onFile.diagnostics[0]!.range.start.line >= 1, 'the position of the error, not the top of the file');
    for (let i = 0; i < 100 && !c.messages.some((m) => m.type === 1); i++) await new Promise((r) => setTimeout(r, 50));
    const shown = c.messages.filter((m) => m.type === 1);
    assert.equal(shown.length, 1, JSON.stringify(c.messages));
    assert.ok(shown[0]!.message.includes(`${config}:`), shown[0]!.message);
    await docAgain;
    // The same broken file seen again by the next analysis is not announced twice.
    c.change(uri, 2, [{ text: `${writer}\n` }]);
    await next(c, uri, (p) => p.version === 2);
    assert.equal(c.messages.filter((m) => m.type === 1).length, 1);

    // Repaired: the file's diagnostics are cleared and the macro counts again.
    writeFileSync(config, JSON.stringify({ barriers: { my_wmb: 'wmb' } }));
    touched(c, config);
    const cleanAgain = next(c, uri, clean);
    await next(c, fileUri(config), (p) => p.diagnostics.length === 0);
    await cleanAgain;

    // Broken again, then deleted: its diagnostics go with it, and the document warns again.
    writeFileSync(config, broken);
    touched(c, config);
    await next(c, fileUri(config), (p) => p.diagnostics.length > 0);
    rmSync(config);
    touched(c, config, 3);
    const warnsAgain = next(c, uri, warns);
    await next(c, fileUri(config), (p) => p.diagnostics.length === 0);
    await warnsAgain;
    assert.ok(c.alive());
  } finally {
    await c.close();
    rmSync(ws.root, { recursive: true, force: true });
  }
});

test('a document outside any config folder uses the workspace root\'s .hvbarrier.json', async () => {
  const ws = seed000Workspace();
  const outside = mkdtempSync(join(tmpdir(), 'hvb-outside-'));
  const c = await startClient({ root: ws.root, cacheDir: join(ws.root, '.cache') });
  try {
    writeFileSync(join(ws.root, '.hvbarrier.json'), JSON.stringify({ barriers: { my_wmb: 'wmb' } }));
    const uri = fileUri(join(outside, 'domain.c'));
    c.open(uri, 'c', writer);
    await next(c, uri, clean);
    // And without it, the same document warns: the root's config was what made it clean.
    rmSync(join(ws.root, '.hvbarrier.json'));
    touched(c, join(ws.root, '.hvbarrier.json'), 3);
    await next(c, uri, warns);
  } finally {
    await c.close();
    rmSync(ws.root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  }
});

test('the workspace index is cached under $XDG_CACHE_HOME/hvbarrier, never in the checkout', async () => {
  const ws = seed000Workspace();
  const xdg = mkdtempSync(join(tmpdir(), 'hvb-xdg-'));
  const c = await startClient({ root: ws.root, env: { ...process.env, XDG_CACHE_HOME: xdg } });
  try {
    for (let i = 0; i < 600 && !c.logs.some((l) => l.startsWith('index: ')); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(c.logs.some((l) => l.startsWith('index: ')), c.logs.join(''));
    const workspaces = join(xdg, 'hvbarrier', 'workspaces');
    const dirs = readdirSync(workspaces);
    assert.equal(dirs.length, 1);
    assert.ok(existsSync(join(workspaces, dirs[0]!, 'index-v1.json')));
    const inCheckout = readdirSync(ws.root, { recursive: true }).map(String).filter((p) => /cache/i.test(p));
    assert.deepEqual(inCheckout, []);
  } finally {
    await c.close();
    rmSync(ws.root, { recursive: true, force: true });
    rmSync(xdg, { recursive: true, force: true });
  }
});
