// Simulator speed under LKMM: the kernel's 47 tests in one process (parse + simulate, warm),
// per-test medians, and — the way people run herd7 — the CLI as one whole process (wall time,
// Node start-up included) over the 35 tests of tools/memory-model/litmus-tests and over the
// 204-test development set. Whole-process runs alternate between the variants so load on the
// machine falls on all of them alike; medians and the ratio to herd7's recorded time are quoted.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { litmusFiles } from '../engine/cli/litmus';
import { parseLitmus } from '../engine/litmus/parser';
import { simulate } from '../engine/sim/simulate';
import { devSuiteAvailable, devSuiteDir, lkmmSuiteAvailable, lkmmSuiteDir, repoRoot } from '../test/support/paths';
import { measure, type BenchResult } from './harness';

/**
 * herd7 7.58+1 on this kind of machine (2-core VM), as recorded with the shared suite
 * (../shared/litmus/lkmm/SOURCES.md, README): about 0.2 s for the 47 kernel tests in one
 * process. herd7 is not installed here; its recorded outputs carry no Time lines, so this is
 * the only recorded whole-process time, and it covers 47 tests where we run 35.
 */
const HERD7_ONE_PROCESS_MS = 200;

interface Variant { readonly name: string; readonly args: readonly string[] }

const cpuReport = join(__dirname, 'cpu-report.js');

/**
 * Runs each variant `runs` times, interleaved (A B C A B C ...): wall times, and CPU times as
 * the process reports them (bench/cpu-report.ts, preloaded) under `<name> cpu`.
 */
function alternate(variants: readonly Variant[], runs: number): Map<string, number[]> {
  const times = new Map<string, number[]>();
  const push = (k: string, v: number): void => { times.set(k, [...(times.get(k) ?? []), v]); };
  for (let i = 0; i < runs + 1; i++) {
    for (const v of variants) {
      const t0 = process.hrtime.bigint();
      const r = spawnSync(process.execPath, ['--require', cpuReport, ...v.args], { encoding: 'utf8', cwd: repoRoot, maxBuffer: 1 << 28 });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (r.status !== 0 && r.status !== 1) throw new Error(`${v.name}: exit ${r.status}: ${r.stderr}`);
      if (i === 0) continue; // the first round warms the disk cache and the code cache
      push(v.name, ms);
      push(`${v.name} cpu`, Number(/cpu-ms ([\d.]+)/.exec(r.stderr)?.[1] ?? NaN));
    }
  }
  return times;
}

function summarize(name: string, samples: number[], note?: string): BenchResult {
  const s = [...samples].sort((a, b) => a - b);
  return { name, unit: 'ms', median: s[Math.floor(s.length / 2)]!, p95: s[Math.ceil(s.length * 0.95) - 1]!, runs: s.length, note };
}

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

  // Whole process. The 35 tests are tools/memory-model/litmus-tests (the suite's top level).
  const kernel35 = readdirSync(lkmmSuiteDir).filter((f) => f.endsWith('.litmus')).sort().map((f) => join(lkmmSuiteDir, f));
  const bin = join(repoRoot, 'bin', 'hvbarrier.js');
  const tscCli = join(repoRoot, 'dist', 'engine', 'cli.js');
  const variants: Variant[] = [
    { name: 'bin', args: [bin, 'litmus', '--model', 'lkmm', ...kernel35] },
    { name: 'tsc', args: [tscCli, 'litmus', '--model', 'lkmm', ...kernel35] },
    { name: 'node', args: ['-e', ''] },
  ];
  const whole = alternate(variants, 15);
  const binRes = summarize(`litmus: \`hvbarrier litmus --model lkmm\` over the ${kernel35.length} kernel tests, one process (wall, incl. start-up)`, whole.get('bin')!);
  results.push({ ...binRes, note: `${(binRes.median / HERD7_ONE_PROCESS_MS).toFixed(2)}× herd7's recorded ${HERD7_ONE_PROCESS_MS} ms (47 tests, one process)` });
  results.push(summarize('litmus: same, unbundled tsc output (dist/engine/cli.js), no code cache, default V8 tiers', whole.get('tsc')!));
  results.push(summarize('litmus: `node -e ""` alone, alternating with the two above (start-up floor on this machine)', whole.get('node')!));
  results.push(summarize('litmus: CPU time (user+sys) of the `hvbarrier litmus` process over the 35', whole.get('bin cpu')!));
  results.push(summarize('litmus: CPU time of the unbundled tsc-output process', whole.get('tsc cpu')!));
  results.push(summarize('litmus: CPU time of `node -e ""`', whole.get('node cpu')!));

  if (devSuiteAvailable()) {
    const dev = readFileSync(join(devSuiteDir, 'EXPECTED.tsv'), 'utf8').split('\n').slice(1).filter(Boolean).map((l) => join(devSuiteDir, l.split('\t')[0]!));
    const devRuns = alternate([{ name: 'dev', args: [bin, 'litmus', '--model', 'lkmm', ...dev] }], 3);
    results.push(summarize(`litmus: \`hvbarrier litmus --model lkmm\` over the ${dev.length}-test dev set, one process (wall)`, devRuns.get('dev')!, 'herd7 times for the dev set are not recorded (its outputs have no Time line)'));
  }
  return results;
}
