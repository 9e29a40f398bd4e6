// The workspace index through the protocol: built in the background with workDoneProgress,
// include/exclude globs honoured, cached on disk (a restart re-reads nothing unchanged),
// updated on didChangeWatchedFiles, and "Check workspace" publishing for files not open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../support/paths';
import { fileUri, startClient, type TestClient } from './client';

function indexLine(c: TestClient): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { clearInterval(poll); reject(new Error(`no index log line:\n${c.logs.join('')}`)); }, 60_000);
    const poll = setInterval(() => {
      const line = c.logs.find((l) => l.startsWith('index: '));
      if (line) { clearInterval(poll); clearTimeout(timer); resolve(line.trim()); }
    }, 10);
  });
}

function cachedPaths(cacheDir: string): string[] {
  const data = JSON.parse(readFileSync(join(cacheDir, 'index-v1.json'), 'utf8')) as { files: Array<{ path: string }> };
  return data.files.map((f) => f.path).sort();
}

test('the index honours globs, reports progress, caches on disk, follows watched files, and Check workspace publishes', async () => {
  const root = mkdtempSync(join(tmpdir(), 'hvb-index-'));
  const cacheDir = join(root, '.cache-dir');
  try {
    mkdirSync(join(root, 'xen', 'arch'), { recursive: true });
    mkdirSync(join(root, 'node_modules', 'dep'), { recursive: true });
    writeFileSync(join(root, 'xen', 'arch', 'domain.c'), 'int x;\nvoid f(void) { x = 1; }\n');
    copyFileSync(join(repoRoot, 'fixtures', 'seeds', '000-v1-smp_mb.patch'), join(root, 'v1.patch'));
    copyFileSync(join(repoRoot, 'fixtures', 'litmus', 'MP.litmus'), join(root, 'MP.litmus'));
    writeFileSync(join(root, 'node_modules', 'dep', 'skip.c'), 'int skipped;\n');
    writeFileSync(join(root, 'notes.txt'), 'not indexed\n');
    const settings = { index: { include: ['**/*.c', '**/*.patch', '**/*.litmus'] } };
    const want = [join(root, 'MP.litmus'), join(root, 'v1.patch'), join(root, 'xen', 'arch', 'domain.c')].sort();

    const c = await startClient({ root, cacheDir, settings });
    try {
      assert.match(await indexLine(c), /^index: 3 files, .*\(0 cached, 3 parsed\)/);
      const kinds = c.progress.map((p) => (p as { value: { kind: string } }).value.kind);
      assert.equal(kinds[0], 'begin');
      assert.equal(kinds.at(-1), 'end');
      assert.deepEqual(cachedPaths(cacheDir), want);

      // A new file and a deleted one arrive as watched-file events.
      writeFileSync(join(root, 'xen', 'new.c'), 'int y;\n');
      rmSync(join(root, 'xen', 'arch', 'domain.c'));
      void c.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [
        { uri: fileUri(join(root, 'xen', 'new.c')), type: 1 },
        { uri: fileUri(join(root, 'xen', 'arch', 'domain.c')), type: 3 },
        { uri: fileUri(join(root, 'notes.txt')), type: 2 },
      ] });
      const updated = [join(root, 'MP.litmus'), join(root, 'v1.patch'), join(root, 'xen', 'new.c')].sort();
      // The update re-summarizes in worker threads: allow for a loaded machine.
      for (const until = Date.now() + 30_000; Date.now() < until && JSON.stringify(cachedPaths(cacheDir)) !== JSON.stringify(updated);) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(cachedPaths(cacheDir), updated);

      const result = await c.conn.sendRequest('workspace/executeCommand', { command: 'hvbarrier.checkWorkspace', arguments: [] }) as { files: number; findings: number };
      assert.equal(result.files, 3);
      const pub = await c.waitFor(fileUri(join(root, 'MP.litmus')), (p) => p.diagnostics.length > 0);
      assert.ok(pub.diagnostics.some((d) => d.code === 'litmus-verdict'));
      assert.ok(result.findings >= 1);
    } finally {
      await c.close();
    }

    // A restart reads the unchanged files from the cache.
    const again = await startClient({ root, cacheDir, settings });
    try {
      assert.match(await indexLine(again), /^index: 3 files, .*\(3 cached, 0 parsed\)/);
    } finally {
      await again.close();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
