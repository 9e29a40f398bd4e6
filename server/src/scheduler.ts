// Debounced, cancellable re-analysis per document. The first edit after a quiet period (no
// request for the debounce time) is analysed at once, so a single keystroke does not wait out
// the debounce; later edits of a burst restart the document's timer, so a burst ends in one
// analysis of its last version. Each request cancels the running job; a result is published
// only if it belongs to the newest version requested, so a slow old analysis can never
// overwrite a newer one.
import type { Analysis } from '../../engine/checks/types';
import { Cancelled, type Analyzer, type AnalysisJob, type AnalysisRequest } from './analyzer';

export interface Snapshot {
  readonly uri: string;
  readonly version: number;
  /** Built only when the analysis starts (after the debounce), from the state at that time. */
  readonly input: () => Promise<AnalysisRequest>;
}

export interface Result {
  readonly uri: string;
  readonly version: number;
  readonly analysis: Analysis;
}

interface DocState {
  wanted: number;
  timer?: NodeJS.Timeout;
  /** When the last request arrived (ms), to tell a burst from a single edit. */
  lastRequest?: number;
  job?: AnalysisJob;
  last?: Result;
  waiters: Array<() => void>;
}

export class Scheduler {
  private readonly docs = new Map<string, DocState>();

  constructor(private readonly opts: {
    analyzer: Analyzer;
    debounceMs: () => number;
    publish: (r: Result) => void;
    onError: (uri: string, err: unknown) => void;
  }) {}

  /** Asks for an analysis of this version; earlier pending versions are dropped. */
  request(snap: Snapshot, opts: { immediate?: boolean } = {}): void {
    const st = this.state(snap.uri);
    st.wanted = snap.version;
    const now = Date.now();
    const debounce = this.opts.debounceMs();
    const quiet = st.lastRequest === undefined || now - st.lastRequest >= debounce;
    st.lastRequest = now;
    if (st.timer) clearTimeout(st.timer);
    st.job?.cancel();
    st.job = undefined;
    const delay = opts.immediate || quiet ? 0 : debounce;
    st.timer = setTimeout(() => void this.start(snap), delay);
  }

  /** The newest published result, if it is for this version (or any version when omitted). */
  latest(uri: string, version?: number): Result | undefined {
    const last = this.docs.get(uri)?.last;
    return last && (version === undefined || last.version === version) ? last : undefined;
  }

  /** Resolves when the wanted version of the document has been analysed (or was dropped). */
  settled(uri: string): Promise<void> {
    const st = this.docs.get(uri);
    if (!st || (!st.timer && !st.job)) return Promise.resolve();
    return new Promise((resolve) => st.waiters.push(resolve));
  }

  forget(uri: string): void {
    const st = this.docs.get(uri);
    if (!st) return;
    if (st.timer) clearTimeout(st.timer);
    st.job?.cancel();
    this.docs.delete(uri);
    for (const w of st.waiters.splice(0)) w();
  }

  has(uri: string): boolean {
    return this.docs.has(uri);
  }

  uris(): string[] {
    return [...this.docs.keys()];
  }

  private state(uri: string): DocState {
    let st = this.docs.get(uri);
    if (!st) this.docs.set(uri, (st = { wanted: -Infinity, waiters: [] }));
    return st;
  }

  private async start(snap: Snapshot): Promise<void> {
    const st = this.docs.get(snap.uri);
    if (!st || st.wanted !== snap.version) return;
    let input: AnalysisRequest;
    try {
      input = await snap.input();
    } catch (err) {
      st.timer = undefined;
      this.opts.onError(snap.uri, err);
      for (const w of st.waiters.splice(0)) w();
      return;
    }
    // A newer edit (or a close) may have arrived while the input was being gathered.
    if (this.docs.get(snap.uri) !== st || st.wanted !== snap.version) return;
    st.timer = undefined;
    const job = this.opts.analyzer.run(input);
    st.job = job;
    job.promise.then(
      (analysis) => {
        // Only the newest wanted version may be published, and never after the doc closed.
        if (this.docs.get(snap.uri) !== st || st.wanted !== snap.version) return;
        const result = { uri: snap.uri, version: snap.version, analysis };
        st.last = result;
        this.opts.publish(result);
      },
      (err: unknown) => { if (!(err instanceof Cancelled)) this.opts.onError(snap.uri, err); },
    ).finally(() => {
      if (st.job !== job) return;
      st.job = undefined;
      if (!st.timer) for (const w of st.waiters.splice(0)) w();
    });
  }
}
