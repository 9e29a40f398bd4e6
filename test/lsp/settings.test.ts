// Settings that reach the engine: extra barrier macros (from settings, or from the
// knowledge-base file named by kbPath) change what the checks see, live, on
// didChangeConfiguration. The document is seed 000's fixed writer with its barrier renamed
// to a project macro the built-in knowledge base does not know.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../support/paths';
import { seed000Workspace } from '../support/seed000';
import { fileUri, startClient } from './client';

test('an unknown barrier macro is a finding until hvbarrier.macros.barriers or the kbPath file declares it', async () => {
  const ws = seed000Workspace();
  const c = await startClient({ root: ws.root, cacheDir: join(ws.root, '.cache') });
  try {
    // A marked flag (WRITE_ONCE) is evidence of a lockless handshake on its own, so only the
    // macro decides whether it is ordered (see docs/whole-tree.md, "Evidence before reporting").
    const text = readFileSync(join(repoRoot, 'fixtures', 'seeds', '000-set-info-smp_wmb.c'), 'utf8')
      .replace(/smp_wmb\(\)/g, 'my_wmb()').replace('v->is_initialised = 1;', 'WRITE_ONCE(v->is_initialised, 1);');
    const docPath = join(ws.root, 'xen', 'arch', 'arm', 'domain.c');
    const uri = fileUri(docPath);
    c.open(uri, 'c', text);
    const warned = await c.waitFor(uri, (p) => p.diagnostics.some((d) => d.severity === 2));
    // Each later step waits for a publication that comes after its change (waitForNext), so a
    // stale earlier one cannot satisfy it: the notification is sent in the same tick.
    assert.ok(warned.diagnostics.every((d) => d.source === 'hvbarrier'));

    c.settings = { macros: { barriers: { my_wmb: 'wmb' } } };
    void c.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const clean = await c.waitForNext(uri, (p) => !p.diagnostics.some((d) => d.severity! <= 2));
    assert.deepEqual(clean.diagnostics.filter((d) => d.severity! <= 2), []);

    c.settings = {};
    void c.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await c.waitForNext(uri, (p) => p.diagnostics.some((d) => d.severity === 2));

    writeFileSync(join(ws.root, '.hvbarrier.json'), JSON.stringify({ barriers: { my_wmb: 'wmb' } }));
    c.settings = { kbPath: '.hvbarrier.json' };
    void c.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await c.waitForNext(uri, (p) => !p.diagnostics.some((d) => d.severity! <= 2));

    // A knowledge-base file the engine rejects is reported as a problem, and nothing dies.
    writeFileSync(join(ws.root, '.hvbarrier.json'), JSON.stringify({ barriers: { my_wmb: 'sideways' } }));
    void c.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const rejected = await c.waitForNext(uri, (p) => p.diagnostics.some((d) => d.code === 'input' && /my_wmb/.test(d.message)));
    assert.ok(rejected.diagnostics.some((d) => d.severity === 2), 'without the macro the finding is back');
    assert.ok(c.alive());
  } finally {
    await c.close();
    rmSync(ws.root, { recursive: true, force: true });
  }
});
