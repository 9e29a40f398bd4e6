// Worker thread for the workspace index: summarizes the files it is given and posts them back.
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { initCParser } from '../c/init';
import { summarizeFile, type FileSummary } from '../pair/summary';

void (async () => {
  const parser = await initCParser();
  const out: FileSummary[] = [];
  for (const path of workerData as string[]) {
    let text = '';
    try { text = readFileSync(path, 'utf8'); } catch { /* unreadable files index as empty */ }
    out.push(summarizeFile(parser, { path, text }));
  }
  parentPort!.postMessage(out);
})();
