// `npm run bench`: runs every area's benchmarks and prints one markdown table to paste in README.
// Each area module exports `run(): Promise<BenchResult[]>`; add a line here for a new area.
import { formatResults, type BenchResult } from './harness';

const areas: Array<[string, () => Promise<{ run(): Promise<BenchResult[]> }>]> = [
  ['litmus', () => import('./litmus')],
  ['checks', () => import('./checks')],
  ['patch', () => import('./patch')],
  ['lsp', () => import('./lsp')],
  ['extract', () => import('./extract')],
  ['corpus', () => import('./corpus')],
  // Not in the default run: needs the fetched trees and takes minutes (`npm run bench tree`).
  ['tree', () => import('./tree')],
];

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const results: BenchResult[] = [];
  for (const [name, load] of areas) {
    if (only.length > 0 ? !only.includes(name) : name === 'tree') continue;
    process.stderr.write(`bench: ${name}...\n`);
    results.push(...(await (await load()).run()));
  }
  process.stdout.write(formatResults(results) + '\n');
}

void main();
