// Simulation results by test shape. Many scenarios reduce to the same litmus test (the same
// handshake in many functions, the same pair judged again while fixes are verified, the same
// document re-checked after a keystroke), so results are memoized by the test's shape and the
// model, bounded and least recently used. An inconclusive result is never kept: a later run
// with a larger budget must get its chance.
import { Lru } from '../extract/lru';
import type { LitmusTest } from '../litmus/ast';
import type { ModelName } from '../models/model';
import type { Budget } from '../sim/candidates';
import { simulate, type SimulationResult } from '../sim/simulate';

export class SimulationMemo {
  private readonly memo: Lru<SimulationResult>;

  constructor(limit = 5000) {
    this.memo = new Lru(limit);
  }

  get hits(): number { return this.memo.hits; }
  get misses(): number { return this.memo.misses; }

  /**
   * One result per (test, model). Tests of the same shape share one simulation under all of
   * their models: enumerating the candidate executions is most of the work, and the models
   * only judge each candidate.
   */
  simulateAll(items: ReadonlyArray<{ test: LitmusTest; model: ModelName }>, budget: Partial<Budget>): SimulationResult[] {
    const keys = items.map((it) => shapeKey(it.test));
    const out: Array<SimulationResult | undefined> = items.map((it, i) => {
      const hit = this.memo.get(`${it.model}|${keys[i]}`);
      // A kept result that took more steps than this budget allows would not have been reached
      // now: simulate again, so the outcome never depends on what was computed earlier.
      return hit && (hit.steps ?? 0) <= (budget.maxSteps ?? Infinity) ? forTest(hit, it.test) : undefined;
    });
    const todo = new Map<string, number[]>();
    out.forEach((r, i) => { if (!r) (todo.get(keys[i]!) ?? todo.set(keys[i]!, []).get(keys[i]!)!).push(i); });
    for (const [key, idx] of todo) {
      const models = [...new Set(idx.map((i) => items[i]!.model))];
      const sim = simulateSafely(items[idx[0]!]!.test, models, budget);
      for (const i of idx) {
        const r = sim.results[models.indexOf(items[i]!.model)]!;
        const one = forTest({ ...sim, results: [r] }, items[i]!.test);
        out[i] = one;
        if (r.status !== 'inconclusive') this.memo.set(`${items[i]!.model}|${key}`, one);
      }
    }
    return out as SimulationResult[];
  }
}

/**
 * A result of another test of the same shape, told in this test's location names: the shape
 * key numbers locations by parameter order, so the i-th parameter of one is the i-th of the
 * other. Without this, a witness would name the locations of whichever function was simulated
 * first (`x_a` in a finding about `x->b`).
 */
function forTest(r: SimulationResult, test: LitmusTest): SimulationResult {
  if (r.test === test) return r;
  const from = r.test.threads[0]?.params ?? [];
  const to = test.threads[0]?.params ?? [];
  const rename = new Map(from.map((p, i) => [p.name, to[i]?.name ?? p.name]));
  const loc = (name: string | undefined): string | undefined => (name === undefined ? undefined : rename.get(name) ?? name);
  return {
    ...r, test,
    observed: r.observed.map((v) => (v.kind === 'loc' ? { ...v, name: loc(v.name)! } : v)),
    results: r.results.map((m) => (m.witness ? { ...m, witness: { ...m.witness, events: m.witness.events.map((e) => ({ ...e, loc: loc(e.loc) })) } } : m)),
  };
}

/**
 * A simulation that cannot take the analysis down: an exception (a bug in the simulator, or a
 * resource limit such as the call stack) becomes an inconclusive result that names it.
 */
function simulateSafely(test: LitmusTest, models: readonly ModelName[], budget: Partial<Budget>): SimulationResult {
  try {
    return simulate(test, { models, budget, witness: true });
  } catch (err) {
    const reason = `internal error in the simulator: ${err instanceof Error ? err.message : String(err)}`;
    return {
      test, observed: [], candidates: 0, inconclusiveReason: reason,
      results: models.map((model) => ({ model, status: 'inconclusive' as const, states: [], positive: 0, negative: 0, ok: false, observation: 'Never' as const, flags: [] })),
    };
  }
}

/**
 * The test without what cannot change a verdict: its name, the threads' origins, and the
 * location names (numbered in the order the parameters list them). Source positions are not
 * in tests built from scenarios (all zero), so the plain JSON of the bodies is the shape.
 */
function shapeKey(test: LitmusTest): string {
  const json = JSON.stringify([test.init, test.threads.map((t) => t.body), test.condition.prop]);
  let key = json;
  // A plain search per parameter: cheaper than one regular expression with a callback.
  (test.threads[0]?.params ?? []).forEach((p, i) => { key = key.split(`"name":"${p.name}"`).join(`"name":"#${i}"`); });
  return key;
}
