// Worker thread of whole-tree mode: analyses the documents the main thread hands it, one at a
// time, against the whole tree's index, asking the tree's concurrency model, and posts each
// analysis back.
import { appendFileSync, readFileSync } from 'node:fs';
import { deserialize } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { AnalysisCache } from '../analysis-cache';
import { analyzeDocument } from '../analyze';
import { initCParser } from '../c/init';
import { MAX_CYCLES_PER_DOCUMENT, MAX_CYCLES_PER_FUNCTION, MAX_TREE_ACCESSES, TreeConcurrency, TreePeers } from '../concurrency/index';
import { summarizeThreads } from '../pair/summary';
import type { Analysis, Finding, Problem } from '../checks/types';
import type { TreeReport } from './tree-check';
import type { TreeWorkerJob, TreeWorkerJobMessage, TreeWorkerReply, TreeWorkerRequest, TreeWorkerStart } from './tree-analysis';
import { triage } from './tree-triage';

void (async () => {
  const start = workerData as TreeWorkerStart;
  const port = parentPort!;
  // HVBARRIER_TREE_TRACE=FILE: one line per document appended to FILE (time, heap, peers), to find the
  // documents that cost the most; never part of the report.
  const traceFile = process.env.HVBARRIER_TREE_TRACE;
  const trace = traceFile ? (line: string): void => { appendFileSync(traceFile, `${line}\n`); } : undefined;
  // Where a worker's start goes (the model phase waits for the first worker's triage).
  const since = Date.now();
  const lap = (what: string): void => trace?.(`worker ${what} after ${Date.now() - since}ms t=${process.uptime().toFixed(1)}s`);
  const parser = await initCParser();
  lap('parser');
  // Started with the index: the job comes once the tree's facts are known (tree-analysis.ts).
  const job = await new Promise<TreeWorkerJob>((resolve) => {
    port.once('message', (m: TreeWorkerJobMessage) => resolve(deserialize(Buffer.from(m.job)) as TreeWorkerJob));
  });
  lap('job');
  const read = (path: string): string | undefined => { try { return readFileSync(path, 'utf8'); } catch { return undefined; } };
  // What a function declares on its own stack is read from its file's text (a few files kept).
  const texts = new Map<string, string | undefined>();
  const textOf = (path: string): string | undefined => {
    if (!texts.has(path)) {
      if (texts.size >= 64) texts.delete(texts.keys().next().value!);
      texts.set(path, read(path));
    }
    return texts.get(path);
  };
  const oracle = new TreeConcurrency(job.facts, textOf);
  // Parsed trees cost about forty times their text and a thread with its callees inlined about
  // 600 bytes per event (Xen's whole tree: 330 MB), so what is kept is bounded: a few parsed
  // chunks, and the threads of the files read lately (peers come back for the next documents:
  // see file-memo.ts) up to 240,000 events (120,000 before inlined events shared their guards,
  // frames and held locks, 160,000 before control dependencies were read off the guards instead
  // of listed, and inlined guards shared: every re-walk of a peer let go was the memo's
  // eviction, none a callee that changed); the text-keyed thread cache of the editor is off (the
  // memo serves whole files). The index says where each file's functions are, so a peer is
  // parsed only for what is walked. Verdicts of one document are rarely asked again by the next
  // (their keys name the threads).
  const summaries = new Map(job.summaries.map((s) => [s.path, s]));
  const cache = new AnalysisCache({ unitChars: 2 * 1024 * 1024, threadChars: 0, fileEvents: 240_000, listings: (path) => summaries.get(path)?.listing, judgements: { verdicts: 2000, simulations: 2000 } });
  const peers = new TreePeers(job.summaries, oracle.model, oracle.lockSummaries);
  lap('model');
  // HVBARRIER_TREE_TRACE_EXCLUDED=REGEX: also one line per pairing ruled out for a reason kind it matches.
  const traceKinds = process.env.HVBARRIER_TREE_TRACE_EXCLUDED ? new RegExp(process.env.HVBARRIER_TREE_TRACE_EXCLUDED) : undefined;
  const analyse = async (file: string): Promise<TreeReport> => {
    const text = read(file) ?? '';
    const t0 = Date.now();
    trace?.(`start t=${Math.round(process.uptime())}s ${file}`);
    oracle.beginDocument(file);
    // What the index knows of the document: which of its functions can give a finding at all.
    const summary = summaries.get(file);
    const functions = summary?.problems && peers.reportable(summary);
    const document = functions && summary?.problems ? { functions, problems: summary.problems } : undefined;
    let peerCount = 0;
    const excluded: Record<string, number> = {};
    const analysis = await analyzeDocument({
      path: file, text, kind: 'c', parser, cache,
      config: { arch: job.arch, os: job.os, kbConfigText: job.kbConfigText, builtFor: job.builtFor },
      workspace: {
        index: job.summaries, read, ...(document ? { document } : {}),
        relevant: (threads) => { const r = peers.relevantPeers(threads, summarizeThreads(threads)).filter((p) => p.path !== file); peerCount = r.length; return r; },
      },
      concurrency: {
        oracle,
        excluded: (s, why) => {
          const k = reasonKind(why);
          excluded[k] = (excluded[k] ?? 0) + 1;
          if (traceKinds?.test(k)) trace?.(`excluded ${k} ${s.shape} ${s.sides.map((x) => `${x.synthesized ?? x.thread.name}@${x.thread?.file ?? ''}`).join(' | ')} ${s.locs.map((l) => l.text).join(' / ')}: ${why}`);
        },
      },
      withoutFixes: true,
    });
    // Functions whose cycles were cut by the work cap: a stated `not judged`, never silence.
    const capped = oracle.cappedFunctions().map((t): Problem => ({
      severity: 'warning', line: t.span.line, col: t.span.col,
      message: `unsupported: ${t.name}() at ${t.span.line}:${t.span.col}: not judged: budget: more than ${MAX_TREE_ACCESSES} shared accesses with callees inlined, or cycles with lockless evidence past ${MAX_CYCLES_PER_FUNCTION} for one function or ${MAX_CYCLES_PER_DOCUMENT} for its file`,
    }));
    trace?.(`trace t=${Math.round(process.uptime())}s ${Date.now() - t0}ms heap=${Math.round(process.memoryUsage().heapUsed / 1048576)}MB rss=${Math.round(process.memoryUsage().rss / 1048576)}MB peers=${peerCount} findings=${analysis.findings.length} ${file}`);
    return { file, analysis: slim({ ...analysis, problems: [...analysis.problems, ...capped] }), excluded };
  };
  // One document at a time, asked for when the last one is done (see tree-schedule.ts).
  port.on('message', (m: TreeWorkerRequest) => {
    if ('done' in m) {
      trace?.(`cache ${JSON.stringify(cache.stats())}`);
      port.close();
      return;
    }
    void analyse(m.file).then((report) => port.postMessage({ report } satisfies TreeWorkerReply));
  });
  // The first worker triages the documents with the model it has just built (tree-triage.ts).
  const triaged = start.triages ? { ...triage(job.documents, job.summaries, peers), model: oracle.model.stats() } : undefined;
  lap('ready');
  port.postMessage({ ready: true, ...(triaged ? { triage: triaged } : {}) } satisfies TreeWorkerReply);
})();

/**
 * Only what the report prints, copied field by field: a check's finding may carry internal
 * references (threads, scenarios) that would keep every analysis's extraction alive until the
 * end and be cloned to the main thread with it.
 */
function slim(a: Analysis): Analysis {
  return {
    findings: a.findings.map((f): Finding => ({
      id: f.id, code: f.code, severity: f.severity, place: f.place, message: f.message, explanation: f.explanation,
      related: f.related, models: f.models, ...(f.witness ? { witness: f.witness } : {}), ...(f.litmus !== undefined ? { litmus: f.litmus } : {}), fixes: f.fixes,
    })),
    notes: [],
    problems: a.problems,
  };
}

/** The reason's kind, for counts: the words before any name. */
function reasonKind(why: string): string {
  if (why.includes('only at boot')) return 'boot-only';
  if (why.includes('is called only from')) return 'caller-callee';
  if (why.startsWith('per-CPU')) return 'per-cpu';
  if (why.includes('is paused')) return 'paused';
  if (why.includes('vCPU they run as')) return 'running-vcpu';
  if (why.startsWith('both sides hold')) return 'common-lock';
  if (why.startsWith('lock identity')) return 'lock-identity';
  if (why.startsWith('different bits')) return 'different-bits';
  if (why.startsWith('launched by IPI')) return 'ipi-launched';
  if (why.startsWith('launched as an interrupt handler')) return 'irq-handler';
  if (why.startsWith('RCU updaters')) return 'rcu-updaters';
  if (why.includes('own stack')) return 'own-stack';
  if (why.includes('on the stack of')) return 'caller-stack';
  if (why.includes('under construction')) return 'construction';
  if (why.startsWith('plain updates on both sides')) return 'plain-updates';
  if (why.includes('never built together')) return 'other-arch';
  if (why.startsWith('not judged: budget')) return 'budget';
  if (why.startsWith('load buffering')) return 'load-buffering-unordered';
  return 'no-lockless-evidence';
}
