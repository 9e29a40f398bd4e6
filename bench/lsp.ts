// Language-server latency and memory, through a real LSP client over stdio: the time from a
// didChange to the publishDiagnostics for that version on a generated 2,000-line patch, and
// the server's resident memory after indexing a large generated tree.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measure, type BenchResult } from './harness';
import { fileUri, startClient, type TestClient } from '../test/lsp/client';
import { seed000Workspace } from '../test/support/seed000';

/** A format-patch mail with one file and enough hunks to make `lines` lines. */
function generatePatch(lines: number): string {
  const out = ['From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001', 'From: Bench <bench@example.com>', 'Subject: [PATCH] bench: a large patch', '', '---', 'diff --git a/xen/common/big.c b/xen/common/big.c', '--- a/xen/common/big.c', '+++ b/xen/common/big.c'];
  for (let h = 0; out.length < lines; h++) {
    const start = 1 + h * 40;
    out.push(`@@ -${start},7 +${start},8 @@ static void fn_${h}(struct vcpu *v)`);
    out.push(`     v->state_${h} = ${h};`, `     WRITE_ONCE(v->data_${h}, 1);`, `     smp_wmb();`);
    out.push(`+    WRITE_ONCE(v->flag_${h}, 1);`);
    out.push(`     if ( READ_ONCE(v->flag_${h}) )`, `         smp_rmb();`, `     v->tail_${h} = 0;`);
  }
  return out.join('\n') + '\n';
}

/** A C tree of `files` files of about 300 lines each, in nested folders. */
function generateTree(root: string, files: number): number {
  let lines = 0;
  for (let i = 0; i < files; i++) {
    const dir = join(root, `dir${i % 40}`, `sub${i % 7}`);
    mkdirSync(dir, { recursive: true });
    const body: string[] = [`#include "common.h"`, ''];
    for (let f = 0; f < 25; f++) {
      body.push(`static void file${i}_fn${f}(struct domain *d)`, '{', `    spin_lock(&d->lock_${f});`, `    d->counter_${f}++;`, `    smp_wmb();`);
      body.push(`    WRITE_ONCE(d->flag_${f}, 1);`, `    spin_unlock(&d->lock_${f});`, `    if ( READ_ONCE(d->ready_${f}) )`, `        smp_rmb();`, '}', '');
    }
    writeFileSync(join(dir, `file${i}.c`), body.join('\n'));
    lines += body.length;
  }
  return lines;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function editLatency(c: TestClient, name: string, doc: { uri: string; text: string; line: number; runs?: number }): Promise<BenchResult> {
  const { uri, text, line } = doc;
  c.open(uri, 'diff', text);
  await c.waitFor(uri, (p) => p.version === 1, 120_000);
  let version = 1;
  // One edit after a pause longer than the debounce, as between a user's keystrokes: the
  // server analyses it at once. (A burst of faster edits is debounced into one analysis.)
  return measure(`lsp: didChange → publishDiagnostics, ${name}`, async () => {
    version++;
    const v = version;
    c.change(uri, v, [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: v % 2 ? ' ' : '' }]);
    await c.waitFor(uri, (p) => p.version === v, 120_000);
  }, { runs: doc.runs ?? 50, warmup: 3, before: () => new Promise((r) => setTimeout(r, 100)), note: 'one edit after a 100 ms pause (debounce 50 ms)' });
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  // Seed 000 v1 with its reader in the workspace: a real patch, paired across files.
  const ws = seed000Workspace();
  const seed = await startClient({ root: ws.root, cacheDir: join(ws.root, '.cache') });
  try {
    const text = readFileSync(ws.patch, 'utf8');
    // Let the index finish, so every edit is analysed with its peer.
    for (let i = 0; i < 500 && !seed.logs.some((l) => l.startsWith('index: ')); i++) await new Promise((r) => setTimeout(r, 20));
    results.push(await editLatency(seed, 'seed 000 v1 patch + reader', { uri: fileUri(ws.patch), text, line: text.split('\n').findIndex((l) => l.includes('is_initialised')) }));
  } finally {
    await seed.close();
    rmSync(ws.root, { recursive: true, force: true });
  }
  const c = await startClient();
  try {
    const text = generatePatch(2000);
    const line = Math.floor(text.split('\n').length / 2);
    results.push(await editLatency(c, 'generated 2,000-line patch, 285 functions with barriers', { uri: 'untitled:big.patch', text, line, runs: Number(process.env.HVB_BENCH_RUNS ?? 50) }));
  } finally {
    await c.close();
  }

  const root = mkdtempSync(join(tmpdir(), 'hvb-bench-tree-'));
  try {
    const files = 4000;
    const lines = generateTree(root, files);
    for (const cache of ['cold', 'warm'] as const) {
      const t0 = Date.now();
      const s = await startClient({ root, cacheDir: join(root, '.cache') });
      try {
        const done = await new Promise<string>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('index did not finish')), 600_000);
          const poll = setInterval(() => {
            const line = s.logs.find((l) => l.startsWith('index: '));
            if (line) { clearInterval(poll); clearTimeout(timer); resolve(line.trim()); }
          }, 20);
        });
        const ms = Date.now() - t0;
        const rss = rssMb(s.proc.pid!);
        results.push({ name: `lsp: index ${files} C files (${cache} cache), server start to done`, unit: 'ms', median: ms, p95: ms, runs: 1, note: `${lines} lines, RSS after ${rss.toFixed(0)} MB; ${done}` });
      } finally {
        await s.close();
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return results;
}
