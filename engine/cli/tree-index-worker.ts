// Worker thread for the workspace index: summarizes the files it is given and posts them back.
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { initCParser } from '../c/init';
import { DEFAULT_KB, loadConfig } from '../kb/index';
import { summarizeFile, type FileSummary } from '../pair/summary';
import type { IndexSetup } from './tree-index';

void (async () => {
  const { paths, setup } = workerData as { paths: string[]; setup: IndexSetup };
  const parser = await initCParser();
  const kb = setup.kbConfigText !== undefined ? loadConfig(setup.kbConfigText).kb : DEFAULT_KB;
  const out: FileSummary[] = [];
  for (const path of paths) {
    let text = '';
    try { text = readFileSync(path, 'utf8'); } catch { /* unreadable files index as empty */ }
    out.push(summarizeFile(parser, { path, text, kb, concurrency: setup.concurrency, os: setup.os }));
  }
  parentPort!.postMessage(out);
})();
