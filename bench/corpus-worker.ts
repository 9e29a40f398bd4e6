// A worker thread of `npm run bench corpus`: runs the cases it is sent, one at a time, and
// posts each outcome back. Cases share nothing (each has its own analysis cache), so the
// corpus spreads over the cores the way a reviewer's CI would run it.
import { parentPort } from 'node:worker_threads';
import { initCParser } from '../engine/c/init';
import { readManifest, runCase } from './corpus';

void (async () => {
  const parser = await initCParser();
  const cases = new Map(readManifest().map((c) => [c.id, c]));
  parentPort!.on('message', (id: string) => {
    void runCase(cases.get(id)!, parser).then((outcome) => parentPort!.postMessage(outcome));
  });
  parentPort!.postMessage('ready');
})();
