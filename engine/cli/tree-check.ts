// Whole-tree mode: `hvbarrier check --tree DIR` with no FILE checks every C file of the tree
// against the rest of it. The tree is read once: lock wrappers (macros and functions, headers
// included) join the knowledge base, every file is summarized into the index (worker threads,
// cached), the concurrency model is built from the index, and the files are analysed on worker
// threads, each asking the model what can run with what. The report is the same for the same
// tree on any machine: budgets count work, results are merged in path order, and no time or
// machine fact goes into the JSON or SARIF output (timings go to stderr with --stats).
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { basename } from 'node:path';
import type { TreeFacts } from '../concurrency/index';
import type { ModelStats } from '../concurrency/model';
import { lockPointerWrappers, structGetters, treeDefinitions, wrappersOf, type LockPointerWrapper } from '../concurrency/lock-wrappers';
import { wrappedPrimitives } from '../concurrency/wrapper-primitives';
import { lockTestsOf, unreadLockTests, type LockTestKnowledge } from '../concurrency/lock-predicates';
import { XEN_LOCK_OWNERS } from '../kb/xen';
import { structLockPointers, structPointerFields } from '../concurrency/pointer-fields';
import type { Analysis, Arch } from '../checks/types';
import { DEFAULT_KB, lookup, type Os } from '../kb/index';
import type { FileSummary } from '../pair/summary';
import { listTree } from './tree';
import { buildTreeIndex } from './tree-index';
import { builtForFiles } from './kbuild-files';
import { mergedLaunches } from '../concurrency/launch';
import { startAnalysis } from './tree-analysis';
import { hookFacts } from '../concurrency/hooks';

export interface TreeCheckOptions {
  readonly dirs: readonly string[];
  readonly arch: Arch;
  readonly os?: Os;
  readonly kbConfigText?: string;
  readonly cacheDir?: string;
  readonly workers?: number;
}

export interface TreeReport {
  readonly file: string;
  readonly analysis: Analysis;
  /** Cycles the concurrency model ruled out, by reason kind. */
  readonly excluded: Record<string, number>;
  /**
   * Not analysed: nothing in the file orders memory, marks an access, nests locks or sleeps
   * under one, and no peer can form a reportable cycle with it (from the index alone).
   */
  readonly skipped?: boolean;
}

export interface TreeCheckResult {
  readonly reports: readonly TreeReport[];
  readonly lines: number;
  readonly files: number;
  readonly wrappers: number;
  readonly model: ModelStats;
  readonly timings: Record<string, number>;
}

/**
 * The knowledge-base extension of the tree: its lock wrappers and lock tests, and its structs'
 * pointer fields (for lock identity), under the user's own entries. `os` says which knowledge
 * base's lock tests and lock owners apply (both: unset).
 */
export function treeKbConfig(texts: ReadonlyArray<{ text: string }>, userText: string | undefined, os?: Os): { text: string; wrappers: number; lockPointers: Record<string, LockPointerWrapper> } {
  let user: Record<string, unknown> = {};
  try { if (userText !== undefined) user = JSON.parse(userText) as Record<string, unknown>; } catch { return { text: userText!, wrappers: 0, lockPointers: {} }; }
  const locks: Record<string, unknown> = { ...(user.locks as Record<string, unknown> | undefined ?? {}) };
  const inKb = (name: string): boolean => (os ? [os] : (['xen', 'linux'] as const)).some((o) => lookup(DEFAULT_KB, name, { os: o })?.os.includes(o) ?? false);
  let wrappers = 0;
  const defs = treeDefinitions(texts.map((t) => t.text));
  const learned = wrappersOf(defs);
  // What each wrapper ends in gives it the primitive's mode and per-architecture barriers.
  const likes = wrappedPrimitives(defs, learned);
  // Wrappers of one struct lock pointer, for the concurrency model (model.ts).
  const lockPointers = Object.fromEntries(lockPointerWrappers(defs, learned, structGetters(texts.map((t) => t.text)), structLockPointers(texts.map((t) => t.text))));
  for (const w of learned) {
    if (w.name in locks || lookup(DEFAULT_KB, w.name, { os: 'xen' }) || lookup(DEFAULT_KB, w.name, { os: 'linux' })) continue;
    const like = likes.get(w.name);
    const known = like !== undefined && ['linux', 'xen'].some((o) => lookup(DEFAULT_KB, like, { os: o as Os })?.os.includes(o as Os));
    const more = {
      ...(w.arg !== undefined ? { arg: w.arg } : {}), ...(w.field !== undefined ? { field: w.field } : {}), ...(w.result !== undefined ? { result: w.result } : {}),
      ...(known ? { like } : {}),
    };
    locks[w.name] = Object.keys(more).length === 0 ? w.op : { op: w.op, ...more };
    wrappers++;
  }
  const knowledge = lockTestKnowledge(os);
  const tests = lockTestsOf(defs, knowledge);
  for (const t of tests) {
    if (t.name in locks || inKb(t.name)) continue;
    locks[t.name] = { op: 'held', mode: t.mode, ...(t.at.arg !== 0 ? { arg: t.at.arg } : {}), ...(t.at.field !== '' ? { field: t.at.field } : {}) };
    wrappers++;
  }
  // Tests not read: an assertion of one says so (extract/calls.ts).
  for (const u of unreadLockTests(defs, knowledge, tests)) if (!(u.name in locks) && !inKb(u.name)) locks[u.name] = { op: 'held', unread: u.why };
  const pointers = { ...Object.fromEntries(structPointerFields(texts.map((t) => t.text))), ...(user.pointers as Record<string, unknown> | undefined ?? {}) };
  return { text: JSON.stringify({ ...user, locks, ...(Object.keys(pointers).length > 0 ? { pointers } : {}) }), wrappers, lockPointers };
}

/** The knowledge base's lock tests (`spin_is_locked`) and lock owner fields, for the tests a tree defines. */
function lockTestKnowledge(os: Os | undefined): LockTestKnowledge {
  const oses = os ? [os] : (['xen', 'linux'] as const);
  return {
    test: (name) => {
      for (const o of oses) {
        const p = lookup(DEFAULT_KB, name, { os: o });
        const held = p?.os.includes(o) && p.tags?.includes('predicate') ? p.effects.find((e) => e.op === 'HELD') : undefined;
        if (held?.op === 'HELD' && !held.loc.result) return { at: { arg: held.loc.arg, field: held.loc.field ?? '' }, mode: held.mode };
      }
      return undefined;
    },
    owners: oses.includes('xen') ? XEN_LOCK_OWNERS : [],
  };
}

/**
 * `texts`: the tree's files, to resolve calls through structs of function pointers (hooks.ts);
 * `lockPointers`: its wrappers of struct lock pointers (treeKbConfig).
 */
export function treeFacts(index: readonly FileSummary[], texts?: ReadonlyArray<{ path: string; text: string }>, lockPointers?: Record<string, LockPointerWrapper>): TreeFacts {
  const functions = index.flatMap((f) => (f.concurrency?.functions ?? []).map((fn) => ({ ...fn, file: f.path })));
  const sharedSources = texts ? includedSources(texts) : undefined;
  const addressTaken = usedAsValues(index, new Set(sharedSources ?? []));
  const callees = new Map(index.map((f) => [f.path, (f.concurrency?.functions ?? []).flatMap((fn) => fn.calls.map((c) => c.callee))]));
  const hooks = texts ? hookFacts(texts.map((t) => ({ ...t, callees: callees.get(t.path) ?? [] }))) : undefined;
  return { functions, addressTaken, launched: mergedLaunches(index.map((f) => f.concurrency?.launched ?? {})), ...(hooks ? { hooks } : {}), ...(lockPointers ? { lockPointers } : {}), ...(sharedSources ? { sharedSources } : {}) };
}

/**
 * Names used as values in the tree. A name every definition of which is `static` in a .c file
 * is used as a value only by a file that defines it: elsewhere the same word is something else
 * (`CASE(unmap_grant_ref)` in a macro's arguments, a field, another file's variable). A
 * header's static inline is in every file that includes it, and so is a .c file another
 * includes (`shared`).
 */
function usedAsValues(index: readonly FileSummary[], shared: ReadonlySet<string>): string[] {
  const staticIn = new Map<string, Set<string> | null>();
  for (const f of index) {
    for (const fn of f.concurrency?.functions ?? []) {
      const files = staticIn.get(fn.name);
      if (!fn.static || files === null || !f.path.endsWith('.c') || shared.has(f.path)) staticIn.set(fn.name, null);
      else staticIn.set(fn.name, (files ?? new Set<string>()).add(f.path));
    }
  }
  const taken = new Set<string>();
  for (const f of index) {
    for (const name of f.concurrency?.addressTaken ?? []) {
      const files = staticIn.get(name);
      if (files === undefined || files === null || files.has(f.path)) taken.add(name);
    }
  }
  return [...taken].sort();
}

/** Source files another file of the tree includes (`#include "multi.c"`), by the name's last part. */
function includedSources(texts: ReadonlyArray<{ path: string; text: string }>): string[] {
  const names = new Set(texts.flatMap((t) => [...t.text.matchAll(/^[ \t]*#[ \t]*include[ \t]*"([^"]+\.c)"/gm)].map((m) => basename(m[1]!))));
  return texts.filter((t) => t.path.endsWith('.c') && names.has(basename(t.path))).map((t) => t.path);
}

/**
 * The tree read, its knowledge-base extension, its index and the facts the concurrency model is
 * built from. The files' texts are needed only for these and are let go at the end.
 */
async function indexedTree(o: TreeCheckOptions, files: readonly string[], workers: number, lap: (name: string) => void): Promise<{ kb: ReturnType<typeof treeKbConfig>; summaries: FileSummary[]; facts: TreeFacts }> {
  const texts = files.map((path) => { try { return { path, text: readFileSync(path, 'utf8') }; } catch { return { path, text: '' }; } });
  const kb = treeKbConfig(texts, o.kbConfigText, o.os);
  lap('read');
  const { summaries } = await buildTreeIndex({ files, cacheDir: o.cacheDir, workers, setup: { kbConfigText: kb.text, concurrency: true, ...(o.os ? { os: o.os } : {}) } });
  lap('index');
  return { kb, summaries, facts: treeFacts(summaries, texts, kb.lockPointers) };
}

export async function checkTree(o: TreeCheckOptions): Promise<TreeCheckResult> {
  const timings: Record<string, number> = {};
  let t = Date.now();
  const lap = (name: string): void => { const now = Date.now(); timings[name] = now - t; t = now; };
  const files = [...new Set(o.dirs.flatMap((d) => listTree(d)))].sort();
  const workers = Math.max(1, o.workers ?? cpus().length);
  const documents = files.filter((f) => f.endsWith('.c'));
  // The analysis workers start now and get ready (code, C parser) while the tree is indexed;
  // they build their own model of the tree, and the first of them triages the documents with
  // it (tree-triage.ts): this thread builds none.
  const pool = startAnalysis(Math.min(workers, documents.length));
  let indexed: Awaited<ReturnType<typeof indexedTree>>;
  try {
    indexed = await indexedTree(o, files, workers, lap);
  } catch (err) {
    pool.stop();
    throw err;
  }
  const { kb, summaries, facts } = indexed;
  const builtFor = builtForFiles(o.dirs, documents);
  pool.begin({ summaries, facts, kbConfigText: kb.text, arch: o.arch, os: o.os, builtFor, documents });
  const { triaged, todo, model } = await pool.triage;
  lap('model');
  const analysed = await pool.analyse(todo);
  const reports = onceEach([...triaged, ...analysed].sort((x, y) => (x.file < y.file ? -1 : x.file > y.file ? 1 : 0)));
  lap('analyse');
  return {
    reports, files: documents.length, wrappers: kb.wrappers,
    lines: summaries.filter((s) => s.path.endsWith('.c')).reduce((n, s) => n + s.lines, 0),
    model, timings,
  };
}

/**
 * A finding placed outside its document (a header's inline function, judged with each source
 * file that calls it: non-atomic-rmw) is kept in the first report, in path order, that has it.
 */
function onceEach(reports: TreeReport[]): TreeReport[] {
  const seen = new Set<string>();
  return reports.map((r) => {
    const findings = r.analysis.findings.filter((f) => {
      if (f.place.file === undefined || f.place.file === r.file) return true;
      const key = `${f.code}|${f.place.file}|${f.place.range.line}:${f.place.range.col}|${f.message}`;
      return !seen.has(key) && !!seen.add(key);
    });
    return findings.length === r.analysis.findings.length ? r : { ...r, analysis: { ...r.analysis, findings } };
  });
}

/** Counts per code (warnings and above, and all), per 1,000 lines, and what the model ruled out. */
export function treeSummary(r: Pick<TreeCheckResult, 'reports' | 'lines' | 'files'>): {
  files: number; lines: number; warnings: number; perKloc: number; codes: Record<string, number>; notJudged: number; excluded: Record<string, number>;
  /** Files not analysed because nothing in them can give a finding (TreeReport.skipped). */
  quiet: number;
} {
  const codes: Record<string, number> = {};
  const excluded: Record<string, number> = {};
  let warnings = 0;
  let notJudged = 0;
  let quiet = 0;
  for (const rep of r.reports) {
    if (rep.skipped) quiet++;
    for (const f of rep.analysis.findings) {
      codes[f.code] = (codes[f.code] ?? 0) + 1;
      if (f.severity === 'warning' || f.severity === 'error') warnings++;
    }
    notJudged += rep.analysis.problems.filter((p) => p.message.startsWith('unsupported:')).length;
    for (const [k, n] of Object.entries(rep.excluded)) excluded[k] = (excluded[k] ?? 0) + n;
  }
  const sorted = (o: Record<string, number>): Record<string, number> => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
  return { files: r.files, lines: r.lines, warnings, perKloc: Math.round((warnings * 1000 * 100) / Math.max(1, r.lines)) / 100, codes: sorted(codes), notJudged, excluded: sorted(excluded), quiet };
}
