// The engine behind a cancellable call. Work runs in a worker thread; cancelling a queued job
// drops it, and cancelling a job that has run for a while restarts the worker, which is the
// only way to stop synchronous simulation code mid-flight.
import * as path from 'node:path';
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { runRequest } from './run-request';
import { AnalysisCache } from '../../engine/analysis-cache';
import type { AnalyzeInput } from '../../engine/analyze';
import type { Analysis } from '../../engine/checks/types';
import type { FileSummary } from '../../engine/pair/summary';
import type { WorkerMessage, WorkerReply } from './analysis-worker';

/** What one analysis needs: the document, and the unsaved text of open files by path. */
export interface AnalysisRequest {
  readonly input: AnalyzeInput;
  readonly openTexts?: Readonly<Record<string, string>>;
}

export class Cancelled extends Error {
  constructor() { super('analysis cancelled'); }
}

export interface AnalysisJob {
  readonly promise: Promise<Analysis>;
  cancel(): void;
}

export interface Analyzer {
  run(request: AnalysisRequest): AnalysisJob;
  /** The workspace index the engine pairs against, for every later analysis. */
  setWorkspace(index: readonly FileSummary[]): void;
  dispose(): void;
}

interface Pending {
  readonly id: number;
  readonly request: AnalysisRequest;
  readonly resolve: (a: Analysis) => void;
  readonly reject: (e: unknown) => void;
  started?: number;
}

/** Restart the worker to cancel a job only after it has run this long; shorter jobs just finish. */
const RESTART_AFTER_MS = 250;

export class WorkerAnalyzer implements Analyzer {
  private worker: Worker | undefined;
  private readonly queue: Pending[] = [];
  private running: Pending | undefined;
  private nextId = 1;
  private workspace: readonly FileSummary[] = [];

  constructor(private readonly workerFile: string, private readonly log: (msg: string) => void) {}

  setWorkspace(index: readonly FileSummary[]): void {
    this.workspace = index;
    this.worker?.postMessage({ type: 'workspace', index } satisfies WorkerMessage);
  }

  run(request: AnalysisRequest): AnalysisJob {
    let job!: Pending;
    const promise = new Promise<Analysis>((resolve, reject) => { job = { id: this.nextId++, request, resolve, reject }; });
    this.queue.push(job);
    this.pump();
    return { promise, cancel: () => this.cancel(job) };
  }

  dispose(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private cancel(job: Pending): void {
    const i = this.queue.indexOf(job);
    if (i >= 0) {
      this.queue.splice(i, 1);
      job.reject(new Cancelled());
      return;
    }
    if (this.running === job && job.started !== undefined && Date.now() - job.started > RESTART_AFTER_MS) {
      this.log(`restarting the analysis worker to cancel a job running for ${Date.now() - job.started} ms`);
      this.running = undefined;
      this.dispose();
      job.reject(new Cancelled());
      this.pump();
    }
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.workerFile);
    w.on('message', (reply: WorkerReply) => this.onReply(reply));
    w.on('error', (err) => this.onCrash(w, err));
    w.on('exit', (code) => { if (this.worker === w) this.onCrash(w, new Error(`analysis worker exited with code ${code}`)); });
    this.worker = w;
    // A fresh worker (first start, or after a cancel or crash) needs the index again.
    if (this.workspace.length > 0) w.postMessage({ type: 'workspace', index: this.workspace } satisfies WorkerMessage);
    return w;
  }

  private onReply(reply: WorkerReply): void {
    const job = this.running;
    if (!job || job.id !== reply.id) return;
    this.running = undefined;
    if (reply.ok) job.resolve(reply.analysis as Analysis);
    else job.reject(new Error(reply.error));
    this.pump();
  }

  private onCrash(w: Worker, err: Error): void {
    if (this.worker !== w) return;
    this.worker = undefined;
    const job = this.running;
    this.running = undefined;
    job?.reject(err);
    this.pump();
  }

  private pump(): void {
    if (this.running || this.queue.length === 0) return;
    const job = this.queue.shift()!;
    job.started = Date.now();
    this.running = job;
    this.ensureWorker().postMessage({ type: 'analyze', id: job.id, request: job.request } satisfies WorkerMessage);
  }
}

/** In-process fallback (no worker file found): cancellation only drops the result. */
export class InlineAnalyzer implements Analyzer {
  private workspace: readonly FileSummary[] = [];
  private readonly cache = new AnalysisCache();

  setWorkspace(index: readonly FileSummary[]): void {
    this.workspace = index;
  }

  run(request: AnalysisRequest): AnalysisJob {
    let cancelled = false;
    const promise = runRequest(request, { index: this.workspace, cache: this.cache }).then((a) => { if (cancelled) throw new Cancelled(); return a; });
    return { promise, cancel: () => { cancelled = true; } };
  }
  dispose(): void {}
}

export function createAnalyzer(log: (msg: string) => void): Analyzer {
  const file = path.join(__dirname, 'analysis-worker.js');
  if (existsSync(file)) return new WorkerAnalyzer(file, log);
  log(`no analysis worker at ${file}; analysing on the main thread`);
  return new InlineAnalyzer();
}
