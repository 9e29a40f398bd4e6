// Worker thread for the workspace index: summarizes the files the main thread hands it, one at a
// time, and posts each summary back (see tree-index.ts).
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { initCParser } from '../c/init';
import { DEFAULT_KB, loadConfig } from '../kb/index';
import { summarizeFile } from '../pair/summary';
import type { IndexRequest, IndexReply, IndexSetup } from './tree-index';

void (async () => {
  const { setup } = workerData as { setup: IndexSetup };
  const parser = await initCParser();
  const kb = setup.kbConfigText !== undefined ? loadConfig(setup.kbConfigText).kb : DEFAULT_KB;
  const port = parentPort!;
  port.on('message', (m: IndexRequest) => {
    if ('done' in m) { port.close(); return; }
    let text = '';
    try { text = readFileSync(m.path, 'utf8'); } catch { /* unreadable files index as empty */ }
    port.postMessage({ summary: summarizeFile(parser, { path: m.path, text, kb, concurrency: setup.concurrency, os: setup.os }) } satisfies IndexReply);
  });
  port.postMessage({ ready: true } satisfies IndexReply);
})();
