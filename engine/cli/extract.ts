// `hvbarrier extract [--format text|json] [--config .hvbarrier.json] [--os linux|xen]
// [--arch x86|arm64|arm32|all] FILE...`: prints the threads of events extracted from C files and
// patches. Reading files and writing output happen here; the engine only sees text.
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { initCParser } from '../c/init';
import { DEFAULT_KB, guessOs, loadConfig } from '../kb/index';
import type { Arch, KnowledgeBase, Os } from '../kb/types';
import { extractC, extractPatch, type Thread } from '../extract/index';
import { parseInput } from '../patch/index';
import type { Problem } from '../patch/types';
import { ARCH_VALUES } from './check-options';
import { formatThreads } from './format/threads';

const USAGE = `usage: hvbarrier extract [--format text|json] [--config FILE] [--os linux|xen] [--arch ${ARCH_VALUES.join('|')}] FILE...\n`;

export async function runExtractCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string', default: 'text' },
        config: { type: 'string' },
        os: { type: 'string' },
        arch: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    process.stderr.write(`hvbarrier extract: ${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const format = values.format;
  const os = values.os as Os | undefined;
  // The same --arch values as `check`; `all` means the generic primitive definitions.
  if (values.arch !== undefined && !(ARCH_VALUES as readonly string[]).includes(values.arch)) {
    process.stderr.write(`hvbarrier extract: unknown --arch '${values.arch}' (expected ${ARCH_VALUES.join(', ')})\n${USAGE}`);
    return 2;
  }
  const arch = values.arch === 'all' ? undefined : (values.arch as Arch | undefined);
  if ((format !== 'text' && format !== 'json') || (os && os !== 'linux' && os !== 'xen') || positionals.length === 0) {
    process.stderr.write(USAGE);
    return 2;
  }
  let kb: KnowledgeBase = DEFAULT_KB;
  let status = 0;
  if (values.config) {
    const text = readText(values.config);
    if (text === undefined) return 2;
    const cfg = loadConfig(text);
    kb = cfg.kb;
    for (const p of cfg.problems) printProblem(values.config, p);
    if (cfg.problems.some((p) => p.severity === 'error')) status = 2;
  }
  const parser = await initCParser();
  const results: { file: string; threads: Thread[]; problems: readonly Problem[] }[] = [];
  for (const file of positionals) {
    const text = readText(file);
    if (text === undefined) {
      status = 2;
      continue;
    }
    const input = parseInput(text, { path: file });
    const profile = { os: os ?? guessOs(file, text), ...(arch ? { arch } : {}) };
    const res = input.kind === 'patch' || input.kind === 'mbox'
      ? extractPatch(parser, { patch: input, kb, profile })
      : extractC(parser, { text, path: file, kb, profile });
    results.push({ file, threads: res.value, problems: [...input.problems, ...res.problems] });
  }
  for (const r of results) for (const p of r.problems) printProblem(r.file, p);
  if (format === 'json') process.stdout.write(JSON.stringify(results.map(({ file, threads, problems }) => ({ file, threads, problems })), null, 2) + '\n');
  else process.stdout.write(results.map((r) => formatThreads(r.threads)).join('\n'));
  return status;
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    const msg = err instanceof Error ? err.message.replace(/^[A-Z]+: /, '') : String(err);
    process.stderr.write(`${file}:1:1: error: cannot read input: ${msg}\n`);
    return undefined;
  }
}

function printProblem(file: string, p: Problem): void {
  const sev = p.severity === 'info' ? 'note' : p.severity;
  process.stderr.write(`${file}:${p.line}:${p.col}: ${sev}: ${p.message}\n`);
}
