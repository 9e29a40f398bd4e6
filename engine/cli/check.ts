// `hvbarrier check [--arch x86|arm64|all] [--os linux|xen] [--tree DIR] [--format text|json|sarif] FILE...|-`
// Exit 0 when no finding is at warning or above, 1 when there are findings, 2 on usage or input errors.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { AnalysisCache } from '../analysis-cache';
import { analyzeDocument, documentKind } from '../analyze';
import { initCParser } from '../c/init';
import type { Analysis, Arch } from '../checks/types';
import type { Os } from '../kb/types';
import { findingsJson } from './format/findings-json';
import { findingsSarif } from './format/findings-sarif';
import { formatFindingsText } from './format/findings-text';
import { listTree } from './tree';
import { buildTreeIndex } from './tree-index';

const USAGE = 'usage: hvbarrier check [--arch x86|arm64|all] [--os linux|xen] [--tree DIR] [--cache DIR | --no-cache] [--config .hvbarrier.json] [--format text|json|sarif] [--workers N] [--stats] FILE...|-\n'
  + '       hvbarrier check --tree DIR [options]   (no FILE: whole-tree mode, every C file of DIR against the rest)\n';

export async function runCheckCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv, allowPositionals: true,
      options: {
        arch: { type: 'string', default: 'all' }, os: { type: 'string' }, tree: { type: 'string', multiple: true },
        format: { type: 'string', default: 'text' }, config: { type: 'string' }, help: { type: 'boolean' },
        cache: { type: 'string', default: '.hvbarrier-cache' }, 'no-cache': { type: 'boolean' },
        workers: { type: 'string' }, stats: { type: 'boolean' },
      },
    });
  } catch (err) {
    process.stderr.write(`hvbarrier check: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) { process.stdout.write(USAGE); return 0; }
  const arch = values.arch as Arch;
  if (!['x86', 'arm64', 'all'].includes(arch)) return usage(`unknown --arch '${values.arch}'`);
  if (values.os !== undefined && !['linux', 'xen'].includes(values.os)) return usage(`unknown --os '${values.os}'`);
  if (!['text', 'json', 'sarif'].includes(values.format!)) return usage(`unknown --format '${values.format}'`);
  if (positionals.length === 0 && values.tree?.length) {
    const workers = values.workers !== undefined ? Number(values.workers) : undefined;
    if (workers !== undefined && !(Number.isInteger(workers) && workers > 0)) return usage(`--workers wants a positive whole number, not '${values.workers}'`);
    let kbText: string | undefined;
    if (values.config) {
      try { kbText = readFileSync(values.config, 'utf8'); } catch (err) { process.stderr.write(`${values.config}:1:1: error: cannot read: ${(err as NodeJS.ErrnoException).code}\n`); return 2; }
    }
    return (await import('./tree-check')).runTreeCheck({
      dirs: values.tree, arch, os: values.os as Os | undefined, kbConfigText: kbText, cacheDir: values['no-cache'] ? undefined : values.cache, workers,
      format: values.format as 'text' | 'json' | 'sarif', stats: values.stats === true,
    });
  }
  if (positionals.length === 0) return usage('no input files');
  let kbConfigText: string | undefined;
  if (values.config) {
    try { kbConfigText = readFileSync(values.config, 'utf8'); } catch (err) { process.stderr.write(`${values.config}:1:1: error: cannot read: ${(err as NodeJS.ErrnoException).code}\n`); return 2; }
  }
  const treeFiles = (values.tree ?? []).flatMap((d) => listTree(d));
  const index = treeFiles.length ? (await buildTreeIndex({ files: treeFiles, cacheDir: values['no-cache'] ? undefined : values.cache })).summaries : [];
  const read = (path: string): string | undefined => { try { return readFileSync(path, 'utf8'); } catch { return undefined; } };
  const parser = await initCParser();
  // One cache for every file: tree files and shared handshakes are parsed and simulated once.
  const cache = new AnalysisCache();
  const reports: Array<{ file: string; analysis: Analysis }> = [];
  let exit = 0;
  for (const file of positionals) {
    let text: string;
    try {
      text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
    } catch (err) {
      process.stderr.write(`${file}:1:1: error: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`);
      exit = 2;
      continue;
    }
    const name = file === '-' ? '<stdin>' : file;
    const analysis = await analyzeDocument({
      path: name, text, kind: documentKind({ path: file === '-' ? '' : file, text }), parser, cache,
      config: { arch, os: values.os as Os | undefined, kbConfigText, kbConfigPath: values.config }, workspace: { index: index.filter((f) => f.path !== file), read },
    });
    reports.push({ file: name, analysis });
    if (analysis.findings.some((f) => f.severity === 'warning' || f.severity === 'error') && exit === 0) exit = 1;
  }
  if (values.format === 'json') process.stdout.write(JSON.stringify({ diagnostics: reports.flatMap((r) => findingsJson(r.file, r.analysis)) }, null, 2) + '\n');
  else if (values.format === 'sarif') process.stdout.write(JSON.stringify(findingsSarif(reports, '0.1.0'), null, 2) + '\n');
  else for (const r of reports) process.stdout.write(formatFindingsText(r.file, r.analysis));
  return exit;
}

function usage(msg: string): number {
  process.stderr.write(`hvbarrier check: ${msg}\n${USAGE}`);
  return 2;
}
