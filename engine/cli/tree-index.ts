// The workspace index for `--tree`: a summary per C file (see engine/pair/summary.ts), built
// with worker threads, cached on disk by path, size and mtime, and updated per changed file.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FileSummary } from '../pair/summary';

const CACHE_VERSION = 1;

interface CacheEntry {
  readonly size: number;
  readonly mtimeMs: number;
  readonly summary: FileSummary;
}

interface CacheFile {
  readonly version: number;
  readonly files: Record<string, CacheEntry>;
}

export interface IndexStats {
  readonly files: number;
  readonly lines: number;
  /** Files summarized now (the rest came from the cache). */
  readonly built: number;
  readonly workers: number;
  readonly ms: number;
}

function readCache(path: string): CacheFile {
  try {
    const c = JSON.parse(readFileSync(path, 'utf8')) as CacheFile;
    return c.version === CACHE_VERSION ? c : { version: CACHE_VERSION, files: {} };
  } catch {
    return { version: CACHE_VERSION, files: {} };
  }
}

export async function buildTreeIndex(a: { files: readonly string[]; cacheDir?: string; workers?: number }): Promise<{ summaries: FileSummary[]; stats: IndexStats }> {
  const t0 = Date.now();
  const cachePath = a.cacheDir ? join(a.cacheDir, 'index.json') : undefined;
  const cache = cachePath ? readCache(cachePath) : { version: CACHE_VERSION, files: {} as Record<string, CacheEntry> };
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
  const built = todo.length ? await summarizeInWorkers(todo.map((t) => t.path), workers) : [];
  built.forEach((summary, i) => { fresh[todo[i]!.path] = { size: todo[i]!.size, mtimeMs: todo[i]!.mtimeMs, summary }; });
  if (cachePath && todo.length) {
    mkdirSync(a.cacheDir!, { recursive: true });
    writeFileSync(cachePath, JSON.stringify({ version: CACHE_VERSION, files: fresh }));
  }
  const summaries = a.files.map((p) => fresh[p]?.summary).filter((s): s is FileSummary => !!s);
  return {
    summaries,
    stats: { files: summaries.length, lines: summaries.reduce((n, s) => n + s.lines, 0), built: todo.length, workers: todo.length ? workers : 0, ms: Date.now() - t0 },
  };
}

/** Splits the files over worker threads; each loads the C parser once. */
function summarizeInWorkers(paths: readonly string[], n: number): Promise<FileSummary[]> {
  const chunks: string[][] = Array.from({ length: n }, () => []);
  paths.forEach((p, i) => chunks[i % n]!.push(p));
  return Promise.all(chunks.map((chunk) => new Promise<FileSummary[]>((resolve, reject) => {
    const w = new Worker(join(__dirname, 'tree-index-worker.js'), { workerData: chunk });
    w.once('message', (m: FileSummary[]) => { resolve(m); void w.terminate(); });
    w.once('error', reject);
  }))).then((parts) => {
    const byPath = new Map(parts.flat().map((s) => [s.path, s]));
    return paths.map((p) => byPath.get(p)!);
  });
}
