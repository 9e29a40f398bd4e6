// `hvbarrier check [options] FILE|DIR...|-` (see check-options.ts for every option).
// Exit 0 when no finding is at warning or above, 1 when there are findings, 2 on usage or input
// errors: an input that could not be read is never reported as clean.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { AnalysisCache } from '../analysis-cache';
import { analyzeDocument } from '../analyze';
import { initCParser } from '../c/init';
import type { CParser } from '../c/parser';
import type { Analysis, Arch } from '../checks/types';
import { DEFAULT_KB, loadConfig, type Os } from '../kb/index';
import type { FileSummary } from '../pair/summary';
import { BaselineMatcher, makeBaseline, parseBaseline } from '../suppress/baseline';
import { defaultCacheRoot, treeCacheDir } from './cache-dir';
import { ARCH_VALUES, CHECK_USAGE, FORMATS, checkHelp, parseCheckArgs, type CheckValues, type Format } from './check-options';
import { loadConfigFile } from './config-file';
import { mapDocument } from './document-map';
import { fixDiff, fixDocument } from './fix';
import { findingPicture, pictureSource } from '../picture/finding-picture';
import { pictureName } from './graph';
import { paint, useColour } from './format/colour';
import { reportJson } from './format/findings-json';
import { reportSarif } from './format/findings-sarif';
import { formatFileTerse } from './format/findings-terse';
import { formatFileText } from './format/findings-text';
import { readInputs, type InputDocument, type InputError } from './inputs';
import { Progress } from './progress';
import { exitCode, reportFile, summaryLine, totals, type FileReport, type Report, type Suppressions } from './report';
import { listTree } from './tree';
import { buildTreeIndex } from './tree-index';
import { toolVersion } from './version';

export async function runCheckCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseCheckArgs(argv);
  } catch (err) {
    return usage((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(checkHelp());
    return 0;
  }
  const format: Format = values.terse ? 'terse' : (values.format as Format);
  if (!(ARCH_VALUES as readonly string[]).includes(values.arch!)) return usage(`unknown --arch '${values.arch}' (expected ${ARCH_VALUES.join(', ')})`);
  if (values.os !== undefined && !['linux', 'xen'].includes(values.os)) return usage(`unknown --os '${values.os}' (expected linux or xen)`);
  if (!(FORMATS as readonly string[]).includes(format)) return usage(`unknown --format '${values.format}' (expected ${FORMATS.join(', ')})`);
  if (!['auto', 'always', 'never'].includes(values.color!)) return usage(`unknown --color '${values.color}' (expected auto, always or never)`);
  if (values['in-place'] && !values.fix) return usage('-i/--in-place needs --fix');
  // `check --tree DIR` with no input: whole-tree mode, every C file of DIR against the rest.
  if (positionals.length === 0 && values.tree?.length) return wholeTree(values, format);
  if (positionals.length === 0) return usage('no input files (give FILE, DIR or - for stdin)');
  const setup = checkSetup(values, format);
  if ('exit' in setup) return setup.exit;
  const { config, suppress } = setup;

  const inputs = readInputs(positionals, () => readFileSync(0));
  // `--tree A B C` reads as B and C given as inputs: every C file of them is then checked on its
  // own against the whole tree, which takes hours and gigabytes; say what was probably meant.
  const cInputs = inputs.documents.filter((d) => d.kind === 'c').length;
  if (values.tree?.length && inputs.dirs.length > 0 && cInputs > MAX_C_INPUTS_WITH_TREE) {
    return usage(`${inputs.dirs.join(', ')} ${inputs.dirs.length > 1 ? 'hold' : 'holds'} ${cInputs} C files given as inputs, each to be checked on its own against --tree; to check whole trees, give every directory with --tree (--tree A --tree B), or name fewer files`);
  }
  if (values.fix && (inputs.documents.length !== 1 || positionals.length !== 1)) return usage('--fix takes exactly one input file');
  const trees = [...(values.tree ?? []), ...inputs.dirs];
  const index = await treeIndex(trees, values);
  const parser = await initCParser();
  const kb = config.text !== undefined ? loadConfig(config.text).kb : DEFAULT_KB;
  const notices = values.arch === 'arm32' ? ['--arch arm32 is judged under the ARMv8 model (AArch32 code on ARMv8 hardware); ARMv7, which is weaker, is not modelled'] : [];
  // One cache for every file: tree files and shared handshakes are parsed and simulated once.
  const cache = new AnalysisCache();
  const analyze = (doc: InputDocument, text = doc.text): Promise<Analysis> => analyzeDocument({
    path: doc.name, text, kind: doc.kind, parser, cache,
    config: { arch: engineArch(values.arch!), os: values.os as Os | undefined, kbConfigText: config.text, kbConfigPath: config.path },
    workspace: { index: index.filter((f) => f.path !== doc.path), read: readOrUndefined },
  });

  const errors: InputError[] = [...inputs.errors];
  const files: FileReport[] = [];
  const analyses = new Map<InputDocument, Analysis>();
  const progress = new Progress(process.stderr, inputs.documents.length);
  for (const [i, doc] of inputs.documents.entries()) {
    progress.step(i, doc.name);
    const analysis = await analyze(doc);
    // A litmus test that does not parse was not checked at all: an input error.
    if (doc.kind === 'litmus' && analysis.findings.length === 0 && analysis.problems.some((p) => p.severity === 'error')) {
      errors.push(...analysis.problems.filter((p) => p.severity === 'error').map((p) => ({ file: doc.name, line: p.line, col: p.col, message: p.message })));
      continue;
    }
    analyses.set(doc, analysis);
    const map = mapDocument(doc, { parser, kb, cache, os: values.os as Os | undefined, analysis });
    const fileReport = reportFile({ file: doc.name, sourcePath: doc.path ? relative(process.cwd(), resolve(doc.path)) : doc.name, kind: doc.kind, analysis, map, suppress });
    files.push(fileReport);
    if (values.graph) writePictures(values.graph, doc, fileReport);
  }
  progress.end();
  const report: Report = { files, errors, notices };

  if (values['write-baseline']) writeBaseline(values['write-baseline'], report);
  if (values.fix && inputs.documents[0] && analyses.has(inputs.documents[0])) {
    const doc = inputs.documents[0];
    return runFix({ doc, analysis: analyses.get(doc)!, analyze: (t) => analyze(doc, t), report, inPlace: !!values['in-place'], parser });
  }
  writeReport(report, { format, values, out: process.stdout });
  return values['write-baseline'] ? (errors.length ? 2 : 0) : exitCode(report);
}

/** The engine's target set for an --arch value (arm32 code runs on ARMv8 under the ARMv8 model). */
function engineArch(arch: string): Arch {
  return arch === 'arm32' ? 'arm64' : (arch as Arch);
}

function writeReport(report: Report, a: { format: Format; values: CheckValues; out: NodeJS.WriteStream }): void {
  for (const e of report.errors) process.stderr.write(`${e.file}:${e.line}:${e.col}: error: ${e.message}\n`);
  if (a.format === 'json') {
    a.out.write(JSON.stringify(reportJson(report, { version: toolVersion() }), null, 2) + '\n');
  } else if (a.format === 'sarif') {
    a.out.write(JSON.stringify(reportSarif(report, { version: toolVersion(), srcroot: process.cwd() }), null, 2) + '\n');
  } else if (a.format === 'terse') {
    for (const f of report.files) a.out.write(formatFileTerse(f));
  } else {
    const p = paint(useColour({ when: a.values.color!, isTTY: !!a.out.isTTY, env: process.env }));
    for (const n of report.notices) a.out.write(`hvbarrier: ${p.severity('note')}: ${n}\n`);
    for (const f of report.files) a.out.write(formatFileText(f, { paint: p, explain: !!(a.values.explain || a.values.verbose) }));
    if (!a.values.quiet && !a.values['no-summary']) a.out.write(summaryLine(totals(report)) + '\n');
  }
}

async function runFix(a: { doc: InputDocument; analysis: Analysis; analyze: (text: string) => Promise<Analysis>; report: Report; inPlace: boolean; parser: CParser }): Promise<number> {
  // The findings go to stderr: stdout carries only the fixed patch or the diff.
  const p = paint(false);
  for (const f of a.report.files) process.stderr.write(formatFileText(f, { paint: p, explain: false }));
  if (a.doc.kind === 'litmus') return fatal(`${a.doc.name}:1:1: error: --fix applies to patches and C files, not litmus tests`);
  const res = await fixDocument({ text: a.doc.text, analysis: a.analysis, analyze: a.analyze });
  for (const t of res.applied) process.stderr.write(`hvbarrier: applied: ${t}\n`);
  const left = res.after.findings.filter((f) => f.severity === 'warning' || f.severity === 'error').length;
  process.stderr.write(`hvbarrier: ${res.applied.length} fix${res.applied.length === 1 ? '' : 'es'} applied; ${left} warning${left === 1 ? '' : 's'} left\n`);
  if (a.doc.kind === 'c') process.stdout.write(res.applied.length ? fixDiff(a.doc.name, a.doc.text, res.text) : '');
  else if (a.inPlace && a.doc.path) writeFileSync(a.doc.path, res.text);
  else process.stdout.write(res.text);
  return left > 0 ? 1 : 0;
}

/** One SVG per finding that has an execution behind it; says on stderr what was written or why not. */
function writePictures(dir: string, doc: InputDocument, r: FileReport): void {
  mkdirSync(dir, { recursive: true });
  for (const { finding } of r.findings) {
    const source = pictureSource(finding, doc);
    if (!source) continue;
    const pic = findingPicture({ finding, ...source });
    const where = `${r.file}:${finding.place.range.line}:${finding.place.range.col}`;
    if ('none' in pic) {
      process.stderr.write(`hvbarrier: no picture for ${where} [${finding.code}]: ${pic.none}\n`);
      continue;
    }
    const path = join(dir, pictureName(r.file, finding));
    writeFileSync(path, pic.svg);
    process.stderr.write(`hvbarrier: wrote ${path}\n`);
  }
}

/**
 * A file of a whole tree as its fingerprints name it: under the tree's own directory name
 * (`xen/common/domain.c` for `--tree ~/src/xen/xen`), whatever the current directory, so a
 * baseline written on one machine matches a run from anywhere on another.
 */
function inTree(trees: readonly string[], file: string): string {
  const abs = resolve(file);
  const root = trees.map((t) => resolve(t)).filter((t) => abs.startsWith(t + sep)).sort((x, y) => y.length - x.length)[0];
  return root === undefined ? relative(process.cwd(), abs) : [basename(root), ...relative(root, abs).split(sep)].join('/');
}

/** Whole-tree mode (engine/cli/tree-check.ts): findings in every file, in the same report formats. */
async function wholeTree(values: CheckValues, format: Format): Promise<number> {
  const workers = values.workers !== undefined ? Number(values.workers) : undefined;
  if (workers !== undefined && !(Number.isInteger(workers) && workers > 0)) return usage(`--workers wants a positive whole number, not '${values.workers}'`);
  const setup = checkSetup(values, format);
  if ('exit' in setup) return setup.exit;
  const { config, suppress } = setup;
  const { checkTree, treeSummary } = await import('./tree-check');
  const started = Date.now();
  const res = await checkTree({
    dirs: values.tree!, arch: engineArch(values.arch!), os: values.os as Os | undefined, kbConfigText: config.text, workers,
    cacheDir: values['no-cache'] ? undefined : values.cache ?? treeCacheDir(defaultCacheRoot(), values.tree!, process.cwd()),
  });
  const files = res.reports.map((r) => {
    const lines = (readOrUndefined(r.file) ?? '').split('\n');
    const map = { functions: [], hunks: [], lines, patch: false, inputProblems: [] };
    return reportFile({ file: r.file, sourcePath: inTree(values.tree!, r.file), kind: 'c', analysis: r.analysis, map, suppress });
  });
  const report: Report = { files, errors: [], notices: [] };
  if (values['write-baseline']) writeBaseline(values['write-baseline'], report);
  writeReport(report, { format, values, out: process.stdout });
  if (values.stats) {
    process.stderr.write(`tree: ${JSON.stringify({ ...treeSummary(res), wrappers: res.wrappers, model: res.model, timings: { ...res.timings, total: Date.now() - started }, maxRssKb: process.resourceUsage().maxRSS })}\n`);
  }
  return values['write-baseline'] ? 0 : exitCode(report);
}

/** --disable and --baseline, for both modes; a baseline that cannot be read is an input error. */
/**
 * What both modes read before checking anything: the trees must exist, the config and the
 * baseline must read. Otherwise nothing is checked, every format says why, and the exit is 2.
 */
function checkSetup(values: CheckValues, format: Format): { config: ReturnType<typeof loadConfigFile>; suppress: Suppressions } | { exit: number } {
  const early: InputError[] = (values.tree ?? []).filter((t) => !existsSync(t)).map((t) => ({ file: t, line: 1, col: 1, message: `--tree ${t}: no such file or directory` }));
  const config = loadConfigFile({ explicit: values.config, discover: !values['no-config'], cwd: process.cwd() });
  early.push(...config.errors);
  const { suppress, errors } = suppressions(values);
  early.push(...errors);
  if (early.length === 0) return { config, suppress };
  writeReport({ files: [], errors: early, notices: [] }, { format, values, out: process.stdout });
  return { exit: 2 };
}

function suppressions(values: CheckValues): { suppress: Suppressions; errors: InputError[] } {
  const disabled = new Set((values.disable ?? []).flatMap((d) => d.split(',')).map((d) => d.trim()).filter(Boolean));
  const baseline = readBaseline(values.baseline);
  if ('error' in baseline) return { suppress: { disabled }, errors: [baseline.error] };
  return { suppress: { disabled, baseline: baseline.matcher }, errors: [] };
}

async function treeIndex(trees: readonly string[], values: CheckValues): Promise<FileSummary[]> {
  const files = [...new Set(trees.flatMap((d) => listTree(d)))];
  if (files.length === 0) return [];
  const cacheDir = values['no-cache'] ? undefined : values.cache ?? treeCacheDir(defaultCacheRoot(), trees, process.cwd());
  return (await buildTreeIndex({ files, cacheDir })).summaries;
}

function readBaseline(path: string | undefined): { matcher?: BaselineMatcher } | { error: InputError } {
  if (path === undefined) return {};
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return { error: { file: path, line: 1, col: 1, message: `cannot read baseline: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` } };
  }
  const b = parseBaseline(text);
  return b.baseline ? { matcher: new BaselineMatcher(b.baseline) } : { error: { file: path, line: 1, col: 1, message: `baseline: ${b.error}` } };
}

/** Records every finding not silenced by a comment or --disable (the baseline's own included). */
function writeBaseline(path: string, r: Report): void {
  const entries = r.files.flatMap((f) => [...f.findings, ...f.suppressed.filter((s) => s.by === 'baseline')].map((x) => ({
    fingerprint: x.fingerprint, code: x.finding.code, file: x.codeFile, function: x.function ?? '', message: x.finding.message,
  })));
  writeFileSync(path, JSON.stringify(makeBaseline(entries), null, 2) + '\n');
  process.stderr.write(`hvbarrier: wrote ${entries.length} finding${entries.length === 1 ? '' : 's'} to ${path}\n`);
}

function readOrUndefined(path: string): string | undefined {
  try {
    return statSync(path).isFile() ? readFileSync(path, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

/** More C files than this from input directories, with --tree, is taken for a mistyped whole-tree run. */
const MAX_C_INPUTS_WITH_TREE = 50;

function usage(msg: string): number {
  process.stderr.write(`hvbarrier check: ${msg}\n${CHECK_USAGE}\n(hvbarrier check --help lists every option)\n`);
  return 2;
}

function fatal(msg: string): number {
  process.stderr.write(`${msg}\n`);
  return 2;
}
