// The workspace index for `--tree`: a summary per C file (see engine/pair/summary.ts), built
// with worker threads, cached on disk by path, size and mtime, and updated per changed file.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { FACTS_VERSION } from '../concurrency/facts';
import type { Os } from '../kb/index';
import type { FileSummary } from '../pair/summary';

// 4: summaries read each file's primitives for its code base (--os, else its own guess), not
// always the Linux way. 5: whole-tree summaries keep what the file's extraction reported.
const CACHE_VERSION = 5;

interface CacheEntry {
  readonly size: number;
  readonly mtimeMs: number;
  readonly summary: FileSummary;
}

interface CacheFile {
  readonly version: number;
  /** What else the summaries depend on: the knowledge-base extension and what was asked for. */
  readonly setup?: string;
  readonly files: Record<string, CacheEntry>;
}

/** How the files are summarized, passed to each worker. */
export interface IndexSetup {
  /** A `.hvbarrier.json` text extending the knowledge base (tree mode adds the lock wrappers it found). */
  readonly kbConfigText?: string;
  /** Also record what each file tells the concurrency model (whole-tree mode). */
  readonly concurrency?: boolean;
  /**
   * Whose primitive definitions apply (`--os`), as the analysis reads them; unset, each file's
   * own guess (its path and text), also as the analysis does.
   */
  readonly os?: Os;
}

export interface IndexStats {
  readonly files: number;
  readonly lines: number;
  /** Files summarized now (the rest came from the cache). */
  readonly built: number;
  readonly workers: number;
  readonly ms: number;
}

function readCache(path: string, setup: string): CacheFile {
  try {
    const c = JSON.parse(readFileSync(path, 'utf8')) as CacheFile;
    return c.version === CACHE_VERSION && (c.setup ?? '') === setup ? c : { version: CACHE_VERSION, setup, files: {} };
  } catch {
    return { version: CACHE_VERSION, setup, files: {} };
  }
}

export async function buildTreeIndex(a: { files: readonly string[]; cacheDir?: string; workers?: number; setup?: IndexSetup }): Promise<{ summaries: FileSummary[]; stats: IndexStats }> {
  const t0 = Date.now();
  const setup = a.setup ?? {};
  const setupKey = setup.kbConfigText === undefined && !setup.concurrency && setup.os === undefined ? '' : createHash('sha256').update(JSON.stringify({ ...setup, facts: setup.concurrency ? FACTS_VERSION : 0 })).digest('hex');
  // One cache file per setup: whole-tree mode and plain `--tree` do not evict each other.
  const cachePath = a.cacheDir ? join(a.cacheDir, setupKey ? `index-${setupKey.slice(0, 12)}.json` : 'index.json') : undefined;
  const cache = cachePath ? readCache(cachePath, setupKey) : { version: CACHE_VERSION, setup: setupKey, files: {} as Record<string, CacheEntry> };
  const fresh: Record<string, CacheEntry> = {};
  const todo: Array<{ path: string; size: number; mtimeMs: number }> = [];
  for (const path of a.files) {
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) continue;
    const hit = cache.files[path];
    if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs) fresh[path] = hit;
    else todo.push({ path, size: st.size, mtimeMs: st.mtimeMs });
  }
  const workers = Math.max(1, Math.min(a.workers ?? cpus().length, todo.length));
  const built = todo.length ? await summarizeInWorkers(todo, workers, setup) : [];
  built.forEach((summary, i) => { fresh[todo[i]!.path] = { size: todo[i]!.size, mtimeMs: todo[i]!.mtimeMs, summary }; });
  if (cachePath && todo.length) {
    mkdirSync(a.cacheDir!, { recursive: true });
    writeFileSync(cachePath, JSON.stringify({ version: CACHE_VERSION, setup: setupKey, files: fresh }));
  }
  const summaries = a.files.map((p) => fresh[p]?.summary).filter((s): s is FileSummary => !!s);
  return {
    summaries,
    stats: { files: summaries.length, lines: summaries.reduce((n, s) => n + s.lines, 0), built: todo.length, workers: todo.length ? workers : 0, ms: Date.now() - t0 },
  };
}

/**
 * Young generation of each index worker: a file's extraction and facts die young by the tens of
 * megabytes. With V8's default, half again as many scavenges on Xen's xen/ took 3.2 s of each
 * worker's time, 2.5 s with 64 MB; the index's peak memory stays far below the analysis's.
 */
const INDEX_WORKER_YOUNG_MB = 64;

/** What the index workers and the main thread say to each other: a file to summarize, or none left. */
export type IndexRequest = { readonly path: string } | { readonly done: true };
export type IndexReply = { readonly ready: true } | { readonly summary: FileSummary };

/**
 * Hands the files to worker threads one at a time, the largest first, each to the first worker
 * free: a file's summary depends on nothing but the file, so who took what never changes the
 * index, and the workers finish together whatever the files cost (a fixed share left one
 * worker a quarter of the phase behind the other). Each worker loads the C parser once.
 */
function summarizeInWorkers(files: ReadonlyArray<{ path: string; size: number }>, n: number, setup: IndexSetup): Promise<FileSummary[]> {
  const queue = [...files].sort((a, b) => b.size - a.size || (a.path < b.path ? -1 : 1)).map((f) => f.path);
  const byPath = new Map<string, FileSummary>();
  return Promise.all(Array.from({ length: n }, () => new Promise<void>((resolve, reject) => {
    const w = new Worker(join(__dirname, 'tree-index-worker.js'), { workerData: { setup }, resourceLimits: { maxYoungGenerationSizeMb: INDEX_WORKER_YOUNG_MB } });
    w.on('message', (m: IndexReply) => {
      if ('summary' in m) byPath.set(m.summary.path, m.summary);
      const path = queue.shift();
      w.postMessage((path === undefined ? { done: true } : { path }) satisfies IndexRequest);
    });
    w.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`index worker stopped with exit code ${code}`))));
    w.once('error', reject);
  }))).then(() => files.map((f) => byPath.get(f.path)!));
}
