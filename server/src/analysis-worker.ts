// Runs the engine off the server's main thread, so a long simulation never delays hovers,
// code actions or the next keystroke. It keeps the workspace index the server last sent, and
// reads the peer files the engine asks for itself. One request in, one analysis out.
import { parentPort } from 'node:worker_threads';
import { AnalysisCache } from '../../engine/analysis-cache';
import type { FileSummary } from '../../engine/pair/summary';
import type { AnalysisRequest } from './analyzer';
import { runRequest } from './run-request';

/** The workspace index arrives once (and after each change), not with every request. */
export type WorkerMessage =
  | { readonly type: 'workspace'; readonly index: readonly FileSummary[] }
  | { readonly type: 'analyze'; readonly id: number; readonly request: AnalysisRequest };
export type WorkerReply =
  | { readonly id: number; readonly ok: true; readonly analysis: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string };

let index: readonly FileSummary[] = [];
/** Kept across requests: a re-check parses only changed text and simulates only new tests. */
const cache = new AnalysisCache();

parentPort?.on('message', (msg: WorkerMessage) => {
  if (msg.type === 'workspace') { index = msg.index; return; }
  const req = { id: msg.id };
  runRequest(msg.request, { index, cache }).then(
    (analysis) => parentPort!.postMessage({ id: req.id, ok: true, analysis } satisfies WorkerReply),
    (err: unknown) => parentPort!.postMessage({ id: req.id, ok: false, error: err instanceof Error ? err.stack ?? err.message : String(err) } satisfies WorkerReply),
  );
});
