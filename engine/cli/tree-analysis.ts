// The analysis workers of whole-tree mode (tree-check-worker.ts): started with the index, so
// that they have loaded their code and the C parser when the tree's facts are known; then each
// is handed the job, builds its model of the tree, the first also triages the documents with
// its model (tree-triage.ts); then they are handed the documents to analyse, one at a time.
import { join } from 'node:path';
import { serialize } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { TreeFacts } from '../concurrency/index';
import type { Arch } from '../checks/types';
import type { Os } from '../kb/index';
import type { FileSummary } from '../pair/summary';
import type { ModelStats } from '../concurrency/model';
import type { TreeReport } from './tree-check';
import type { Triage } from './tree-triage';
import { TreeSchedule } from './tree-schedule';

export interface TreeWorkerJob {
  readonly summaries: readonly FileSummary[];
  readonly facts: TreeFacts;
  readonly kbConfigText: string;
  readonly arch: Arch;
  readonly os?: Os;
  /** Files the tree's Kbuild builds for fewer architectures than all (cli/kbuild-files.ts). */
  readonly builtFor: Readonly<Record<string, readonly string[]>>;
  /** The tree's source files, for the triage. */
  readonly documents: readonly string[];
}

/** What a worker is started with, before the job is known. */
export interface TreeWorkerStart {
  /** This worker triages the documents (the first one). */
  readonly triages: boolean;
}

/**
 * Old-generation bound of each analysis worker (see startAnalysis). A worker's live heap peaks
 * near 350 MB on Xen's xen/; V8 lets the heap grow toward the bound before it compacts, so the
 * bound sets the peak memory: with 640 MB the whole run peaked at 1.46-1.50 GB, with 512 MB
 * at 1.37 GB and no slower; with 448 MB it collected so often that analysis took a third longer.
 */
const WORKER_HEAP_MB = 512;

/**
 * Young generation of each analysis worker. Extraction makes short-lived objects by the
 * gigabyte; with V8's default (16 MB semi-spaces) many survive two scavenges and are promoted,
 * and the old generation is then swept again and again: on Xen's xen/ garbage collection took
 * 22% of each worker's time, 18% with 96 MB. 64 MB cost about 100 MB of peak RSS in all.
 */
const WORKER_YOUNG_MB = 64;

/**
 * What a worker and the main thread say to each other: a document to analyse, or none left;
 * ready (the model built), with the triage and the model's size from the first worker.
 */
export type TreeWorkerRequest = { readonly file: string } | { readonly done: true };
/**
 * The first message to a worker: the job, serialized once (v8.serialize) into memory both
 * workers read. Passed as an object, it was cloned once per worker on the main thread (17 MB
 * on Xen's xen/, 0.65 s each) while the workers waited.
 */
export interface TreeWorkerJobMessage {
  readonly job: SharedArrayBuffer;
}
export type TriageReply = Triage & { readonly model: ModelStats };
export type TreeWorkerReply = { readonly ready: true; readonly triage?: TriageReply } | { readonly report: TreeReport };

export interface AnalysisPool {
  /** Hands every worker the job (once the index and the tree's facts are known). */
  begin(job: TreeWorkerJob): void;
  /** Stops the workers (when the index fails, the job never comes). */
  stop(): void;
  /** The first worker's triage of the documents, and its model's size. */
  readonly triage: Promise<TriageReply>;
  /** Analyses the documents (each once) and resolves with their reports, in no set order. */
  analyse(documents: readonly string[]): Promise<TreeReport[]>;
}

/**
 * Starts `workers` analysis workers (at least one). Each asks for its next document when it has
 * finished one (see tree-schedule.ts: path order, from a stretch of its own, so neighbouring
 * files reuse each other's peers); a worker ready before the documents are named waits for
 * them. Each document's result depends on nothing but the tree, so who took what never changes
 * the report.
 */
export function startAnalysis(workers: number): AnalysisPool {
  const n = Math.max(1, workers);
  let size = new Map<string, number>();
  let schedule: TreeSchedule | undefined;
  const waiting: Array<() => void> = [];
  const reports: TreeReport[] = [];
  const threads: Worker[] = [];
  let triaged: (t: TriageReply) => void = () => undefined;
  const triage = new Promise<TriageReply>((resolve) => { triaged = resolve; });
  const started = Array.from({ length: n }, (_, i) => new Promise<void>((resolve, reject) => {
    // V8 lets an idle-looking heap grow to gigabytes of garbage before collecting it; a bound per
    // worker makes it collect sooner (what a document keeps alive is far below it).
    const w = new Worker(join(__dirname, 'tree-check-worker.js'), { workerData: { triages: i === 0 } satisfies TreeWorkerStart, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: WORKER_YOUNG_MB } });
    threads.push(w);
    const send = (): void => {
      if (!schedule) { waiting.push(send); return; }
      const file = schedule.next(i);
      w.postMessage((file === undefined ? { done: true } : { file }) satisfies TreeWorkerRequest);
    };
    w.on('message', (m: TreeWorkerReply) => {
      if ('report' in m) reports.push(m.report);
      else if (m.triage) triaged(m.triage);
      send();
    });
    w.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`analysis worker stopped with exit code ${code}`))));
    w.once('error', reject);
  }));
  const finished = Promise.all(started).then(() => reports);
  // A worker that fails before the documents are named is reported by the triage or by
  // analyse(), not as an unhandled rejection.
  finished.catch(() => undefined);
  const stop = (): void => { for (const w of threads) void w.terminate(); };
  return {
    begin: (job) => {
      size = new Map(job.summaries.map((s) => [s.path, s.lines]));
      const bytes = serialize(job);
      const shared = new SharedArrayBuffer(bytes.length);
      new Uint8Array(shared).set(bytes);
      for (const w of threads) w.postMessage({ job: shared } satisfies TreeWorkerJobMessage);
    },
    stop,
    // A worker that stops before triaging rejects it (else the caller would wait for ever), and
    // the others are stopped: none would be told to end.
    triage: Promise.race([triage, finished.then(() => { throw new Error('analysis workers stopped before the triage'); })]).catch((err: unknown) => {
      stop();
      throw err;
    }),
    analyse: (documents) => {
      schedule = new TreeSchedule([...documents].sort(), n, (d) => size.get(d) ?? 0);
      for (const go of waiting.splice(0)) go();
      return finished;
    },
  };
}
