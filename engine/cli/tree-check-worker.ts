// Worker thread of whole-tree mode: analyses the documents it is dealt against the whole tree's
// index, asking the tree's concurrency model, and posts the analyses back.
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { AnalysisCache } from '../analysis-cache';
import { analyzeDocument } from '../analyze';
import { initCParser } from '../c/init';
import { TreeConcurrency, TreePeers } from '../concurrency/index';
import { summarizeThreads } from '../pair/summary';
import type { TreeReport, TreeWorkerJob } from './tree-check';

void (async () => {
  const job = workerData as TreeWorkerJob;
  const parser = await initCParser();
  const oracle = new TreeConcurrency(job.facts);
  // Parsed trees and threads cost about a hundred times their text: a few MB of text each
  // keeps a worker's memory bounded over a whole tree while the hot peer files stay cached.
  const cache = new AnalysisCache({ unitChars: 6 * 1024 * 1024, threadChars: 4 * 1024 * 1024 });
  const peers = new TreePeers(job.summaries, oracle.model);
  const read = (path: string): string | undefined => { try { return readFileSync(path, 'utf8'); } catch { return undefined; } };
  const out: TreeReport[] = [];
  for (const file of job.documents) {
    const text = read(file) ?? '';
    const excluded: Record<string, number> = {};
    const analysis = await analyzeDocument({
      path: file, text, kind: 'c', parser, cache,
      config: { arch: job.arch, os: job.os, kbConfigText: job.kbConfigText },
      workspace: { index: job.summaries, read, relevant: (threads) => peers.relevant(threads, summarizeThreads(threads)).filter((p) => p !== file) },
      concurrency: { oracle, excluded: (_s, why) => { const k = reasonKind(why); excluded[k] = (excluded[k] ?? 0) + 1; } },
    });
    out.push({ file, analysis, excluded });
  }
  parentPort!.postMessage(out);
})();

/** The reason's kind, for counts: the words before any name. */
function reasonKind(why: string): string {
  if (why.includes('only at boot')) return 'boot-only';
  if (why.includes('is called only from')) return 'caller-callee';
  if (why.startsWith('per-CPU')) return 'per-cpu';
  if (why.includes('is paused')) return 'paused';
  if (why.startsWith('both sides hold')) return 'common-lock';
  return 'no-lockless-evidence';
}
