// The simulator's entry point: enumerate a test's candidate executions once, judge each under
// every requested model, and collect what herd7 reports (final states, witness counts,
// observation) plus one witness execution. Pure: no I/O, bounded by a budget.
import type { CondVar, LitmusTest, Value } from '../litmus/ast';
import type { Model, ModelName } from '../models/model';
import { MODELS } from '../models/registry';
import { BudgetExceeded, candidatesOf, Deadline, DEFAULT_BUDGET, threadTraces, traceCombinations, type Budget, type Candidate, type LocationMemo } from './candidates';
import { buildExecution, staticPart, type Execution, type StaticPart } from './execution';
import { compareValues, evalProp, finalValue, observedVars, type Unknowns } from './outcome';
import { symbolicKey, thinAir } from './thin-air';
import type { UnsupportedConstruct } from './trace';
import { toWitness, type Witness } from './witness';

export type Observation = 'Never' | 'Sometimes' | 'Always';

export interface ModelResult {
  readonly model: ModelName;
  /** complete: every candidate was judged; inconclusive: the budget ran out; unsupported: see `unsupported`. */
  readonly status: 'complete' | 'inconclusive' | 'unsupported';
  readonly unsupported?: UnsupportedConstruct;
  /** Distinct final states of the allowed executions, sorted; values in `SimulationResult.observed` order. */
  readonly states: readonly (readonly Value[])[];
  readonly positive: number;
  readonly negative: number;
  /** herd's Ok/No: the condition holds as quantified. */
  readonly ok: boolean;
  readonly observation: Observation;
  readonly flags: readonly string[];
  /** An allowed execution that satisfies the condition's proposition, if any (else any allowed one). */
  readonly witness?: Witness;
}

export interface SimulationResult {
  readonly test: LitmusTest;
  readonly observed: readonly CondVar[];
  readonly results: readonly ModelResult[];
  /** Candidate executions enumerated (coherent and atomic by construction). */
  readonly candidates: number;
  /** Enumeration steps taken (see Deadline): the work the simulation did, the same on every machine. */
  readonly steps?: number;
  readonly inconclusiveReason?: string;
}

export interface SimulateOptions {
  readonly models?: readonly ModelName[];
  readonly budget?: Partial<Budget>;
  /** Skip building witnesses (faster when only verdicts are needed). */
  readonly witness?: boolean;
}

interface Tally {
  readonly model: Model;
  unsupported?: UnsupportedConstruct;
  positive: number;
  negative: number;
  readonly states: Map<string, Value[]>;
  readonly flags: Set<string>;
  witness?: Witness;
  witnessSatisfies: boolean;
}

export function simulate(test: LitmusTest, opts: SimulateOptions = {}): SimulationResult {
  const budget = { ...DEFAULT_BUDGET, ...opts.budget };
  const started = Date.now();
  const observed = observedVars(test);
  const tallies: Tally[] = (opts.models ?? ['lkmm']).map((name) => ({
    model: MODELS[name], positive: 0, negative: 0, states: new Map(), flags: new Set(), witnessSatisfies: false,
  }));
  const deadline = new Deadline({ started, maxSteps: budget.maxSteps, maxMillis: budget.maxMillis }, budget.maxExecutions);
  let traced: ReturnType<typeof threadTraces>;
  try {
    traced = threadTraces(test, budget.maxExecutions, deadline);
  } catch (err) {
    if (!(err instanceof BudgetExceeded)) throw err;
    return finish({ test, observed, tallies, candidates: 0, steps: deadline.steps, inconclusiveReason: err.reason });
  }
  if (traced.truncated) return finish({ test, observed, tallies, candidates: 0, steps: deadline.steps, inconclusiveReason: traced.truncated });
  if (traced.unsupported || !traced.traces) {
    return finish({ test, observed, tallies: tallies.map((t) => ({ ...t, unsupported: traced.unsupported })), candidates: 0, steps: deadline.steps });
  }
  for (const t of tallies) {
    const bad = t.model.unsupported && traced.traces.flat().flatMap((tr) => tr.events).find((e) => t.model.unsupported!(e));
    if (bad) t.unsupported = { construct: t.model.unsupported!(bad)!, pos: bad.pos ?? test.condition.pos };
  }
  const active = tallies.filter((t) => !t.unsupported);
  let candidates = 0;
  let inconclusiveReason: string | undefined;
  // Candidates that stand for one herd execution with unsolved values (thin-air.ts).
  const symbolicSeen = new Set<string>();
  const locationMemo: LocationMemo = new Map();
  try {
    outer: for (const combo of traceCombinations(traced.traces, traced.initValues)) {
      deadline.check();
      let st: StaticPart | undefined;
      for (const c of candidatesOf(combo, deadline, locationMemo)) {
        st ??= staticPart(combo);
        // Judging a candidate under the models is most of a simulation's work: one step each.
        deadline.check();
        if (++candidates > budget.maxExecutions) { inconclusiveReason = `more than ${budget.maxExecutions} candidate executions`; break outer; }
        const air = thinAir(c);
        if (air.kind === 'unsolvable') continue;
        let unknowns: Unknowns;
        if (air.kind === 'symbolic') {
          const key = symbolicKey(c, air.values);
          if (symbolicSeen.has(key)) continue;
          symbolicSeen.add(key);
          unknowns = air.values;
        }
        if (test.filter && !evalProp(test.filter, c, unknowns)) continue;
        const x = buildExecution(st, c);
        const satisfies = evalProp(test.condition.prop, c, unknowns);
        const stopped = air.kind === 'unsupported' ? air.construct : c.combo.traces.find((tr) => tr.stopped)?.stopped;
        for (const t of active) judge({ t, x, c, satisfies, observed, unknowns, stopped, witness: opts.witness !== false });
      }
    }
  } catch (err) {
    if (!(err instanceof BudgetExceeded)) throw err;
    inconclusiveReason = err.reason;
  }
  return finish({ test, observed, tallies, candidates, steps: deadline.steps, inconclusiveReason });
}

function judge(a: {
  t: Tally; x: Execution; c: Candidate; satisfies: boolean; observed: readonly CondVar[]; witness: boolean;
  unknowns: Unknowns; stopped: UnsupportedConstruct | undefined;
}): void {
  const { t, x, c, satisfies } = a;
  const verdict = t.model.check(x);
  if (!verdict.allowed) return;
  // An allowed execution we cannot show as herd would: say so instead of a verdict.
  if (a.stopped) { t.unsupported ??= a.stopped; return; }
  if (satisfies) t.positive++; else t.negative++;
  for (const f of verdict.flags ?? []) t.flags.add(f);
  const values = a.observed.map((v) => finalValue(c, v, a.unknowns));
  const key = values.map((v) => (typeof v === 'number' ? v : `${v.symbolic ? '?' : '&'}${v.addr}`)).join(';');
  if (!t.states.has(key)) t.states.set(key, values);
  if (a.witness && (!t.witness || (satisfies && !t.witnessSatisfies))) {
    t.witness = toWitness(x, c);
    t.witnessSatisfies = satisfies;
  }
}

function finish(a: { test: LitmusTest; observed: readonly CondVar[]; tallies: Tally[]; candidates: number; steps: number; inconclusiveReason?: string }): SimulationResult {
  const q = a.test.condition.quantifier;
  const results: ModelResult[] = a.tallies.map((t) => {
    const { positive: p, negative: n } = t;
    const states = [...t.states.values()].sort((x, y) => {
      for (let i = 0; i < x.length; i++) { const d = compareValues(x[i]!, y[i]!); if (d !== 0) return d; }
      return 0;
    });
    return {
      model: t.model.name,
      status: t.unsupported ? 'unsupported' : a.inconclusiveReason ? 'inconclusive' : 'complete',
      unsupported: t.unsupported,
      states, positive: p, negative: n,
      ok: q === 'exists' ? p > 0 : q === '~exists' ? p === 0 : n === 0,
      observation: p === 0 ? 'Never' : n === 0 ? 'Always' : 'Sometimes',
      flags: [...t.flags].sort(),
      witness: t.witness,
    };
  });
  return { test: a.test, observed: a.observed, results, candidates: a.candidates, steps: a.steps, inconclusiveReason: a.inconclusiveReason };
}
