// The scheduler's ordering guarantees, with an analyzer whose jobs finish when the test says:
// a slow old analysis finishing after a newer one is never published, superseded jobs are
// cancelled, and a burst of edits is analysed at its first edit and once more at its end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AnalyzeInput } from '../../engine/analyze';
import type { Analysis } from '../../engine/checks/types';
import { Cancelled, type Analyzer } from '../../server/src/analyzer';
import { Scheduler, type Result } from '../../server/src/scheduler';

interface Manual { input: AnalyzeInput; finish(): void; cancelled: boolean }

const noWorkspace = (): void => undefined;

function manualAnalyzer(): Analyzer & { jobs: Manual[] } {
  const jobs: Manual[] = [];
  return {
    jobs,
    setWorkspace: noWorkspace,
    run({ input }) {
      let finish!: () => void;
      let fail!: (e: unknown) => void;
      const promise = new Promise<Analysis>((res, rej) => {
        finish = () => res({ findings: [], notes: [], problems: [{ severity: 'info', message: input.text, line: 1, col: 1 }] });
        fail = rej;
      });
      const job: Manual = { input, finish, cancelled: false };
      jobs.push(job);
      // Like the worker analyzer on a job that already runs: cancellation does not stop it.
      return { promise, cancel: () => { job.cancelled = true; void fail; } };
    },
    dispose() {},
  };
}

const tick = (ms = 5): Promise<void> => new Promise((r) => setTimeout(r, ms));
const snap = (version: number) => ({ uri: 'u', version, input: async () => ({ input: { text: `v${version}`, kind: 'litmus' as const, config: { arch: 'all' as const } } }) });

test('a stale result that arrives after a newer one is never published', async () => {
  const analyzer = manualAnalyzer();
  const published: Result[] = [];
  const s = new Scheduler({ analyzer, debounceMs: () => 0, publish: (r) => published.push(r), onError: (_, e) => assert.fail(String(e)) });
  s.request(snap(1));
  await tick();
  s.request(snap(2));
  await tick();
  assert.equal(analyzer.jobs.length, 2);
  assert.ok(analyzer.jobs[0]!.cancelled, 'the superseded job was cancelled');
  analyzer.jobs[1]!.finish();
  await tick();
  analyzer.jobs[0]!.finish(); // the old job ignores cancellation and finishes last
  await tick();
  assert.deepEqual(published.map((p) => p.version), [2]);
  assert.equal(s.latest('u')!.version, 2);
});

test('a burst of edits is analysed at its first edit, then once for its last version', async () => {
  const analyzer = manualAnalyzer();
  const published: Result[] = [];
  const s = new Scheduler({ analyzer, debounceMs: () => 30, publish: (r) => published.push(r), onError: () => undefined });
  for (let v = 1; v <= 5; v++) { s.request(snap(v)); await tick(2); }
  await tick(60);
  // v1 came after a quiet period and started at once; v2..v4 were inside the window.
  assert.deepEqual(analyzer.jobs.map((j) => j.input.text), ['v1', 'v5']);
  assert.ok(analyzer.jobs[0]!.cancelled, 'the burst cancelled the first analysis');
  const settled = s.settled('u');
  analyzer.jobs[0]!.finish();
  analyzer.jobs[1]!.finish();
  await settled;
  assert.deepEqual(published.map((p) => p.version), [5]);
});

test('an edit after a quiet period starts at once, without waiting out the debounce', async () => {
  const analyzer = manualAnalyzer();
  const s = new Scheduler({ analyzer, debounceMs: () => 200, publish: () => undefined, onError: () => undefined });
  s.request(snap(1));
  await tick(5);
  assert.equal(analyzer.jobs.length, 1, 'the first request started within 5 ms');
  s.request(snap(2));
  await tick(5);
  assert.equal(analyzer.jobs.length, 1, 'an edit 5 ms later waits for the burst to end');
  await tick(250);
  assert.deepEqual(analyzer.jobs.map((j) => j.input.text), ['v1', 'v2']);
});

test('a closed document is never published and its waiters are released', async () => {
  const analyzer = manualAnalyzer();
  const published: Result[] = [];
  const s = new Scheduler({ analyzer, debounceMs: () => 0, publish: (r) => published.push(r), onError: () => undefined });
  s.request(snap(1));
  await tick();
  const settled = s.settled('u');
  s.forget('u');
  await settled;
  analyzer.jobs[0]!.finish();
  await tick();
  assert.deepEqual(published, []);
  assert.ok(new Cancelled() instanceof Error);
});
