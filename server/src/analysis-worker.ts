// Runs the engine off the server's main thread, so a long simulation never delays hovers,
// code actions or the next keystroke. One request in, one analysis (or error) out.
import { parentPort } from 'node:worker_threads';
import { analyzeDocument, type AnalyzeInput } from '../../engine/analyze';

export interface WorkerRequest { readonly id: number; readonly input: AnalyzeInput }
export type WorkerReply =
  | { readonly id: number; readonly ok: true; readonly analysis: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string };

parentPort?.on('message', (req: WorkerRequest) => {
  analyzeDocument(req.input).then(
    (analysis) => parentPort!.postMessage({ id: req.id, ok: true, analysis } satisfies WorkerReply),
    (err: unknown) => parentPort!.postMessage({ id: req.id, ok: false, error: err instanceof Error ? err.stack ?? err.message : String(err) } satisfies WorkerReply),
  );
});
