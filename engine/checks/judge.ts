// Decides a scenario: builds its litmus test under each model's knowledge-base profile and asks
// the simulator whether the bad outcome is allowed. Also renders the witness as steps per CPU.
import type { Event, Thread } from '../extract/types';
import { formatLitmusTest } from '../litmus/format-test';
import type { LitmusTest } from '../litmus/ast';
import type { ModelName } from '../models/model';
import type { Scenario, Side } from '../pair/scenario';
import type { Budget } from '../sim/candidates';
import type { Witness } from '../sim/witness';
import { buildLitmus, litmusName, orderingEvents, type BuiltSide, type SideEdit } from './litmus-build';
import type { JudgementCache, Verdicts } from './judgement-cache';
import { archFor, type Sources } from './sources';
import type { ModelEvidence, WitnessStep } from './types';

/** Fix edits per side, by the side's generic thread. */
export type ScenarioEdits = ReadonlyMap<Thread, readonly SideEdit[]>;

export interface Judgement {
  readonly scenario: Scenario;
  readonly models: readonly ModelEvidence[];
  /** The test under the first model that allows the bad outcome (else the first model's). */
  readonly litmus?: string;
  readonly witness?: readonly WitnessStep[];
}

export function allowedUnder(j: Judgement, models: readonly ModelName[]): ModelName[] {
  return j.models.filter((m) => models.includes(m.model) && m.verdict === 'allowed').map((m) => m.model);
}

/**
 * The simulation work (enumeration steps) one analysis may still spend, shared by all its
 * judgements. Work, not time: the same input is judged the same way on any machine and load.
 */
export interface AnalysisClock {
  remaining(): number;
  spend(steps: number): void;
}

export function judgeScenario(a: {
  sources: Sources; cache: JudgementCache; scenario: Scenario; models: readonly ModelName[]; edits?: ScenarioEdits; budget?: Partial<Budget>; witness?: boolean;
  clock?: AnalysisClock;
}): Judgement {
  // Verdicts depend only on the code of both sides, so an unchanged pair is not built again;
  // the witness steps name positions and files, so they are drawn for this scenario each time.
  const key = a.cache.keyOf(a);
  let v = a.cache.get(key);
  // Reused only within this analysis's remaining budget, as a fresh judgement would be. Budgets
  // count work, so an inconclusive verdict is kept too: it holds for any limit up to the one it
  // ran out of (a large real function is not simulated to exhaustion again after every edit).
  const limit = Math.min(a.budget?.maxSteps ?? SIMULATION_STEPS, a.clock?.remaining() ?? Infinity);
  if (v && (v.limit !== undefined ? limit > v.limit : (v.steps ?? 0) > limit)) v = undefined;
  if (!v) {
    v = verdicts(a);
    const outOfSteps = v.models.some((m) => m.verdict === 'inconclusive');
    if (!outOfSteps || Number.isFinite(limit)) a.cache.set(key, outOfSteps ? { ...v, limit } : v);
  } else {
    // A kept verdict costs what its simulation cost: what an analysis may still judge must not
    // depend on what an earlier analysis (another file, another worker) happened to compute.
    a.clock?.spend(v.steps ?? 0);
  }
  const fileOf = (t: Thread): string | undefined => (a.sources.sourceOf(t)?.role === 'tree' ? a.sources.sourceOf(t)?.path : undefined);
  return {
    scenario: a.scenario, models: v.models, litmus: v.litmus,
    witness: v.witness && witnessSteps({ scenario: a.scenario, witness: v.witness, fileOf }),
  };
}

/**
 * Enumeration steps per simulation, unless configured: every test of the kernel suite needs
 * far fewer (see bench/tree.ts for what real code needs).
 */
export const SIMULATION_STEPS = 1_000_000;

function verdicts(a: {
  sources: Sources; cache: JudgementCache; scenario: Scenario; models: readonly ModelName[]; edits?: ScenarioEdits; budget?: Partial<Budget>; witness?: boolean;
  clock?: AnalysisClock;
}): Verdicts {
  const models: ModelEvidence[] = [];
  const left = a.clock?.remaining() ?? Infinity;
  if (left <= 0) return { models: a.models.map((m) => ({ model: m, verdict: 'inconclusive', detail: 'not judged: the analysis spent its simulation budget' })), steps: 0 };
  let litmus: string | undefined;
  let witness: Witness | undefined;
  const built = a.models.map((m) => ({ model: m, built: buildFor({ ...a, model: m }) }));
  const tests = built.flatMap((b) => ('test' in b.built ? [{ model: b.model, test: b.built.test }] : []));
  const sims = a.cache.simulations.simulateAll(tests, { ...a.budget, maxSteps: Math.min(a.budget?.maxSteps ?? SIMULATION_STEPS, left) });
  // Each test is charged its simulation's steps, whether simulated now or kept from before.
  const steps = sims.reduce((n, s) => n + (s.steps ?? 0), 0);
  a.clock?.spend(steps);
  for (const { model: m, built: b } of built) {
    if ('unsupported' in b) { models.push({ model: m, verdict: 'unsupported', detail: b.unsupported }); continue; }
    const sim = sims[tests.findIndex((t) => t.model === m)]!;
    const r = sim.results[0]!;
    if (r.status === 'unsupported') { models.push({ model: m, verdict: 'unsupported', detail: r.unsupported?.construct }); continue; }
    if (r.status === 'inconclusive') { models.push({ model: m, verdict: 'inconclusive', detail: `not judged: ${sim.inconclusiveReason}` }); continue; }
    const allowed = r.observation !== 'Never';
    models.push({ model: m, verdict: allowed ? 'allowed' : 'forbidden' });
    // Re-judgements (fix verification) need only the verdicts, not the test text or the witness.
    if (a.witness !== false && (litmus === undefined || (allowed && witness === undefined))) {
      litmus = formatLitmusTest(b.test);
      if (allowed && r.witness) witness = r.witness;
    }
  }
  return { models, litmus, witness, steps };
}

function buildFor(a: { sources: Sources; scenario: Scenario; model: ModelName; edits?: ScenarioEdits }): { test: LitmusTest } | { unsupported: string } {
  const arch = archFor(a.model);
  const sides: BuiltSide[] = [];
  for (const s of a.scenario.sides) {
    const edits = (a.edits?.get(s.thread) ?? []).map((e) => mapEdit(a.sources, s.thread, e, arch));
    if (s.synthesized) { sides.push({ thread: s.thread, second: s.second, synthesized: s.synthesized }); continue; }
    const thread = a.sources.counterpartThread(s.thread, arch);
    const second = thread && a.sources.counterpartEvent(s.thread, s.second, arch);
    const first = s.first && thread ? a.sources.counterpartEvent(s.thread, s.first, arch) : undefined;
    if (!thread || !second || (s.first && !first)) return { unsupported: `${s.thread.name}() reads differently under the ${arch} profile` };
    sides.push({ model: a.model, thread, first, second, edits: edits.filter((e): e is SideEdit => e !== undefined), ...(s.entryGuard ? { entryGuard: s.entryGuard } : {}) });
  }
  const name = `${a.scenario.shape}+${a.scenario.sides.map((s) => s.synthesized ? 'observer' : s.thread.name).join('+')}`;
  return { test: buildLitmus({ scenario: a.scenario, sides: sides as unknown as [BuiltSide, BuiltSide], name }) };
}

function mapEdit(sources: Sources, t: Thread, e: SideEdit, arch: ReturnType<typeof archFor>): SideEdit | undefined {
  if (e.kind !== 'remove-fence' && e.kind !== 'replace-fence') return e;
  const ev = t.events[e.event];
  const other = ev && sources.counterpartEvent(t, ev, arch);
  return other ? { ...e, event: other.id } : undefined;
}

/** The witness as numbered steps per CPU, naming what each access saw. */
function witnessSteps(a: { scenario: Scenario; witness: Witness; fileOf: (t: Thread) => string | undefined }): WitnessStep[] {
  const steps: WitnessStep[] = [];
  const { events, rf } = a.witness;
  const source = new Map(rf.map(([w, r]) => [r, w]));
  a.scenario.sides.forEach((side, cpu) => {
    const mine = events.filter((e) => e.thread === cpu && (e.kind === 'R' || e.kind === 'W'));
    let n = 0;
    // The side's accesses in the test's order, so a revisit's step points at the revisit.
    const pending = side.synthesized || !side.first ? [] : [...(side.entryGuard ? [side.entryGuard.read] : []), side.first, ...orderingEvents(side).revisits, side.second];
    for (const e of mine) {
      const { text: what, event } = describeLoc({ scenario: a.scenario, side, name: e.loc ?? '', pending });
      let text: string;
      if (e.kind === 'W') text = `stores \`${what}\``;
      else {
        const from = events[source.get(e.id) ?? -1];
        text = `reads \`${what}\` and sees the ${from && from.thread < 0 ? 'old value (the other CPU\'s store is not visible yet)' : 'new value'}`;
      }
      const who = side.synthesized ? 'observer' : `${side.thread.name}()`;
      const file = a.fileOf(side.thread);
      steps.push({ cpu, step: ++n, text: `CPU${cpu} (${who}) ${text}`, place: event && !side.synthesized ? { ...(file ? { file } : {}), range: event.span } : undefined });
    }
  });
  return steps;
}

/** Which scenario location (and which of the side's accesses) a litmus location name stands for. */
function describeLoc(a: { scenario: Scenario; side: Side; name: string; pending: Event[] }): { text: string; event?: Event } {
  const { side, name } = a;
  const loc = a.scenario.locs.find((l) => name === litmusName(l.text) || name.startsWith(`${litmusName(l.text)}_`));
  if (!loc) return { text: name };
  const at = (e: Event | undefined): boolean => !!e && 'loc' in e && e.loc.key === loc.key;
  const next = a.pending.findIndex(at);
  const event = next >= 0 ? a.pending.splice(next, 1)[0] : [side.first, side.second].find(at);
  return { text: loc.text, event };
}
