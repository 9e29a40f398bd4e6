// The shared work of the ordering checks: judge every scenario, find which side of a broken
// one is at fault (strengthen the other side and see whether the bad outcome survives), group
// faults by the access that needs the barrier, and search fixes that the simulator verifies.
import type { Event, Thread } from '../extract/types';
import type { ModelName } from '../models/model';
import type { Scenario, Side } from '../pair/scenario';
import type { Budget } from '../sim/candidates';
import { allowedUnder, judgeScenario, type AnalysisClock, type Judgement, type ScenarioEdits } from './judge';
import type { SideEdit } from './litmus-build';
import type { JudgementCache } from './judgement-cache';
import type { Sources } from './sources';
import { EVIDENCE_MODELS } from './targets';
import type { ModelEvidence } from './types';

export interface Judged {
  readonly scenario: Scenario;
  readonly judgement: Judgement;
  readonly targets: readonly ModelName[];
  readonly allowed: readonly ModelName[];
}

/** One access that needs ordering, with every broken scenario that shows it. */
export interface Fault {
  readonly id: string;
  readonly thread: Thread;
  readonly side: Side;
  readonly sideIndex: 0 | 1;
  readonly cases: readonly Judged[];
  readonly targets: readonly ModelName[];
  /** Targets under which some case's bad outcome is allowed. */
  readonly allowed: readonly ModelName[];
  /** Targets under which every case's bad outcome is forbidden. */
  readonly forbidden: readonly ModelName[];
  /** Targets that could not judge it (unsupported construct, budget): neither of the above. */
  readonly unjudged: readonly ModelName[];
}

/**
 * Simulation work (enumeration steps) one analysis may spend in all: a large file of real code
 * (hundreds of scenarios, a few of them huge) must still come back in bounded time, with what
 * could not be simulated reported as such. Counted in work, so the cut falls at the same place
 * on every machine.
 */
const TOTAL_STEPS = 40_000_000;

export class OrderingAnalysis {
  readonly judged: Judged[];
  readonly faults: Fault[];
  private readonly clock: AnalysisClock;

  constructor(private readonly a: {
    sources: Sources; judgements: JudgementCache; scenarios: readonly Scenario[]; targetsOf: (t: Thread) => ModelName[];
    isDocument: (t: Thread) => boolean; budget?: Partial<Budget>;
  }) {
    let spent = 0;
    this.clock = { remaining: () => TOTAL_STEPS - spent, spend: (steps) => { spent += steps; } };
    this.judged = a.scenarios.map((scenario) => {
      const judgement = this.judge({ scenario, models: EVIDENCE_MODELS });
      const targets = this.targetsOfScenario(scenario);
      return { scenario, judgement, targets, allowed: allowedUnder(judgement, targets) };
    });
    this.faults = this.findFaults();
  }

  /** Judges one scenario (optionally with edits) under the given models. */
  judge(j: { scenario: Scenario; models: readonly ModelName[]; edits?: ScenarioEdits; witness?: boolean }): Judgement {
    return judgeScenario({ ...j, sources: this.a.sources, cache: this.a.judgements, budget: this.a.budget, clock: this.clock });
  }

  /**
   * The models a scenario must be correct under: the document side's, narrowed to the
   * hardware every real side is built for. A cycle with a peer under arch/x86 runs only on
   * x86, whatever the common side could run on.
   */
  targetsOfScenario(s: Scenario): ModelName[] {
    const docSide = s.sides.find((x) => !x.synthesized && this.a.isDocument(x.thread)) ?? s.sides[0];
    const own = this.a.targetsOf(docSide.thread);
    const peers = s.sides.filter((x) => !x.synthesized && x !== docSide).map((x) => new Set(this.a.targetsOf(x.thread)));
    const both = own.filter((m) => peers.every((p) => p.has(m)));
    return both.length > 0 ? both : own;
  }

  private readonly rejudged = new Map<string, ModelName[]>();

  /** Re-judges a scenario with edits applied, under its targets only (memoized per edit set). */
  rejudge(j: Judged, edits: ScenarioEdits): ModelName[] {
    const relevant = j.scenario.sides.map((s) => edits.get(s.thread) ?? []);
    const key = `${j.scenario.id}|${JSON.stringify(relevant)}`;
    const hit = this.rejudged.get(key);
    if (hit) return hit;
    const res = this.judge({ scenario: j.scenario, models: j.targets, edits, witness: false });
    const allowed = allowedUnder(res, j.targets);
    this.rejudged.set(key, allowed);
    return allowed;
  }

  private findFaults(): Fault[] {
    const groups = new Map<string, { thread: Thread; side: Side; sideIndex: 0 | 1; cases: Judged[] }>();
    for (const j of this.judged) {
      if (j.allowed.length === 0) continue;
      j.scenario.sides.forEach((side, i) => {
        if (side.synthesized || !this.a.isDocument(side.thread)) return;
        const other = j.scenario.sides[1 - i]!;
        // Would the bad outcome survive if the other CPU were perfectly ordered?
        const strengthened: ScenarioEdits = other.synthesized ? new Map() : new Map([[other.thread, [{ kind: 'insert-fence', fence: 'mb' } as SideEdit]]]);
        if (other.thread === side.thread && !other.synthesized) return;
        if (!other.synthesized && this.rejudge(j, strengthened).length === 0) return;
        // MP sides play different roles; SB and LB sides are symmetric, whichever index they got.
        // Keyed by where the access is written, not by its event: the accesses one call inlines
        // (`radix_tree_shrink(root)` reads three fields) share one place and one fix before it.
        const key = `${threadKey(side.thread)}|${side.second.span.line}:${side.second.span.col}|${j.scenario.shape}|${j.scenario.shape === 'MP' ? i : ''}`;
        const g = groups.get(key) ?? { thread: side.thread, side, sideIndex: i as 0 | 1, cases: [] };
        g.cases.push(j);
        groups.set(key, g);
      });
    }
    return [...groups.entries()].map(([key, g]) => {
      const targets = g.cases[0]!.targets;
      const allowed = [...new Set(g.cases.flatMap((c) => c.allowed))];
      const forbidden = targets.filter((m) => !allowed.includes(m) && g.cases.every((c) => verdictOf(c, m) === 'forbidden'));
      const unjudged = targets.filter((m) => !allowed.includes(m) && !forbidden.includes(m));
      return { id: `fault:${key}`, ...g, targets, allowed, forbidden, unjudged };
    });
  }

  /** Scenarios none of whose targets could judge them (an unsupported construct, the budget). */
  unjudged(): Judged[] {
    return this.judged.filter((j) => j.targets.length > 0 && j.targets.every((m) => {
      const v = verdictOf(j, m);
      return v !== 'allowed' && v !== 'forbidden';
    }));
  }

  /** Every judged scenario in which the thread takes part. */
  scenariosOf(t: Thread): Judged[] {
    if (!this.byThread) {
      this.byThread = new Map();
      for (const j of this.judged) {
        for (const th of new Set(j.scenario.sides.map((s) => s.thread))) (this.byThread.get(th) ?? this.byThread.set(th, []).get(th)!).push(j);
      }
    }
    return this.byThread.get(t) ?? [];
  }

  private byThread: Map<Thread, Judged[]> | undefined;

  /**
   * Applies edits to a thread and re-judges everything it takes part in: which broken
   * scenarios become forbidden under all their targets, and which correct ones would break.
   */
  verify(t: Thread, edits: readonly SideEdit[]): { fixed: Set<Judged>; broke: Judged[] } {
    const map: ScenarioEdits = new Map([[t, edits]]);
    const fixed = new Set<Judged>();
    const broke: Judged[] = [];
    for (const j of this.scenariosOf(t)) {
      const allowed = this.rejudge(j, map);
      if (j.allowed.length > 0 && allowed.length === 0) fixed.add(j);
      if (j.allowed.length === 0 && allowed.length > 0) broke.push(j);
    }
    return { fixed, broke };
  }
}

function verdictOf(j: Judged, m: ModelName): ModelEvidence['verdict'] | undefined {
  return j.judgement.models.find((x) => x.model === m)?.verdict;
}

/** Where the fault's own side sits in one of its cases (SB/LB cases may list it second). */
export function sideIndexIn(f: Fault, c: Judged): 0 | 1 {
  return c.scenario.sides[0].thread === f.thread && c.scenario.sides[0].second === f.side.second ? 0 : 1;
}

export function threadKey(t: Thread): string {
  return `${t.file ?? ''}|${t.name}|${t.side ?? ''}|${t.unit ?? ''}|${t.span.line}`;
}

/** Fences written in the function itself (not inside a callee) that can be moved or weakened. */
export function ownFences(t: Thread): Array<Extract<Event, { kind: 'F' }>> {
  return t.events.filter((e): e is Extract<Event, { kind: 'F' }> => e.kind === 'F' && !e.via?.length && ['mb', 'wmb', 'rmb'].includes(e.fence));
}
