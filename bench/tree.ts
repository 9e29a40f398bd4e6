// `npm run bench tree`: whole-tree mode on real hypervisor trees (fetched by
// scripts/fetch-trees.sh into a cache outside git). Per tree: wall time and peak RSS of the
// CLI process (cold: no index cache), warnings per 1,000 lines, counts per code, what the
// concurrency model ruled out, and the same run twice to show the JSON is byte-identical.
// HVBARRIER_BENCH_TREES=xen-common,kvm picks trees (default xen,kvm); HVBARRIER_TREES moves
// the cache folder; HVBARRIER_BENCH_KEEP=DIR keeps the JSON reports.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { BenchResult } from './harness';

/** Where scripts/fetch-trees.sh puts the trees (HVBARRIER_TREES moves it). */
export const treesRoot = process.env.HVBARRIER_TREES ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'hvbarrier', 'trees');

const TREES: Record<string, { dirs: string[]; os: 'xen' | 'linux' }> = {
  xen: { dirs: ['xen/xen'], os: 'xen' },
  'xen-common': { dirs: ['xen/xen/common'], os: 'xen' },
  kvm: { dirs: ['linux/virt/kvm', 'linux/arch/x86/kvm', 'linux/arch/arm64/kvm'], os: 'linux' },
};

interface RunOutcome {
  readonly wallMs: number;
  /** CPU time (user + system) of the CLI process, all threads; undefined where /proc is missing. */
  readonly cpuMs?: number;
  readonly maxRssMb: number;
  readonly hash: string;
  readonly summary: { files: number; lines: number; warnings: number; perKloc: number; codes: Record<string, number>; notJudged: number; excluded: Record<string, number>; quiet?: number };
}

/** CPU time of this process's waited-for children (Linux /proc/self/stat cutime + cstime), in ms. */
function childrenCpuMs(): number | undefined {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /, '').split(' ');
    // After the command name: field 3 is the state, so cutime (16) and cstime (17) are at 13 and 14.
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

function runOnce(name: string): RunOutcome | string {
  const tree = TREES[name]!;
  const dirs = tree.dirs.map((d) => join(treesRoot, d));
  if (!dirs.every(existsSync)) return `${name}: not fetched (run scripts/fetch-trees.sh)`;
  const cli = join(__dirname, '..', 'engine', 'cli.js');
  const args = [cli, 'check', '--format', 'json', '--stats', '--no-cache', '--os', tree.os, ...dirs.flatMap((d) => ['--tree', d])];
  const cpu0 = childrenCpuMs();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu1 = childrenCpuMs();
  const cpuMs = cpu0 !== undefined && cpu1 !== undefined ? cpu1 - cpu0 : undefined;
  // HVBARRIER_BENCH_KEEP=DIR keeps each run's report (DIR/<tree>.json), for sampling findings.
  if (process.env.HVBARRIER_BENCH_KEEP) writeFileSync(join(process.env.HVBARRIER_BENCH_KEEP, `${name}.json`), r.stdout);
  if (r.status !== 0 && r.status !== 1) return `${name}: exit ${r.status}: ${r.stderr.slice(0, 500)}`;
  // The counts come from the --stats line (the JSON report has the findings, not the tree's summary).
  const stats = JSON.parse(/^tree: (.*)$/m.exec(r.stderr)?.[1] ?? '{}') as RunOutcome['summary'] & { maxRssKb?: number };
  return { wallMs, cpuMs, maxRssMb: Math.round((stats.maxRssKb ?? 0) / 1024), hash: createHash('sha256').update(r.stdout).digest('hex').slice(0, 16), summary: stats };
}

export async function run(): Promise<BenchResult[]> {
  const names = (process.env.HVBARRIER_BENCH_TREES ?? 'xen,kvm').split(',').filter((n) => n in TREES);
  const out: BenchResult[] = [];
  for (const name of names) {
    process.stderr.write(`bench tree: ${name} (twice)...\n`);
    const a = runOnce(name);
    if (typeof a === 'string') { process.stderr.write(`${a}\n`); continue; }
    const b = runOnce(name);
    if (typeof b === 'string') { process.stderr.write(`${b}\n`); continue; }
    const s = a.summary;
    const codes = Object.entries(s.codes).map(([c, n]) => `${c} ${n}`).join(', ');
    const ruled = Object.entries(s.excluded).map(([c, n]) => `${c} ${n}`).join(', ');
    process.stderr.write(`  ${name}: ${s.files} files, ${s.lines} lines; ${s.warnings} warnings (${s.perKloc}/kloc); ${codes}; not judged ${s.notJudged}; ruled out: ${ruled}\n`);
    const cpu = (o: RunOutcome): string => (o.cpuMs === undefined ? '?' : (o.cpuMs / 1000).toFixed(1));
    process.stderr.write(`  runs: ${(a.wallMs / 1000).toFixed(1)} s / ${(b.wallMs / 1000).toFixed(1)} s wall, ${cpu(a)} s / ${cpu(b)} s CPU, peak RSS ${a.maxRssMb} / ${b.maxRssMb} MB, JSON ${a.hash} / ${b.hash} (${a.hash === b.hash ? 'identical' : 'DIFFERENT'})\n`);
    const times = [a.wallMs, b.wallMs].sort((x, y) => x - y);
    out.push({
      name: `whole tree ${name} (${s.lines} lines), cold, wall`, unit: 'ms', median: (times[0]! + times[1]!) / 2, p95: times[1]!, runs: 2,
      note: `CPU ${cpu(a)}/${cpu(b)} s; RSS ${a.maxRssMb}/${b.maxRssMb} MB; ${s.warnings} warnings (${s.perKloc}/kloc): ${codes}; JSON identical: ${a.hash === b.hash ? 'yes' : 'NO'}`,
    });
  }
  return out;
}
