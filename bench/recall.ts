// `npm run bench recall`: whole-tree recall on the real-fix corpus. Each corpus bug (a Xen
// case's bug.patch; a KVM fix mail reversed, with virt/kvm/arm/ read as arch/arm64/kvm/) is put
// into a scratch copy of the real tree it belongs to where it still applies, the whole tree is
// checked, and the report is compared with the unmodified tree's: the bug counts as caught when
// a new warning lies near a line it touched. The same bug, rebased on the real tree, is also
// checked in patch mode, for the gap between the two modes. Minutes per tree: one whole-tree run
// per applying case, sequential (each run already uses the check's worker threads).
//
// HVBARRIER_RECALL_CASES=id,id runs a subset; HVBARRIER_BENCH_KEEP=DIR keeps, under DIR/recall,
// each run's JSON, the rebased patches and GNU patch's logs, and also the check's cache and
// the baselines, which the next run with the same DIR reuses while the built engine
// (dist/engine) is byte-identical: one case then costs one whole-tree run. Trees as for
// `npm run bench tree`.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { walkFiles } from '../engine/cli/tree';
import { parseInput } from '../engine/patch/index';
import { sharedDir } from '../test/support/paths';
import type { BenchResult } from './harness';
import {
  compareReports, isWarning, lineMapsFromDiff, mapKvmPatch, nearTouched, touchedFromDiff,
  type ReportEntry, type Touched,
} from './recall-compare';
import { ScratchTree, dryRun, gnuPatchVersion, linkCopy, type Applies } from './recall-tree';
import { treesRoot } from './tree';

/** A new finding this many lines from a touched line still counts as being about the bug. */
export const NEAR_LINES = 5;

interface TreeSpec {
  readonly name: 'xen' | 'kvm';
  /** The pristine tree in the cache, the directory the corpus patches apply in (-p1). */
  readonly pristine: string;
  /** What the whole-tree run checks, relative to the tree. */
  readonly wholeDirs: readonly string[];
  readonly os: 'xen' | 'linux';
  /** KVM cases are fix mails: the bug is the mail reversed. */
  readonly reverse: boolean;
}

const TREES: readonly TreeSpec[] = [
  // The Xen corpus patches name xen/... files; only the hypervisor (xen/xen) is copied.
  { name: 'xen', pristine: join(treesRoot, 'xen'), wholeDirs: ['xen'], os: 'xen', reverse: false },
  { name: 'kvm', pristine: join(treesRoot, 'linux'), wholeDirs: ['virt/kvm', 'arch/x86/kvm', 'arch/arm64/kvm'], os: 'linux', reverse: true },
];

interface Report { readonly diagnostics: ReportEntry[]; readonly problems: ReportEntry[] }

interface Run { readonly raw?: string; readonly millis: number; readonly error?: string }

export interface CaseOutcome {
  readonly id: string;
  readonly tree: TreeSpec['name'];
  readonly applies: Applies;
  readonly applyLog: string;
  /** Whole tree: a new warning near a touched line; any new diagnostic there; new problems there. */
  readonly wholeCaught?: boolean;
  readonly wholeAnyNew?: boolean;
  readonly wholeCodes: readonly string[];
  readonly newProblemsNear: number;
  readonly newNotJudgedNear: number;
  /** Anywhere in the tree, for the record: diagnostics added and removed. */
  readonly added: number;
  readonly removed: number;
  readonly patchCaught?: boolean;
  readonly patchCodes: readonly string[];
  readonly wholeMillis?: number;
  readonly patchMillis?: number;
  readonly error?: string;
}

const cli = join(__dirname, '..', 'engine', 'cli.js');

function runCheck(args: readonly string[]): Run {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [cli, 'check', '--format', 'json', ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const millis = Date.now() - t0;
  if (r.status !== 0 && r.status !== 1) return { millis, error: `exit ${r.status}: ${(r.stderr || r.error?.message || '').slice(0, 300)}` };
  return { millis, raw: r.stdout };
}

/** The corpus case's bug as a patch for the tree, and the tree-relative files it names. */
function bugPatch(id: string, tree: TreeSpec): { text: string; files: string[] } {
  const path = tree.name === 'xen' ? join(sharedDir, 'corpus', 'xen', id, 'bug.patch') : join(sharedDir, 'corpus', 'kvm', id, 'mail.patch');
  const raw = readFileSync(path, 'utf8');
  const text = tree.name === 'kvm' ? mapKvmPatch(raw) : raw;
  const files = parseInput(text, { path }).units.flatMap((u) => u.files.flatMap((f) => [f.oldPath, f.newPath]));
  return { text, files: [...new Set(files.filter((f): f is string => f !== null))] };
}

/** A hash of the built engine: a kept baseline is only as good as the engine that made it. */
function engineHash(): string {
  const h = createHash('sha256');
  for (const f of walkFiles(join(__dirname, '..', 'engine'), { accept: (n) => n.endsWith('.js') }).sort()) h.update(f).update(readFileSync(f));
  return h.digest('hex').slice(0, 16);
}

class Keeper {
  constructor(readonly dir: string | undefined) { if (dir) mkdirSync(dir, { recursive: true }); }
  write(name: string, text: string): void { if (this.dir) writeFileSync(join(this.dir, name), text); }
  read(name: string): string | undefined {
    return this.dir && existsSync(join(this.dir, name)) ? readFileSync(join(this.dir, name), 'utf8') : undefined;
  }
}

/** A report with its paths relative to the tree it was run on, so runs on two copies compare. */
function relativeReport(raw: string, root: string): Report {
  const r = JSON.parse(raw) as Report;
  const rel = (e: ReportEntry): ReportEntry => ({ ...e, file: relative(root, e.file) });
  return { diagnostics: r.diagnostics.map(rel), problems: r.problems.map(rel) };
}

/** One tree: the scratch copy, the baseline run, then each applying case in turn. */
class TreeRecall {
  readonly scratch: ScratchTree;
  private baseline?: Report | string;
  private readonly cacheDir: string;

  constructor(readonly spec: TreeSpec, private readonly work: string, private readonly keep: Keeper, private readonly engine: string) {
    const root = join(work, spec.name);
    // Xen: only the hypervisor directory of the source package; KVM: the whole trimmed tree.
    for (const d of spec.name === 'xen' ? ['xen'] : ['.']) linkCopy(join(spec.pristine, d), join(root, d));
    this.scratch = new ScratchTree(spec.pristine, root);
    this.cacheDir = join(keep.dir ?? work, `cache-${spec.name}`);
  }

  /** `check` on the scratch tree: the whole tree, or a patch with the tree beside it. */
  private check(patch?: string): Run {
    return runCheck([...(patch ? [patch] : []), '--os', this.spec.os, '--cache', this.cacheDir, ...this.spec.wholeDirs.flatMap((d) => ['--tree', join(this.scratch.root, d)])]);
  }

  /** The unmodified tree's report (or why there is none): kept from an earlier run of the same engine, else run now. */
  private base(): Report | string {
    if (this.baseline) return this.baseline;
    const stamp = JSON.parse(this.keep.read(`baseline-${this.spec.name}.stamp`) ?? '{}') as { engine?: string; pristine?: string; root?: string };
    const kept = this.keep.read(`baseline-${this.spec.name}.json`);
    if (kept && stamp.engine === this.engine && stamp.pristine === this.spec.pristine && stamp.root) {
      process.stderr.write(`recall: ${this.spec.name} baseline kept from an earlier run of this engine\n`);
      return (this.baseline = relativeReport(kept, stamp.root));
    }
    process.stderr.write(`recall: ${this.spec.name} baseline (unmodified tree)...\n`);
    const run = this.check();
    process.stderr.write(`  ${(run.millis / 1000).toFixed(1)} s${run.error ? `: ${run.error}` : ''}\n`);
    if (run.raw === undefined) return (this.baseline = run.error!);
    this.keep.write(`baseline-${this.spec.name}.json`, run.raw);
    this.keep.write(`baseline-${this.spec.name}.stamp`, JSON.stringify({ engine: this.engine, pristine: this.spec.pristine, root: this.scratch.root }));
    return (this.baseline = relativeReport(run.raw, this.scratch.root));
  }

  runCase(id: string): CaseOutcome {
    const { text, files } = bugPatch(id, this.spec);
    const dry = dryRun(this.scratch.root, text, this.spec.reverse);
    this.keep.write(`${id}.patch-log.txt`, dry.log);
    const none = { wholeCodes: [], patchCodes: [], newProblemsNear: 0, newNotJudgedNear: 0, added: 0, removed: 0 };
    const out = { id, tree: this.spec.name, applies: dry.applies, applyLog: dry.log, ...none };
    if (dry.applies === 'no') return out;
    const base = this.base();
    if (typeof base === 'string') return { ...out, error: `baseline: ${base}` };
    const applied = this.scratch.apply(text, this.spec.reverse, files);
    if (!applied.ok) return { ...out, error: `patch failed after a clean dry run: ${applied.log.slice(0, 200)}` };
    let rebased: string;
    let whole: Run;
    try {
      rebased = this.scratch.diff(files);
      process.stderr.write(`recall: ${id} whole tree...\n`);
      whole = this.check();
    } finally {
      this.scratch.restore(files);
    }
    this.keep.write(`${id}.patch`, rebased);
    this.keep.write(`${id}.whole.json`, whole.raw ?? '');
    const patchFile = join(this.work, `${id}.patch`);
    writeFileSync(patchFile, rebased);
    // Patch mode as a reviewer runs it: the rebased patch, the (unpatched) checkout as the tree.
    const patch = this.check(patchFile);
    this.keep.write(`${id}.patch-mode.json`, patch.raw ?? '');
    const patchWarnings = patch.raw === undefined ? undefined : relativeReport(patch.raw, this.scratch.root).diagnostics.filter(isWarning);
    const judged = whole.raw === undefined ? undefined : this.judge(base, relativeReport(whole.raw, this.scratch.root), rebased);
    process.stderr.write(`  ${(whole.millis / 1000).toFixed(1)} s whole tree, ${(patch.millis / 1000).toFixed(1)} s patch mode\n`);
    return {
      ...out, ...judged,
      patchCaught: patchWarnings ? patchWarnings.length > 0 : undefined,
      patchCodes: [...new Set((patchWarnings ?? []).map((d) => d.code ?? '?'))].sort(),
      wholeMillis: whole.millis, patchMillis: patch.millis,
      error: whole.error ?? (patch.error ? `patch mode: ${patch.error}` : undefined),
    };
  }

  /** The patched tree's report against the baseline, near the lines the bug touched. */
  private judge(base: Report, now: Report, rebased: string): Pick<CaseOutcome, 'wholeCaught' | 'wholeAnyNew' | 'wholeCodes' | 'newProblemsNear' | 'newNotJudgedNear' | 'added' | 'removed'> {
    const touched: Touched = touchedFromDiff(rebased);
    const maps = lineMapsFromDiff(rebased);
    const opts = { mapLine: (e: ReportEntry) => (maps.get(e.file) ?? ((l: number) => l))(e.line) };
    const diags = compareReports(base.diagnostics, now.diagnostics, opts);
    const problems = compareReports(base.problems, now.problems, opts);
    const near = (e: ReportEntry): boolean => nearTouched(e, touched, NEAR_LINES);
    const newNear = diags.added.filter(near);
    const problemsNear = problems.added.filter(near);
    return {
      wholeCaught: newNear.some(isWarning), wholeAnyNew: newNear.length > 0,
      wholeCodes: [...new Set(newNear.map((d) => `${d.code ?? '?'}${isWarning(d) ? '' : ` (${d.severity})`}`))].sort(),
      newProblemsNear: problemsNear.length, newNotJudgedNear: problemsNear.filter((p) => p.notJudged).length,
      added: diags.added.length, removed: diags.removed.length,
    };
  }
}

const yesNo = (b: boolean | undefined): string => (b === undefined ? 'n/a' : b ? '**yes**' : 'no');

export function summarize(outcomes: readonly CaseOutcome[]): string {
  const lines = ['| case | applies | whole tree caught | any new diagnostic near | new problems near (not judged) | diagnostics +/- anywhere | patch mode caught | whole-tree codes near | patch-mode codes | s (whole / patch) |',
    '|---|---|---|---|---|---|---|---|---|---|'];
  for (const o of outcomes) {
    const ran = o.applies !== 'no';
    const secs = (ms?: number): string => (ms === undefined ? '-' : (ms / 1000).toFixed(1));
    lines.push(`| ${o.id} | ${o.applies} | ${ran ? yesNo(o.wholeCaught) : ''} | ${ran ? yesNo(o.wholeAnyNew) : ''} | ${ran ? `${o.newProblemsNear} (${o.newNotJudgedNear})` : ''} | ${ran ? `+${o.added}/-${o.removed}` : ''} | ${ran ? yesNo(o.patchCaught) : ''} | ${o.wholeCodes.join(', ')} | ${o.patchCodes.join(', ')} | ${ran ? `${secs(o.wholeMillis)} / ${secs(o.patchMillis)}` : ''} |${o.error ? ` ERROR: ${o.error}` : ''}`);
  }
  const applied = outcomes.filter((o) => o.applies !== 'no');
  const count = (f: (o: CaseOutcome) => boolean | undefined): number => applied.filter((o) => f(o) === true).length;
  const how = (['clean', 'offset', 'fuzz'] as const).map((a) => `${applied.filter((o) => o.applies === a).length} ${a}`).join(', ');
  lines.push('', `recall: applies ${applied.length}/${outcomes.length} (${how}), whole-tree caught ${count((o) => o.wholeCaught)}/${applied.length} (any new diagnostic near a touched line ${count((o) => o.wholeAnyNew)}/${applied.length}), patch-mode caught ${count((o) => o.patchCaught)}/${applied.length}`);
  return lines.join('\n');
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

export async function run(): Promise<BenchResult[]> {
  const manifest = join(sharedDir, 'corpus', 'MANIFEST.json');
  if (!existsSync(manifest)) { process.stderr.write(`recall: ${manifest} not found; skipped\n`); return []; }
  const patchVersion = gnuPatchVersion();
  if (!patchVersion) { process.stderr.write('recall: GNU patch is not on PATH (it decides whether a bug applies); skipped\n'); return []; }
  const only = process.env.HVBARRIER_RECALL_CASES?.split(',').filter(Boolean);
  const ids = (JSON.parse(readFileSync(manifest, 'utf8')) as Array<{ id: string }>).map((c) => c.id).filter((id) => !only || only.includes(id));
  const keepDir = process.env.HVBARRIER_BENCH_KEEP ? join(process.env.HVBARRIER_BENCH_KEEP, 'recall') : undefined;
  const keep = new Keeper(keepDir);
  const work = mkdtempSync(join(tmpdir(), 'hvbarrier-recall-'));
  const engine = engineHash();
  const started = Date.now();
  const outcomes: CaseOutcome[] = [];
  const results: BenchResult[] = [];
  try {
    for (const spec of TREES) {
      const mine = ids.filter((id) => id.startsWith(`${spec.name}-`));
      if (mine.length === 0) continue;
      if (!spec.wholeDirs.every((d) => existsSync(join(spec.pristine, d)))) {
        process.stderr.write(`recall: ${spec.name} tree not fetched at ${spec.pristine} (run scripts/fetch-trees.sh); its ${mine.length} cases skipped\n`);
        continue;
      }
      const tree = new TreeRecall(spec, work, keep, engine);
      const done = mine.map((id) => tree.runCase(id));
      outcomes.push(...done);
      const wholes = done.flatMap((o) => (o.wholeMillis === undefined ? [] : [o.wholeMillis]));
      if (wholes.length > 0) {
        results.push({ name: `recall ${spec.name}: whole-tree run with one bug put in (cache warm)`, unit: 'ms', median: median(wholes), p95: Math.max(...wholes), runs: wholes.length });
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  process.stdout.write(`${summarize(outcomes)}\n(${patchVersion}; near = within ${NEAR_LINES} lines; ${((Date.now() - started) / 60000).toFixed(1)} min)\n`);
  return results;
}
