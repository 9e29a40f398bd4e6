// Conformance report against the kernel's litmus suite: `--summary` prints one line per test
// and a total (used by `npm start`); `--table` prints the markdown table kept in README.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { judge, parseHerdOutput } from '../engine/litmus/herd-output';
import { parseLitmus } from '../engine/litmus/parser';
import { formatHerd } from '../engine/litmus/print';
import { simulate } from '../engine/sim/simulate';
import { lkmmSuiteAvailable, lkmmSuiteDir, readSuiteIndex } from '../test/support/paths';

interface Row {
  readonly file: string;
  readonly expected: string;
  readonly ours: string;
  readonly counts: string;
  readonly herdCounts: string;
  readonly statesMatch: boolean;
  readonly ms: number;
}

export function conformanceRows(): Row[] {
  const entries = readSuiteIndex(readFileSync(join(lkmmSuiteDir, 'EXPECTED.tsv'), 'utf8'));
  return entries.map((e) => {
    const t0 = process.hrtime.bigint();
    const parsed = parseLitmus(readFileSync(join(lkmmSuiteDir, e.file), 'utf8'));
    if (!parsed.value) return { file: e.file, expected: e.expected, ours: `error: ${parsed.problems[0]?.message}`, counts: '', herdCounts: '', statesMatch: false, ms: 0 };
    const sim = simulate(parsed.value, { models: ['lkmm'], witness: false });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const ours = parseHerdOutput(formatHerd(sim, sim.results[0]!));
    const herd = parseHerdOutput(readFileSync(join(lkmmSuiteDir, 'herd7-expected', `${e.file}.expected`), 'utf8'));
    return {
      file: e.file, expected: e.expected, ours: ours ? judge(ours) : sim.results[0]!.status, ms,
      counts: ours ? `${ours.positive}/${ours.negative}` : '', herdCounts: herd ? `${herd.positive}/${herd.negative}` : '',
      statesMatch: !!ours && !!herd && JSON.stringify(ours.states) === JSON.stringify(herd.states),
    };
  });
}

function main(): void {
  if (!lkmmSuiteAvailable()) {
    process.stdout.write(`conformance: the kernel litmus suite is not at ${lkmmSuiteDir}; skipped\n`);
    return;
  }
  const rows = conformanceRows();
  const verdicts = rows.filter((r) => r.ours === r.expected).length;
  const exact = rows.filter((r) => r.ours === r.expected && r.counts === r.herdCounts && r.statesMatch).length;
  if (process.argv.includes('--table')) {
    const lines = ['| test | expected | hvbarrier | witnesses (ours / herd7) | states = herd7 |', '|---|---|---|---|---|'];
    for (const r of rows) lines.push(`| ${r.file.replace('Documentation-litmus-tests/', 'Doc/')} | ${r.expected} | ${r.ours} | ${r.counts} / ${r.herdCounts} | ${r.statesMatch ? 'yes' : 'NO'} |`);
    lines.push('', `Verdicts: ${verdicts}/${rows.length}; verdict, states and witness counts all equal to herd7: ${exact}/${rows.length}.`);
    process.stdout.write(lines.join('\n') + '\n');
  } else {
    for (const r of rows) process.stdout.write(`${r.ours === r.expected ? 'ok  ' : 'FAIL'} ${r.file} ${r.ours} (${r.counts})\n`);
    process.stdout.write(`\nLKMM conformance with the kernel suite: verdicts ${verdicts}/${rows.length}, exact herd7 output ${exact}/${rows.length}\n`);
  }
  if (exact !== rows.length) process.exitCode = 1;
}

if (require.main === module) main();
