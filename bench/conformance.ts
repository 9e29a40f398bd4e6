// Conformance report against herd7's recorded output.
//   (default)  the kernel's 47 tests: `--summary` one line per test and a total (`npm start`),
//              `--table` the markdown table kept in docs/simulator.md.
//   --dev      the 204-test development set (paulmckrcu/litmus): every disagreement with its
//              reason, the refusals grouped by construct, and agreement per source folder.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { devSuiteAvailable, devSuiteDir, lkmmSuiteAvailable, lkmmSuiteDir, readSuiteIndex } from '../test/support/paths';
import { compareWithHerd, type Comparison } from './compare-herd';

export function conformanceRows(): Comparison[] {
  const entries = readSuiteIndex(readFileSync(join(lkmmSuiteDir, 'EXPECTED.tsv'), 'utf8'));
  return entries.map((e) => compareWithHerd(lkmmSuiteDir, e.file, join('herd7-expected', `${e.file}.expected`)));
}

export function devRows(): Comparison[] {
  const entries = readSuiteIndex(readFileSync(join(devSuiteDir, 'EXPECTED.tsv'), 'utf8'));
  return entries.map((e) => compareWithHerd(devSuiteDir, e.file, join('herd7-expected', `${e.file}.out`)));
}

/** A refusal's construct with names, numbers and positions taken out, so alike refusals group. */
function refusalGroup(r: Comparison): string {
  if (r.differences[0] !== 'parse' && r.differences[0] !== 'unsupported' && r.differences[0] !== 'inconclusive') return `wrong: ${r.differences.join(', ')}`;
  return r.ours.replace(/ at \d+:\d+/g, '').replace(/'[^']*'/g, "'…'").replace(/\b\d+\b/g, 'N');
}

/** The source folder of a dev test: auto, luc, manual (paulmckrcu-litmus/<folder>/...). */
function sourceOf(file: string): string {
  return file.split('/')[1] ?? file;
}

function devReport(): void {
  const rows = devRows();
  const bad = rows.filter((r) => r.differences.length > 0);
  for (const r of bad) process.stdout.write(`DIFF ${r.file}: herd ${r.herd} ${r.herdCounts}; ours ${r.ours} ${r.counts} [${r.differences.join('; ')}]\n`);
  const groups = new Map<string, number>();
  for (const r of bad) groups.set(refusalGroup(r), (groups.get(refusalGroup(r)) ?? 0) + 1);
  process.stdout.write('\nBy reason:\n');
  for (const [g, n] of [...groups].sort((a, b) => b[1] - a[1])) process.stdout.write(`${String(n).padStart(4)}  ${g}\n`);
  const bySource = new Map<string, { n: number; ok: number }>();
  for (const r of rows) {
    const s = bySource.get(sourceOf(r.file)) ?? { n: 0, ok: 0 };
    s.n++;
    if (r.differences.length === 0) s.ok++;
    bySource.set(sourceOf(r.file), s);
  }
  process.stdout.write('\n| source | tests | agree with herd7 (verdict, states, witnesses, flags) |\n|---|---:|---:|\n');
  for (const [s, v] of [...bySource].sort()) process.stdout.write(`| ${s} | ${v.n} | ${v.ok} |\n`);
  process.stdout.write(`| all | ${rows.length} | ${rows.length - bad.length} |\n`);
  const slow = [...rows].sort((a, b) => b.ms - a.ms).slice(0, 5);
  process.stdout.write(`\nSlowest: ${slow.map((r) => `${r.file.split('/').pop()} ${r.ms.toFixed(0)} ms`).join(', ')}\n`);
  if (bad.length > 0) process.exitCode = 1;
}

function kernelReport(): void {
  const rows = conformanceRows();
  const expected = new Map(readSuiteIndex(readFileSync(join(lkmmSuiteDir, 'EXPECTED.tsv'), 'utf8')).map((e) => [e.file, e.expected]));
  const verdicts = rows.filter((r) => r.ours === expected.get(r.file)).length;
  const exact = rows.filter((r) => r.ours === expected.get(r.file) && r.differences.length === 0).length;
  if (process.argv.includes('--table')) {
    const lines = ['| test | expected | hvbarrier | witnesses (ours / herd7) | states = herd7 |', '|---|---|---|---|---|'];
    for (const r of rows) {
      const states = !r.differences.some((d) => d.startsWith('states')) && r.counts !== '';
      lines.push(`| ${r.file.replace('Documentation-litmus-tests/', 'Doc/')} | ${expected.get(r.file)} | ${r.ours} | ${r.counts} / ${r.herdCounts} | ${states ? 'yes' : 'NO'} |`);
    }
    lines.push('', `Verdicts: ${verdicts}/${rows.length}; verdict, states and witness counts all equal to herd7: ${exact}/${rows.length}.`);
    process.stdout.write(lines.join('\n') + '\n');
  } else {
    for (const r of rows) process.stdout.write(`${r.ours === expected.get(r.file) ? 'ok  ' : 'FAIL'} ${r.file} ${r.ours} (${r.counts})\n`);
    process.stdout.write(`\nLKMM conformance with the kernel suite: verdicts ${verdicts}/${rows.length}, exact herd7 output ${exact}/${rows.length}\n`);
  }
  if (exact !== rows.length) process.exitCode = 1;
}

function main(): void {
  const dev = process.argv.includes('--dev');
  if (!(dev ? devSuiteAvailable() : lkmmSuiteAvailable())) {
    process.stdout.write(`conformance: the litmus suite is not at ${dev ? devSuiteDir : lkmmSuiteDir}; skipped\n`);
    return;
  }
  if (dev) devReport(); else kernelReport();
}

if (require.main === module) main();
