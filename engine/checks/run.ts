// Runs every check on a document (with an optional workspace tree for peers) and attaches the
// verified fixes: each candidate edit is re-simulated, offered only if the bad outcome becomes
// forbidden under every target without breaking anything else in view, and the one that
// repairs the most findings is preferred.
import { AnalysisCache } from '../analysis-cache';
import type { CParser } from '../c/parser';
import type { Event, Span, Thread } from '../extract/types';
import type { KnowledgeBase, Os } from '../kb/types';
import { relevantFiles, type FileSummary } from '../pair/summary';
import { collectScenarios, documentThreads, MAX_PAIRED_ACCESSES } from '../pair/index';
import type { Budget } from '../sim/candidates';
import { candidatesFor, writeEdits } from '../fix/candidates';
import { lineEditors, type LineEditor } from '../fix/source-edit';
import { archSpecificOrdering } from './arch-specific-ordering';
import type { CheckContext } from './context';
import { implicitBarrier } from './implicit-barrier';
import { fencePrim, orderingEvents } from './litmus-build';
import { lockContext } from './lock-context';
import { lockOrderInversion } from './lock-order-inversion';
import { lostEvent } from './lost-event';
import { lostWakeup, lostWakeupProblems } from './lost-wakeup';
import { nonAtomicRmw } from './non-atomic-rmw';
import { checkOutsideLock } from './check-outside-lock';
import { misplacedBarrier } from './misplaced-barrier';
import { missingBarrier } from './missing-barrier';
import { notesFor } from './notes';
import { OrderingAnalysis, sideIndexIn, type Fault } from './ordering';
import { overstrongBarrier, type OverstrongFinding } from './overstrong-barrier';
import { Sources, type SourceText } from './sources';
import { listModels, targetsFor } from './targets';
import { placeKey, type Analysis, type Arch, type Finding, type Fix, type Place, type Problem } from './types';
import { SHAPE_NAMES, sideLabel, type Scenario } from '../pair/scenario';
import { newCodeHandshake, showsLocklessIntent } from '../pair/intent';
import type { ParsedInput } from '../patch/types';
import { unpairedBarrier } from './unpaired-barrier';
import { demotePreExisting, differentialFindings, imageCounterparts, judgeImages, preExisting, unmarkedFindings } from './differential';
import { patchImages } from './patch-images';
import { functionCoverage } from './coverage';
import { oneFindingPerFault } from './one-fault';
import { demoteOutsideThePatch } from './patch-scope';
import { ViewConcurrency, viewAddressTaken } from '../concurrency/view';
import { launchedOnly, mergedLaunches } from '../concurrency/launch';
import { removedWakeChecks } from './wake-checks';
import { removedIpiFences } from './ipi-fence';
import { widenedIdleTests } from './idle-test';
import { lostSleepPreparation } from './sleep-prep';

export interface CheckInput {
  readonly parser: CParser;
  readonly kb: KnowledgeBase;
  readonly document: SourceText;
  readonly tree?: readonly SourceText[];
  /** A workspace index: the files sharing a location or a lock with the document join the tree. */
  readonly workspace?: {
    readonly index: readonly FileSummary[]; read(path: string): string | undefined;
    /**
     * Whole-tree mode chooses the peer files itself (engine/concurrency/relevant.ts), and may
     * name the only functions of a file that can pair with the document.
     */
    relevant?(document: readonly Thread[]): Array<string | { readonly path: string; readonly functions: ReadonlySet<string> }>;
    /**
     * Whole-tree mode: the document as the index extracted it. Only `functions` can take part
     * in a finding (TreePeers.reportable()), so only they are made threads, the others walked
     * only where one of them calls them; what the whole extraction reported is `problems`.
     */
    readonly document?: { readonly functions: ReadonlySet<string>; readonly problems: readonly Problem[] };
  };
  readonly arch: Arch;
  readonly os?: Os;
  /** Files built for fewer architectures than all (AnalyzeConfig.builtFor). */
  readonly builtFor?: Readonly<Record<string, readonly string[]>>;
  readonly budget?: Partial<Budget>;
  /** Parses and simulation results kept from earlier analyses (see engine/analysis-cache.ts). */
  readonly cache?: AnalysisCache;
  /** Whole-tree mode: what can run with what (engine/concurrency), asked by pairing. */
  readonly concurrency?: CollectArgs['concurrency'];
  /**
   * Findings without fixes (whole-tree mode: each candidate fix re-simulates every scenario of
   * its function, most of a large file's time; `check FILE` verifies them for one file).
   */
  readonly withoutFixes?: boolean;
}

type CollectArgs = Parameters<typeof collectScenarios>[0];

export function checkDocument(input: CheckInput): Analysis {
  const cache = input.cache ?? new AnalysisCache();
  // A patch whose files are at hand is judged on whole functions of both images.
  const images = input.document.kind === 'patch' && (input.tree?.length || input.workspace)
    ? patchImages({ document: input.document, tree: input.tree ?? [], paths: input.workspace?.index.map((f) => f.path), read: input.workspace?.read })
    : undefined;
  const indexed = input.document.kind === 'c' ? input.workspace?.document : undefined;
  const document: SourceText = images ? { ...input.document, parsed: images.parsed } : indexed ? { ...input.document, only: indexed.functions } : input.document;
  const tree = (input.tree ?? []).filter((t) => !images?.replaced.has(t.path ?? ''));
  const sources = new Sources({ parser: input.parser, kb: input.kb, sources: [document, ...tree], os: input.os, parses: cache.parses });
  const isDocument = (t: Thread): boolean => sources.sourceOf(t)?.role === 'document' && (images?.touched(t) ?? true);
  const docAll = sources.threads('generic', 'document').filter(isDocument);
  if (input.workspace) sources.add(workspaceSources(input.workspace, { document: input.document, docThreads: docAll, have: sources.sources, skip: images?.replaced }));
  const everything = sources.threads('generic');
  const all = everything.filter((t) => t.side !== 'pre');
  const targetsOf = (t: Thread) => targetsFor({ thread: t, os: sources.osOfThread(t), arch: input.arch, built: t.file === undefined ? undefined : input.builtFor?.[t.file] });
  const tooLarge: Problem[] = [];
  const textOf = (t: Thread) => sources.sourceOf(t)?.text;
  const onTooLarge = (t: Thread, n: number): void => {
    if (!isDocument(t)) return;
    tooLarge.push({ severity: 'warning', line: t.span.line, col: t.span.col, message: `unsupported: ${t.name}() at ${t.span.line}:${t.span.col} has ${n} shared accesses with its callees inlined, more than the ${MAX_PAIRED_ACCESSES} hvbarrier pairs; its orderings are not checked` });
  };
  // New code in a patch is judged on what it does (intent.ts, newCodeHandshake).
  const added = addedLines(sources.parsed[0]);
  const isAdded = (e: Event): boolean => added.has(e.span.line);
  const keep = input.document.kind === 'patch' ? (s: Scenario) => showsLocklessIntent(s) || newCodeHandshake(s, isAdded) : undefined;
  const keepKey = keep ? `patch:${[...added].sort((x, y) => x - y).join(',')}` : 'intent';
  // What can run with what among the functions in view (engine/concurrency/view.ts); whole-tree
  // mode brings its own model of the tree.
  let view: { key: string; oracle?: ViewConcurrency; usedAsValues: string[]; launched: Record<string, string> } | undefined;
  const viewOf = () => {
    if (!view) {
      // A mail's headers and message are not code: a subject edit must not re-pair the patch.
      const code = (x: SourceText): string => (x.kind === 'patch' ? x.text.slice(Math.max(0, x.text.search(/^(?:diff --git |--- )/m))) : x.text);
      const usedAsValues = viewAddressTaken(sources.sources.map(code));
      const byFile = new Map<string | undefined, Thread[]>();
      for (const t of everything) (byFile.get(t.file) ?? byFile.set(t.file, []).get(t.file)!).push(t);
      const launched = mergedLaunches(sources.sources.map((x) => launchedOnly(byFile.get(x.path) ?? [], code(x))));
      view = { key: `${cache.scenarios.key(everything)}|${usedAsValues.join(',')}|${JSON.stringify(launched)}`, usedAsValues, launched };
    }
    return view;
  };
  const viewOracle = (): ViewConcurrency => (viewOf().oracle ??= new ViewConcurrency(everything, viewOf().usedAsValues, input.document.kind !== 'patch', viewOf().launched));
  const collect = (c: { document: readonly Thread[]; all: readonly Thread[]; image?: 'pre' | 'post'; keep?: (s: Scenario) => boolean; keepKey: string; tooLarge?: (t: Thread, n: number) => void }): Scenario[] =>
    input.concurrency
      ? collectScenarios({ ...c, textOf, concurrency: input.concurrency })
      : cache.scenarios.scenarios({ ...c, keepKey: `${c.keepKey}|view:${viewOf().key}` }, (tooLarge) => collectScenarios({ ...c, textOf, tooLarge, concurrency: { oracle: viewOracle() } }));
  const scenarios = collect({ document: documentThreads(docAll), all, tooLarge: onTooLarge, keep, keepKey });
  const analysis = new OrderingAnalysis({ sources, judgements: cache.judgements, scenarios, targetsOf, isDocument, budget: input.budget });
  const place = (t: Thread, at: Event | Span): Place => {
    const span = 'kind' in at ? at.span : at;
    const range = { line: span.line, col: span.col, endLine: span.endLine, endCol: span.endCol };
    if (sources.sourceOf(t)?.role === 'document') return images ? images.place(range, t.name) : { range, function: t.name };
    return { file: sources.sourceOf(t)?.path, range, function: t.name };
  };
  const oracle = input.concurrency?.oracle;
  const ctx: CheckContext = {
    sources, analysis, document: docAll, all, arch: input.arch, isDocument, place, targetsOf,
    ...(oracle?.runsOnlyAtBoot ? { runsOnlyAtBoot: (t: Thread) => oracle.runsOnlyAtBoot!(t.name, t.file) } : {}),
    ...(oracle?.locksTakenByCall ? { locksTakenByCall: (name: string, from: Thread) => oracle.locksTakenByCall!(name, from.file) } : {}),
    ...(oracle?.updatesApart ? { updatesApart: oracle.updatesApart.bind(oracle) } : {}),
    ...(oracle?.updatersOf ? { updatersOf: oracle.updatersOf.bind(oracle) } : {}),
  };

  // What the patch changes: scenarios of the pre-image judged again on the post-image, and
  // the post-image's own scenarios judged on the pre-image.
  const isPatch = input.document.kind === 'patch';
  const counterpart = isPatch ? imageCounterparts(everything) : undefined;
  const differential = counterpart ? patchDifferential(ctx, { docAll, everything, counterpart, collect }) : { findings: [], regressed: new Set<string>(), judged: new Set<Thread>() };
  const faultById = new Map(analysis.faults.map((f) => [f.id, f]));
  // One fault, one finding: a fault the patch introduced is reported as the regression, one it
  // left as it was is information.
  const faultFindings = demotePreExisting(demoteOutsideThePatch([...missingBarrier(ctx), ...archSpecificOrdering(ctx)]
    .filter((f) => !faultById.get(f.id)?.cases.every((c) => differential.regressed.has(c.scenario.id))), faultById),
  (id) => counterpart !== undefined && faultById.has(id) && preExisting(ctx, faultById.get(id)!, counterpart));
  const overstrong = overstrongBarrier(ctx);
  const others = [...misplacedBarrier(ctx), ...unpairedBarrier(ctx), ...implicitBarrier(ctx), ...lockOrderInversion(ctx, counterpart && { pre: everything.filter((t) => t.side === 'pre'), counterpart }), ...lockContext(ctx), ...lostEvent(ctx), ...lostWakeup(ctx), ...nonAtomicRmw(ctx), ...checkOutsideLock(ctx, counterpart && { counterpart })];
  const fixer = new Fixer({ ctx, document: input.document, parsed: sources.parsed[0], overstrong });
  const findings: Finding[] = oneFindingPerFault([
    ...differential.findings,
    ...faultFindings.map((f) => ({ ...f, fixes: input.withoutFixes ? [] : fixer.forFault(faultById.get(f.id)!) })),
    ...overstrong.map((o) => ({ ...stripInternal(o), fixes: input.withoutFixes ? [] : fixer.forOverstrong(o) })),
    ...others,
  ], faultById);
  const extracted = indexed ? indexed.problems : sources.extracted(0, 'generic').problems.flatMap((p) => (images ? images.problem(p, docAll) ?? [] : [p]));
  const problems = [...(images?.problems ?? []), ...extracted, ...tooLarge, ...unjudgedProblems(ctx), ...lostWakeupProblems(ctx)];
  const functions = functionCoverage(ctx, { threads: docAll, judgedElsewhere: differential.judged, findings });
  return { findings: findings.sort(byPlace), notes: notesFor(ctx), problems, functions };
}

/** Regressions and fixes of a patch: each scenario judged on both images of its function. */
function patchDifferential(ctx: CheckContext, a: {
  docAll: readonly Thread[]; everything: readonly Thread[]; counterpart: ReturnType<typeof imageCounterparts>;
  collect: (c: { document: readonly Thread[]; all: readonly Thread[]; image: 'pre'; keepKey: string }) => Scenario[];
}): { findings: Finding[]; regressed: Set<string>; judged: Set<Thread> } {
  const { counterpart } = a;
  const pre = a.collect({ document: a.docAll.filter((t) => t.side === 'pre'), all: a.everything, image: 'pre', keepKey: 'intent' });
  const judged = new Set<Thread>();
  const regressions = judgeImages(ctx, { scenarios: pre, from: 'pre', counterpart, judged });
  const fixes = judgeImages(ctx, { scenarios: ctx.analysis.judged.map((j) => j.scenario), from: 'post', counterpart, judged });
  const findings = differentialFindings(ctx, { regressions, fixes });
  const reported = new Set(findings.map((f) => placeKey(f.place)));
  findings.push(...unmarkedFindings(ctx, { docAll: a.docAll, counterpart, reported }));
  findings.push(...removedWakeChecks(ctx, { docAll: a.docAll, counterpart }));
  findings.push(...removedIpiFences(ctx, { docAll: a.docAll, counterpart }));
  findings.push(...widenedIdleTests(ctx, { docAll: a.docAll, counterpart }));
  findings.push(...lostSleepPreparation(ctx, { docAll: a.docAll, counterpart }));
  return { findings, regressed: new Set(regressions.map((r) => r.post.id)), judged };
}

/** Input lines the patch adds (`+` lines), where new code is judged on what it does. */
function addedLines(parsed: ParsedInput | undefined): Set<number> {
  const out = new Set<number>();
  for (const u of parsed?.units ?? []) {
    for (const f of u.files) for (const h of f.hunks) for (const l of h.lines) if (l.kind === 'added') for (const s of l.segments) out.add(s.input.line);
  }
  return out;
}

/** Says so when no target could judge a scenario of the document, instead of saying nothing. */
function unjudgedProblems(ctx: CheckContext): Problem[] {
  const out: Problem[] = [];
  const seen = new Set<string>();
  for (const j of ctx.analysis.unjudged()) {
    const side = j.scenario.sides.find((s) => !s.synthesized && ctx.isDocument(s.thread));
    if (!side) continue;
    const key = `${side.thread.name}|${side.second.span.line}:${side.second.span.col}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const why = j.judgement.models.find((m) => j.targets.includes(m.model) && m.detail)?.detail ?? 'unsupported';
    const others = j.scenario.sides.map((s) => sideLabel(s)).join(' and ');
    out.push({
      severity: 'warning', line: side.second.span.line, col: side.second.span.col,
      message: `unsupported: ${SHAPE_NAMES[j.scenario.shape]} between ${others} cannot be judged on ${listModels(j.targets)}: ${why}`,
    });
  }
  return out;
}

/** The indexed workspace files that can pair with the document, read once each. */
function workspaceSources(ws: NonNullable<CheckInput['workspace']>, a: { document: SourceText; docThreads: readonly Thread[]; have: readonly SourceText[]; skip?: ReadonlySet<string> }): SourceText[] {
  const out: SourceText[] = [];
  for (const peer of ws.relevant ? ws.relevant(a.docThreads) : relevantFiles(ws.index, a.docThreads)) {
    const path = typeof peer === 'string' ? peer : peer.path;
    if (path === a.document.path || a.skip?.has(path) || a.have.some((t) => t.path === path)) continue;
    const text = ws.read(path);
    const only = typeof peer === 'string' ? {} : { only: peer.functions };
    if (text !== undefined) out.push({ path, text, kind: /\.(c|h)$/.test(path) ? 'c' : 'patch', role: 'tree', ...only });
  }
  return out;
}

function stripInternal(o: OverstrongFinding): Finding {
  const { thread: _thread, fence: _fence, weaker: _weaker, ...f } = o;
  return f;
}

function byPlace(a: Finding, b: Finding): number {
  return a.place.range.line - b.place.range.line || a.place.range.col - b.place.range.col || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}

class Fixer {
  private readonly docLines: string[];
  private readonly editor: () => LineEditor;

  constructor(private readonly a: { ctx: CheckContext; document: SourceText; parsed: Sources['parsed'][number]; overstrong: readonly OverstrongFinding[] }) {
    this.docLines = a.document.text.split('\n');
    this.editor = lineEditors({ text: a.document.text, parsed: a.parsed });
  }

  forFault(f: Fault): Fix[] {
    const { analysis } = this.a.ctx;
    const fixes: Array<Fix & { order: number }> = [];
    candidatesFor(f).forEach((cand, order) => {
      const { fixed, broke } = analysis.verify(f.thread, cand.edits);
      if (broke.length > 0 || !f.cases.every((c) => fixed.has(c))) return;
      const edits = writeEdits({
        thread: f.thread, first: f.side.first, second: f.side.second, edits: cand.edits,
        editor: this.editor(), docLines: this.docLines, comment: pairComment(f),
      });
      if (!edits || edits.length === 0) return;
      const repairs = new Set<string>([f.id]);
      for (const g of analysis.faults) if (g !== f && g.thread === f.thread && g.cases.every((c) => fixed.has(c))) repairs.add(g.id);
      for (const o of this.a.overstrong) if (o.thread === f.thread && cand.edits.some((e) => e.kind === 'remove-fence' && e.event === o.fence.id)) repairs.add(o.id);
      fixes.push({
        title: cand.title, edits, repairs: [...repairs], preferred: false, order,
        verified: f.targets.map((m) => ({ model: m, verdict: 'forbidden' as const, detail: 'after the fix' })),
      });
    });
    return preferBest(fixes);
  }

  forOverstrong(o: OverstrongFinding): Fix[] {
    const edits = writeEdits({
      thread: o.thread, second: o.fence, edits: [{ kind: 'replace-fence', event: o.fence.id, fence: o.weaker }],
      editor: this.editor(), docLines: this.docLines,
    });
    if (!edits || edits.length === 0) return [];
    const models = this.a.ctx.analysis.scenariosOf(o.thread).flatMap((j) => j.targets);
    return [{
      title: `Weaken to ${o.weaker === 'wmb' ? 'smp_wmb' : 'smp_rmb'}()`, edits, repairs: [o.id], preferred: true,
      verified: [...new Set(models)].map((m) => ({ model: m, verdict: 'forbidden' as const, detail: 'every scenario in view, after the change' })),
    }];
  }
}

function preferBest(fixes: Array<Fix & { order: number }>): Fix[] {
  if (fixes.length === 0) return [];
  const best = fixes.reduce((a, b) => (b.repairs.length > a.repairs.length ? b : a));
  return fixes.map(({ order: _order, ...f }) => ({ ...f, preferred: f.title === best.title && f.repairs === best.repairs }));
}

/** The comment checkpatch asks for on a new barrier: what it pairs with on the other CPU. */
function pairComment(f: Fault): string | undefined {
  const c = f.cases[0]!;
  const other = c.scenario.sides[1 - sideIndexIn(f, c)]!;
  if (other.synthesized) return `/* Orders \`${c.scenario.locs[0].text}\` before \`${c.scenario.locs[1].text}\` for its readers. */`.replace(/`/g, '');
  const fence = orderingEvents(other).between.find((e) => e.kind === 'F');
  if (fence && fence.kind === 'F') {
    const via = fence.via?.length ? ` (via ${fence.via[0]!.callee}())` : '';
    return `/* Pairs with ${fencePrim(fence.fence)}() in ${other.thread.name}()${via}. */`;
  }
  if (other.first?.kind === 'R' && other.first.annot === 'acquire') return `/* Pairs with smp_load_acquire() in ${other.thread.name}(). */`;
  return `/* Pairs with ${other.thread.name}(). */`;
}
