// `npm run bench corpus`: the checks against real fixes (../shared/corpus, issue 9). For every
// case: the bug patch (the fix undone) must be flagged in the functions the manifest names,
// the fix patch must be quiet there, and so must the fixed files. Xen cases are checked with
// the case's files as the tree (post/ for the bug patch, which applies to it; pre/ for the fix
// patch), as a reviewer with a checkout would; KVM cases are mails without files, and their bug
// patch is the mail's diff reversed.
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { AnalysisCache } from '../engine/analysis-cache';
import { analyzeDocument } from '../engine/analyze';
import type { CParser } from '../engine/c/parser';
import type { Analysis, Finding } from '../engine/checks/types';
import { walkFiles } from '../engine/cli/tree';
import { sharedDir } from '../test/support/paths';
import type { BenchResult } from './harness';

interface Case {
  readonly id: string;
  readonly kind: string;
  readonly subkind?: string;
  readonly functions?: readonly string[];
  readonly files?: readonly string[];
}

interface Outcome {
  readonly id: string;
  readonly kind: string;
  readonly bugFlagged: boolean;
  readonly fixQuiet: boolean;
  /** Undefined for cases without post files (KVM mails). */
  readonly postQuiet?: boolean;
  readonly bugCodes: readonly string[];
  readonly fixCodes: readonly string[];
  readonly postCodes: readonly string[];
  readonly millis: number;
}

const corpusDir = join(sharedDir, 'corpus');

/** The kinds the issue's recall goals group together. */
export function kindGroup(kind: string): string {
  if (/^missing-barrier|^store-buffering$|^acquire-release$|^marked-access$/.test(kind)) return 'memory-ordering';
  if (kind === 'lock-order-inversion' || kind === 'lost-event') return kind;
  return kind === 'barrier-removed-as-unneeded' ? 'negative' : 'other';
}

const serious = (f: Finding): boolean => f.severity === 'error' || f.severity === 'warning';

function inFunctions(a: Analysis, fns: ReadonlySet<string> | undefined): Finding[] {
  return a.findings.filter((f) => serious(f) && (fns === undefined || (f.place.function !== undefined && fns.has(f.place.function))));
}

function filesBelow(dir: string): Array<{ path: string; text: string }> {
  if (!existsSync(dir)) return [];
  return walkFiles(dir, { accept: (n) => /\.(c|h)$/.test(n) }).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
}

/** A patch turned around: what was added is removed and the other way round. */
export function reversePatch(text: string): string {
  return text.split('\n').map((l) => {
    const h = /^@@ -(\d+(?:,\d+)?) \+(\d+(?:,\d+)?) @@(.*)$/.exec(l);
    if (h) return `@@ -${h[2]} +${h[1]} @@${h[3]}`;
    if (l.startsWith('--- ') || l.startsWith('+++ ')) return l;
    if (l.startsWith('+')) return `-${l.slice(1)}`;
    if (l.startsWith('-') && !l.startsWith('-- ')) return `+${l.slice(1)}`;
    return l;
  }).join('\n');
}

async function check(a: { parser: CParser; cache: AnalysisCache; path: string; text: string; kind: 'patch' | 'c'; tree: Array<{ path: string; text: string }> }): Promise<Analysis> {
  return analyzeDocument({ path: a.path, text: a.text, kind: a.kind, parser: a.parser, cache: a.cache, config: { arch: 'all', os: a.path.includes('/kvm/') ? 'linux' : 'xen' }, tree: a.tree });
}

export async function runCase(c: Case, parser: CParser): Promise<Outcome> {
  const started = Date.now();
  const cache = new AnalysisCache();
  const fns = c.functions?.length ? new Set(c.functions) : undefined;
  const codes = (fs: Finding[]): string[] => [...new Set(fs.map((f) => f.code))].sort();
  if (c.id.startsWith('kvm-')) {
    const path = join(corpusDir, 'kvm', c.id, 'mail.patch');
    const text = readFileSync(path, 'utf8');
    const bug = inFunctions(await check({ parser, cache, path: `${path}.reversed`, text: reversePatch(text), kind: 'patch', tree: [] }), undefined);
    const fix = inFunctions(await check({ parser, cache, path, text, kind: 'patch', tree: [] }), undefined);
    return { id: c.id, kind: c.kind, bugFlagged: bug.length > 0, fixQuiet: fix.length === 0, bugCodes: codes(bug), fixCodes: codes(fix), postCodes: [], millis: Date.now() - started };
  }
  const dir = join(corpusDir, 'xen', c.id);
  const context = filesBelow(join(dir, 'context'));
  const pre = filesBelow(join(dir, 'pre'));
  const post = filesBelow(join(dir, 'post'));
  const bugPath = join(dir, 'bug.patch');
  const fixPath = join(dir, 'fix.patch');
  const bug = inFunctions(await check({ parser, cache, path: bugPath, text: readFileSync(bugPath, 'utf8'), kind: 'patch', tree: [...post, ...context] }), fns);
  const fix = inFunctions(await check({ parser, cache, path: fixPath, text: readFileSync(fixPath, 'utf8'), kind: 'patch', tree: [...pre, ...context] }), fns);
  const postFindings: Finding[] = [];
  // HVBARRIER_CORPUS_PATCHES_ONLY=1 skips the post files (the slow part) while iterating on patch review.
  for (const f of process.env.HVBARRIER_CORPUS_PATCHES_ONLY ? [] : post.filter((p) => p.path.endsWith('.c'))) {
    const a = await check({ parser, cache, path: f.path, text: f.text, kind: 'c', tree: [...post.filter((p) => p !== f), ...context] });
    postFindings.push(...inFunctions(a, fns));
  }
  return {
    id: c.id, kind: c.kind, bugFlagged: bug.length > 0, fixQuiet: fix.length === 0, postQuiet: postFindings.length === 0,
    bugCodes: codes(bug), fixCodes: codes(fix), postCodes: codes(postFindings), millis: Date.now() - started,
  };
}

export function readManifest(): Case[] {
  return JSON.parse(readFileSync(join(corpusDir, 'MANIFEST.json'), 'utf8')) as Case[];
}

export function summarize(outcomes: readonly Outcome[]): string {
  const lines: string[] = [];
  lines.push('| case | kind | bug patch | fix patch | post files | ms |', '|---|---|---|---|---|---:|');
  for (const o of outcomes) {
    const mark = (ok: boolean, codes: readonly string[], good: string, bad: string): string => `${ok ? good : bad}${codes.length ? ` (${codes.join(', ')})` : ''}`;
    lines.push(`| ${o.id} | ${o.kind} | ${mark(o.bugFlagged, o.bugCodes, 'flagged', 'silent')} | ${mark(o.fixQuiet, o.fixCodes, 'quiet', 'WARNS')} | ${o.postQuiet === undefined ? 'n/a' : mark(o.postQuiet, o.postCodes, 'quiet', 'WARNS')} | ${o.millis} |`);
  }
  lines.push('', '| kind group | bug patches flagged | fix patches quiet | post files quiet |', '|---|---:|---:|---:|');
  const groups = [...new Set(outcomes.map((o) => kindGroup(o.kind)))].sort();
  for (const g of groups) {
    const os = outcomes.filter((o) => kindGroup(o.kind) === g);
    const withPost = os.filter((o) => o.postQuiet !== undefined);
    lines.push(`| ${g} | ${os.filter((o) => o.bugFlagged).length}/${os.length} | ${os.filter((o) => o.fixQuiet).length}/${os.length} | ${withPost.filter((o) => o.postQuiet).length}/${withPost.length} |`);
  }
  const withPost = outcomes.filter((o) => o.postQuiet !== undefined);
  lines.push('', `corpus: bug-patches flagged ${outcomes.filter((o) => o.bugFlagged).length}/${outcomes.length}, fix-patches quiet ${outcomes.filter((o) => o.fixQuiet).length}/${outcomes.length}, post-files quiet ${withPost.filter((o) => o.postQuiet).length}/${withPost.length}`);
  return lines.join('\n');
}

export async function run(): Promise<BenchResult[]> {
  if (!existsSync(join(corpusDir, 'MANIFEST.json'))) {
    process.stderr.write(`corpus: ${corpusDir} not found; skipped\n`);
    return [];
  }
  const only = process.env.HVBARRIER_CORPUS_CASES?.split(',');
  const ids = readManifest().map((c) => c.id).filter((id) => !only || only.includes(id));
  // HVBARRIER_CORPUS_WORKERS=N overrides one worker per core.
  const workers = Math.max(1, Math.min(Number(process.env.HVBARRIER_CORPUS_WORKERS ?? availableParallelism()) || 1, ids.length));
  const started = Date.now();
  const byId = await inWorkers(ids, workers);
  // The table keeps the manifest's order, whatever order the workers finished in.
  const outcomes = ids.map((id) => byId.get(id)!);
  process.stdout.write(summarize(outcomes) + '\n');
  const total = Date.now() - started;
  return [{ name: `corpus: all ${outcomes.length} cases (bug patch, fix patch, post files), ${workers} worker${workers > 1 ? 's' : ''}`, unit: 'ms', median: total, p95: total, runs: 1 }];
}

/** Deals the cases to worker threads, the next case to whichever worker is free. */
function inWorkers(ids: readonly string[], n: number): Promise<Map<string, Outcome>> {
  const queue = [...ids];
  const out = new Map<string, Outcome>();
  const one = (): Promise<void> => new Promise((resolve, reject) => {
    const w = new Worker(join(__dirname, 'corpus-worker.js'));
    const next = (): void => {
      const id = queue.shift();
      if (id === undefined) void w.terminate().then(() => resolve());
      else w.postMessage(id);
    };
    w.on('message', (m: Outcome | 'ready') => {
      if (m !== 'ready') {
        out.set(m.id, m);
        process.stderr.write(`corpus: ${m.id} ${m.millis} ms\n`);
      }
      next();
    });
    w.on('error', reject);
  });
  return Promise.all(Array.from({ length: n }, one)).then(() => out);
}
