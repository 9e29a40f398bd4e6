// Paths the tests and benches share. The kernel's litmus suite lives in ../shared beside the
// clone (CI clones there too); HVBARRIER_SHARED overrides it.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root (this file is compiled to dist/test/support/). */
export const repoRoot = resolve(__dirname, '..', '..', '..');

export const sharedDir = process.env.HVBARRIER_SHARED ?? resolve(repoRoot, '..', 'shared');

export const lkmmSuiteDir = join(sharedDir, 'litmus', 'lkmm');

export function lkmmSuiteAvailable(): boolean {
  return existsSync(join(lkmmSuiteDir, 'EXPECTED.tsv'));
}

/** The LKMM development set (204 tests from paulmckrcu/litmus, herd7 outputs as `<file>.out`). */
export const devSuiteDir = join(sharedDir, 'litmus', 'dev');

export function devSuiteAvailable(): boolean {
  return existsSync(join(devSuiteDir, 'EXPECTED.tsv'));
}

export interface SuiteEntry {
  /** Path relative to the suite directory, e.g. `Documentation-litmus-tests/rcu/RCU+sync+read.litmus`. */
  readonly file: string;
  /** Never | Sometimes | DEADLOCK, from the test's Result: line. */
  readonly expected: string;
}

export function readSuiteIndex(text: string): SuiteEntry[] {
  return text.split('\n').slice(1).filter((l) => l.trim()).map((l) => {
    const [file, expected] = l.split('\t');
    return { file: file!, expected: expected! };
  });
}
