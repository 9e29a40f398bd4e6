// `hvbarrier litmus [--model M|all] [--format text|json] FILE|DIR...`
import { readFileSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseLitmus } from '../litmus/parser';
import { formatHerd, formatVerdictLine } from '../litmus/print';
import { MODEL_NAMES, isModelName } from '../models/registry';
import type { ModelName } from '../models/model';
import { simulate, type SimulationResult } from '../sim/simulate';
import { walkFiles } from './tree';
import { isHvTest } from '../hv/compile';
import { simulateHv } from '../hv/lost-wakeup';

const USAGE = 'usage: hvbarrier litmus [--model sc|x86-tso|armv8|lkmm|all] [--format text|json] [--budget-ms N] [--budget-executions N] FILE|DIR...\n';

/** Expands directories into the .litmus files under them, sorted. */
export function litmusFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    // A path that is not a directory is kept as given, so a missing file is reported by name.
    if (statSync(p, { throwIfNoEntry: false })?.isDirectory()) out.push(...walkFiles(p, { accept: (n) => n.endsWith('.litmus') }));
    else out.push(p);
  }
  return out;
}

export async function runLitmusCommand(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv, allowPositionals: true,
      options: {
        model: { type: 'string', default: 'lkmm' }, format: { type: 'string', default: 'text' },
        'budget-ms': { type: 'string' }, 'budget-executions': { type: 'string' }, help: { type: 'boolean' },
      },
    });
  } catch (err) {
    process.stderr.write(`hvbarrier litmus: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = args;
  if (values.help) { process.stdout.write(USAGE); return 0; }
  const model = values.model!;
  const format = values.format!;
  if (model !== 'all' && !isModelName(model)) { process.stderr.write(`hvbarrier litmus: unknown model '${model}'\n${USAGE}`); return 2; }
  if (format !== 'text' && format !== 'json') { process.stderr.write(`hvbarrier litmus: unknown format '${format}'\n${USAGE}`); return 2; }
  if (positionals.length === 0) { process.stderr.write(USAGE); return 2; }
  const models: ModelName[] = model === 'all' ? [...MODEL_NAMES] : [model as ModelName];
  const budget = {
    ...(values['budget-ms'] ? { maxMillis: Number(values['budget-ms']) } : {}),
    ...(values['budget-executions'] ? { maxExecutions: Number(values['budget-executions']) } : {}),
  };

  let exit = 0;
  const json: unknown[] = [];
  for (const file of litmusFiles(positionals)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      process.stderr.write(`${file}:1:1: error: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`);
      exit = 2;
      continue;
    }
    const parsed = parseLitmus(text);
    if (!parsed.value) {
      for (const p of parsed.problems) process.stderr.write(`${file}:${p.line}:${p.col}: error: ${p.message}\n`);
      exit = 2;
      continue;
    }
    // The extended (hypervisor) form is compiled per model first (engine/hv/).
    const hv = isHvTest(parsed.value) ? simulateHv(parsed.value, { models, budget, witness: format === 'json' }) : undefined;
    for (const p of hv?.problems ?? []) process.stderr.write(`${file}:${p.line}:${p.col}: error: ${p.message}\n`);
    if (hv && !hv.value) { exit = 2; continue; }
    const sim = hv?.value ?? simulate(parsed.value, { models, budget, witness: format === 'json' });
    if (sim.results.some((r) => r.status === 'unsupported')) exit = Math.max(exit, 1);
    if (format === 'json') json.push(toJson(file, sim));
    else if (model === 'all') process.stdout.write(sim.results.map((r) => formatVerdictLine(sim, r)).join('\n') + '\n');
    else process.stdout.write(formatHerd(sim, sim.results[0]!) + '\n');
  }
  if (format === 'json') process.stdout.write(JSON.stringify(json, null, 2) + '\n');
  return exit;
}

function toJson(file: string, sim: SimulationResult): unknown {
  return {
    file,
    test: sim.test.name,
    condition: sim.test.condition.quantifier,
    observed: sim.observed,
    candidates: sim.candidates,
    results: sim.results,
  };
}
