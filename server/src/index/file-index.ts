// The file-list index: every file under the workspace roots that matches the include globs
// and none of the exclude globs, summarized, and cached on disk keyed by mtime and size so a
// restart re-reads only what changed.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Minimatch } from 'minimatch';
import type { FileSummary, PeerSummarizer, PeerSummary, IndexStats, ProgressReporter, Summarizer, WorkspaceIndex } from './types';

const CACHE_VERSION = 3;
/** Files larger than this are listed but not parsed: generated blobs are not code to pair. */
const MAX_FILE_BYTES = 4 * 1024 * 1024;

interface CacheFile { version: number; files: FileSummary[] }

export class FileListIndex implements WorkspaceIndex {
  private readonly byPath = new Map<string, FileSummary>();
  private peerSummaries: readonly PeerSummary[] = [];
  private readonly include: Minimatch[];
  private readonly exclude: Minimatch[];

  constructor(private readonly opts: {
    roots: readonly string[];
    include: readonly string[];
    exclude: readonly string[];
    cacheFile?: string;
    summarize: Summarizer;
    summarizePeers?: PeerSummarizer;
    log: (msg: string) => void;
  }) {
    this.include = opts.include.map((g) => new Minimatch(g, { dot: true }));
    this.exclude = opts.exclude.map((g) => new Minimatch(g, { dot: true }));
  }

  files(): readonly FileSummary[] {
    return [...this.byPath.values()];
  }

  peers(): readonly PeerSummary[] {
    return this.peerSummaries;
  }

  /** Asks the engine for summaries of every indexed C file (its own cache skips unchanged ones). */
  private async refreshPeers(): Promise<void> {
    if (!this.opts.summarizePeers) return;
    const cFiles = this.files().filter((f) => f.kind === 'c' && f.lines > 0).map((f) => f.path).sort();
    try {
      this.peerSummaries = await this.opts.summarizePeers(cFiles);
    } catch (err) {
      this.opts.log(`index: the engine could not summarize the C files: ${(err as Error).message}`);
    }
  }

  /** Whether a path (absolute) belongs in the index. */
  wants(file: string): boolean {
    const rel = this.relative(file);
    if (rel === undefined) return false;
    return this.include.some((m) => m.match(rel)) && !this.exclude.some((m) => m.match(rel) || m.match(rel + '/'));
  }

  async build(opts: { progress: ProgressReporter; isCancelled: () => boolean }): Promise<IndexStats> {
    const t0 = Date.now();
    opts.progress.begin('hvbarrier: indexing the workspace');
    const cached = await this.loadCache();
    const found: string[] = [];
    for (const root of this.opts.roots) await this.walk(root, found, opts.isCancelled);
    let fromCache = 0;
    let parsed = 0;
    this.byPath.clear();
    for (let i = 0; i < found.length && !opts.isCancelled(); i++) {
      const file = found[i]!;
      const summary = await this.summarizeIfChanged(file, cached.get(file));
      if (summary === 'cached') { this.byPath.set(file, cached.get(file)!); fromCache++; }
      else if (summary) { this.byPath.set(file, summary); parsed++; }
      if (i % 50 === 0) {
        opts.progress.report(i, found.length, `${i}/${found.length} files`);
        // Let requests from the editor through between batches.
        await new Promise((r) => setImmediate(r));
      }
    }
    await this.saveCache();
    if (!opts.isCancelled()) {
      opts.progress.report(found.length, found.length, 'summarizing functions for pairing');
      await this.refreshPeers();
    }
    opts.progress.done();
    const lines = this.files().reduce((n, f) => n + f.lines, 0);
    return { files: this.byPath.size, lines, fromCache, parsed, millis: Date.now() - t0 };
  }

  async update(changes: ReadonlyArray<{ path: string; deleted: boolean }>): Promise<void> {
    for (const c of changes) {
      if (c.deleted) { this.byPath.delete(c.path); continue; }
      if (!this.wants(c.path)) continue;
      const s = await this.summarizeIfChanged(c.path, undefined);
      if (s && s !== 'cached') this.byPath.set(c.path, s);
    }
    await this.saveCache();
    await this.refreshPeers();
  }

  private relative(file: string): string | undefined {
    for (const root of this.opts.roots) {
      const rel = path.relative(root, file);
      if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return rel.split(path.sep).join('/');
    }
    return undefined;
  }

  private async walk(dir: string, out: string[], isCancelled: () => boolean): Promise<void> {
    if (isCancelled()) return;
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return; // An unreadable folder is skipped; the rest of the tree still gets indexed.
    }
    for (const e of entries) {
      const full = path.join(dir, e.name);
      const rel = this.relative(full);
      if (rel !== undefined && this.exclude.some((m) => m.match(rel) || m.match(rel + '/x'))) continue;
      if (e.isDirectory()) await this.walk(full, out, isCancelled);
      else if (e.isFile() && this.wants(full)) out.push(full);
    }
  }

  private async summarizeIfChanged(file: string, prev: FileSummary | undefined): Promise<FileSummary | 'cached' | undefined> {
    try {
      const st = await fs.stat(file);
      if (prev && prev.mtimeMs === st.mtimeMs && prev.size === st.size) return 'cached';
      if (st.size > MAX_FILE_BYTES) return { path: file, mtimeMs: st.mtimeMs, size: st.size, kind: 'c', lines: 0, patches: 0, problems: 0 };
      const text = await fs.readFile(file, 'utf8');
      return this.opts.summarize({ path: file, text, mtimeMs: st.mtimeMs, size: st.size });
    } catch (err) {
      this.opts.log(`index: cannot read ${file}: ${(err as Error).message}`);
      return undefined;
    }
  }

  private async loadCache(): Promise<Map<string, FileSummary>> {
    const map = new Map<string, FileSummary>();
    if (!this.opts.cacheFile) return map;
    try {
      const data = JSON.parse(await fs.readFile(this.opts.cacheFile, 'utf8')) as CacheFile;
      if (data.version === CACHE_VERSION && Array.isArray(data.files)) for (const f of data.files) map.set(f.path, f);
    } catch {
      // No cache yet, or a corrupt one: index from scratch.
    }
    return map;
  }

  private async saveCache(): Promise<void> {
    if (!this.opts.cacheFile) return;
    try {
      await fs.mkdir(path.dirname(this.opts.cacheFile), { recursive: true });
      const data: CacheFile = { version: CACHE_VERSION, files: this.files() as FileSummary[] };
      await fs.writeFile(this.opts.cacheFile, JSON.stringify(data));
    } catch (err) {
      this.opts.log(`index: cannot write the cache ${this.opts.cacheFile}: ${(err as Error).message}`);
    }
  }
}
