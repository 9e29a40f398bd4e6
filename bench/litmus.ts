// Simulator speed on the kernel's 47 litmus tests under LKMM: the whole suite in one process
// (parse + simulate, warm), per-test medians, and the CLI as one process over the suite.
// The target to beat is herd7: about 0.2 s for the suite in one process on these machines.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { litmusFiles } from '../engine/cli/litmus';
import { parseLitmus } from '../engine/litmus/parser';
import { simulate } from '../engine/sim/simulate';
import { lkmmSuiteAvailable, lkmmSuiteDir, repoRoot } from '../test/support/paths';
import { measure, type BenchResult } from './harness';

export async function run(): Promise<BenchResult[]> {
  if (!lkmmSuiteAvailable()) return [];
  const files = litmusFiles([lkmmSuiteDir]);
  const texts = files.map((f) => readFileSync(f, 'utf8'));
  const one = (text: string): void => { simulate(parseLitmus(text).value!, { models: ['lkmm'], witness: false }); };
  const results: BenchResult[] = [];
  results.push(await measure(`litmus: all ${files.length} kernel tests, lkmm, in-process`, () => texts.forEach(one), { runs: 20 }));
  results.push(await measure(`litmus: all ${files.length} kernel tests, 4 models, in-process`, () => texts.forEach((t) => {
    simulate(parseLitmus(t).value!, { models: ['sc', 'x86-tso', 'armv8', 'lkmm'], witness: false });
  }), { runs: 10 }));
  const perTest: BenchResult[] = [];
  for (let i = 0; i < texts.length; i++) perTest.push(await measure(files[i]!, () => one(texts[i]!), { runs: 15 }));
  const medians = perTest.map((r) => r.median).sort((a, b) => a - b);
  const slowest = perTest.reduce((a, b) => (b.median > a.median ? b : a));
  results.push({
    name: 'litmus: per-test median (lkmm)', unit: 'ms', median: medians[Math.floor(medians.length / 2)]!, p95: medians[Math.ceil(medians.length * 0.95) - 1]!, runs: 15,
    note: `slowest ${slowest.name.split('/').pop()} ${slowest.median.toFixed(2)} ms`,
  });
  const cli = join(repoRoot, 'dist', 'engine', 'cli.js');
  results.push(await measure(`litmus: CLI, one process for all ${files.length} tests (wall, incl. node start-up)`, () => {
    const r = spawnSync(process.execPath, [cli, 'litmus', '--model', 'lkmm', lkmmSuiteDir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
  }, { runs: 10, warmup: 1 }));
  return results;
}
