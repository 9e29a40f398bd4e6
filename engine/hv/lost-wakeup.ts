// The lost wake-up verdict: can the target end in guest mode or asleep while work is pending
// (a request bit, an event, a posted interrupt) and no interrupt is pending or in flight for it?
// Each model judges its own compilation of the test (compile.ts), so the IPI carries that
// architecture's ordering; the answer comes with the witness execution.
import { formatLitmusTest } from '../litmus/format-test';
import type { LitmusTest } from '../litmus/ast';
import type { LitmusProblem } from '../litmus/parser';
import type { ModelName } from '../models/model';
import { MODEL_NAMES } from '../models/registry';
import type { Budget } from '../sim/candidates';
import { simulate, type ModelResult, type SimulationResult } from '../sim/simulate';
import type { Witness } from '../sim/witness';
import { compileHv } from './compile';

export interface HvSimulation {
  readonly value?: SimulationResult;
  /** The test as compiled for each model (what the simulator judged). */
  readonly compiled: ReadonlyMap<ModelName, LitmusTest>;
  readonly problems: readonly LitmusProblem[];
}

/** Simulates an extended test: one compilation and one simulation per model, merged as one result. */
export function simulateHv(test: LitmusTest, opts: { models?: readonly ModelName[]; budget?: Partial<Budget>; witness?: boolean } = {}): HvSimulation {
  const compiled = new Map<ModelName, LitmusTest>();
  const results: ModelResult[] = [];
  let observed: SimulationResult['observed'] = [];
  let candidates = 0;
  let inconclusiveReason: string | undefined;
  for (const model of opts.models ?? ['lkmm']) {
    const c = compileHv(test, model);
    if (!c.value) return { compiled, problems: c.problems };
    compiled.set(model, c.value);
    const r = simulate(c.value, { models: [model], budget: opts.budget, witness: opts.witness });
    observed = r.observed;
    candidates += r.candidates;
    inconclusiveReason ??= r.inconclusiveReason;
    results.push(r.results[0]!);
  }
  // Shown as the test judged: the first model's compilation (the condition is the same for all).
  const shown = compiled.values().next().value;
  return { value: { test: shown ? { ...shown, name: test.name } : test, observed, results, candidates, inconclusiveReason }, compiled, problems: [] };
}

export type WakeupVerdict = 'lost' | 'safe' | 'inconclusive' | 'unsupported';

export interface ModelWakeup {
  readonly model: ModelName;
  readonly verdict: WakeupVerdict;
  /** herd's counts: executions that lose the wake-up / that do not. */
  readonly positive: number;
  readonly negative: number;
  readonly detail?: string;
  /** An execution that loses the wake-up, when one exists. */
  readonly witness?: Witness;
}

export interface WakeupJudgement {
  readonly models: readonly ModelWakeup[];
  readonly problems: readonly LitmusProblem[];
  readonly compiled: ReadonlyMap<ModelName, LitmusTest>;
}

/**
 * Judgements kept by the test's text: the check re-simulates every candidate fix of every pair
 * after each edit, and the verdict depends on nothing but the test, the models and a budget that
 * counts work (a wall-clock budget makes a result depend on the machine: then nothing is kept).
 */
const kept = new Map<string, WakeupJudgement>();
const KEPT_MAX = 2_000;

/** Judges a test that has a `lost_wakeup` clause under each model. */
export function judgeLostWakeup(test: LitmusTest, opts: { models?: readonly ModelName[]; budget?: Partial<Budget> } = {}): WakeupJudgement {
  if (opts.budget?.maxMillis !== undefined) return judgeOnce(test, opts);
  const key = `${(opts.models ?? MODEL_NAMES).join(',')}|${JSON.stringify(opts.budget ?? {})}|${formatLitmusTest(test)}`;
  const hit = kept.get(key);
  if (hit) {
    kept.delete(key);
    kept.set(key, hit);
    return hit;
  }
  const j = judgeOnce(test, opts);
  kept.set(key, j);
  if (kept.size > KEPT_MAX) kept.delete(kept.keys().next().value!);
  return j;
}

function judgeOnce(test: LitmusTest, opts: { models?: readonly ModelName[]; budget?: Partial<Budget> }): WakeupJudgement {
  if (!test.wakeup) {
    const pos = test.condition.pos;
    return { models: [], compiled: new Map(), problems: [{ severity: 'error', message: 'the test has no lost_wakeup clause', line: pos.line, col: pos.col }] };
  }
  const sim = simulateHv(test, { models: opts.models ?? MODEL_NAMES, budget: opts.budget, witness: true });
  if (!sim.value) return { models: [], compiled: sim.compiled, problems: sim.problems };
  const models = sim.value.results.map((r): ModelWakeup => {
    const base = { model: r.model, positive: r.positive, negative: r.negative };
    if (r.status === 'unsupported') return { ...base, verdict: 'unsupported', detail: r.unsupported && `${r.unsupported.construct} at ${r.unsupported.pos.line}:${r.unsupported.pos.col}` };
    if (r.positive > 0) return { ...base, verdict: 'lost', witness: r.witness };
    if (r.status === 'inconclusive') return { ...base, verdict: 'inconclusive', detail: sim.value!.inconclusiveReason };
    return { ...base, verdict: 'safe' };
  });
  return { models, compiled: sim.compiled, problems: [] };
}

/** A witness as readable lines: each thread's events in program order, then reads-from. */
export function describeWitness(w: Witness): string[] {
  const lines: string[] = [];
  const byThread = new Map<number, typeof w.events[number][]>();
  for (const e of w.events) if (e.thread >= 0) (byThread.get(e.thread) ?? byThread.set(e.thread, []).get(e.thread)!).push(e);
  const show = (e: typeof w.events[number]): string => {
    const at = e.line ? ` (${e.line}:${e.col})` : '';
    if (e.kind === 'F') return `${e.instr}${at}`;
    const value = typeof e.value === 'number' ? e.value : e.value?.addr;
    return `${e.kind} ${e.loc}=${value} by ${e.instr}${at}`;
  };
  for (const [t, evs] of [...byThread].sort((a, b) => a[0] - b[0])) lines.push(`P${t}: ${evs.map(show).join('; ')}`);
  const ev = new Map(w.events.map((e) => [e.id, e]));
  const rf = w.rf.filter(([, r]) => ev.get(r)?.thread !== -1).map(([wr, r]) => {
    const src = ev.get(wr)!;
    return `${show(ev.get(r)!)} reads from ${src.thread < 0 ? 'the initial value' : `P${src.thread}`}`;
  });
  if (rf.length) lines.push(...rf.map((s) => `  ${s}`));
  return lines;
}
