// Hypervisor events: the extended litmus fixtures judged for lost wake-ups under the four
// models (one compilation and simulation per model), and the lost-wakeup check on the C
// fixtures (extraction, pairing, judgement, fix verification) in one process, warm.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { initCParser } from '../engine/c/init';
import { extractC } from '../engine/extract/index';
import { judgeFunctions, verifiedFixes } from '../engine/hv/c-judge';
import { judgeLostWakeup } from '../engine/hv/lost-wakeup';
import { parseLitmus } from '../engine/litmus/parser';
import { repoRoot } from '../test/support/paths';
import { measure, type BenchResult } from './harness';

export async function run(): Promise<BenchResult[]> {
  const dir = join(repoRoot, 'fixtures', 'hv');
  const litmus = readdirSync(dir).filter((f) => f.endsWith('.litmus')).map((f) => readFileSync(join(dir, f), 'utf8'));
  const cFiles = readdirSync(join(dir, 'c')).filter((f) => f.endsWith('.c')).map((f) => ({ path: join(dir, 'c', f), text: readFileSync(join(dir, 'c', f), 'utf8') }));
  const parser = await initCParser();
  return [
    await measure(`hv: ${litmus.length} extended litmus tests, lost wake-up under 4 models`, () => litmus.forEach((t) => judgeLostWakeup(parseLitmus(t).value!)), { runs: 15 }),
    await measure(`hv: ${cFiles.length} C fixtures, extract + pair + judge + verify fixes`, () => cFiles.forEach((f) => {
      for (const p of judgeFunctions({ targets: extractC(parser, { text: f.text, path: f.path }).value }).pairs) if (p.models.some((m) => m.verdict === 'lost')) verifiedFixes(p);
    }), { runs: 10 }),
  ];
}
