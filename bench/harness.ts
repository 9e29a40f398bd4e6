// Shared timing helpers for `npm run bench`. Speed is quoted as medians (and p95) over many
// runs, never asserted in unit tests: the machines are noisy.

export interface BenchResult {
  readonly name: string;
  readonly unit: 'ms';
  readonly median: number;
  readonly p95: number;
  readonly runs: number;
  /** Free-form extra facts worth quoting (sizes, rates). */
  readonly note?: string;
}

function percentile(sorted: readonly number[], p: number): number {
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

/** Runs `fn` `warmup` times untimed, then `runs` times timed (each after an untimed `before`); returns median and p95 in ms. */
export async function measure(
  name: string,
  fn: () => unknown | Promise<unknown>,
  opts: { runs?: number; warmup?: number; note?: string; before?: () => unknown | Promise<unknown> } = {},
): Promise<BenchResult> {
  const runs = opts.runs ?? 20;
  for (let i = 0; i < (opts.warmup ?? 3); i++) { await opts.before?.(); await fn(); }
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    // Untimed preparation of each run (e.g. a pause, as between a user's edits).
    await opts.before?.();
    const t0 = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { name, unit: 'ms', median: percentile(times, 50), p95: percentile(times, 95), runs, note: opts.note };
}

export function formatResults(results: readonly BenchResult[]): string {
  const rows = results.map((r) =>
    `| ${r.name} | ${r.median.toFixed(2)} | ${r.p95.toFixed(2)} | ${r.runs} | ${r.note ?? ''} |`);
  return ['| benchmark | median ms | p95 ms | runs | note |', '|---|---:|---:|---:|---|', ...rows].join('\n');
}
