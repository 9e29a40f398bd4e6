// `npm run bench`: runs every area's benchmarks and prints one markdown table to paste in README.
// Each area module exports `run(): Promise<BenchResult[]>`; add a line here for a new area.
import { formatResults, type BenchResult } from './harness';

const areas: Array<[string, () => Promise<{ run(): Promise<BenchResult[]> }>]> = [
  ['litmus', () => import('./litmus')],
  ['checks', () => import('./checks')],
  ['patch', () => import('./patch')],
  ['lsp', () => import('./lsp')],
  ['extract', () => import('./extract')],
  ['hv', () => import('./hv')],
  // Not in the default run: minutes each (`npm run bench corpus`, `npm run bench tree`,
  // `npm run bench recall`; tree and recall need the trees scripts/fetch-trees.sh fetches).
  ['corpus', () => import('./corpus')],
  ['tree', () => import('./tree')],
  ['recall', () => import('./recall')],
];

const ON_REQUEST = new Set(['corpus', 'tree', 'recall']);

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const results: BenchResult[] = [];
  for (const [name, load] of areas) {
    if (only.length > 0 ? !only.includes(name) : ON_REQUEST.has(name)) continue;
    process.stderr.write(`bench: ${name}...\n`);
    results.push(...(await (await load()).run()));
  }
  process.stdout.write(formatResults(results) + '\n');
}

void main();
