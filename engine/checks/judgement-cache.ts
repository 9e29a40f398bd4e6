// Verdicts kept across analyses, in two levels. A scenario whose two sides are the very same
// extracted functions as last time (the thread cache hands back the same objects for unchanged
// code), judged under the same models with the same edits, has the same verdicts: the first
// level returns them without building a test. Otherwise the test is built and the second level
// (SimulationMemo) still spares the simulation when another scenario had the same shape.
import { Lru } from '../extract/lru';
import type { Thread } from '../extract/types';
import type { ModelName } from '../models/model';
import type { Scenario } from '../pair/scenario';
import type { Budget } from '../sim/candidates';
import type { Witness } from '../sim/witness';
import type { ScenarioEdits } from './judge';
import { SimulationMemo } from './simulation-memo';
import type { ModelEvidence } from './types';

/** What a judgement says that does not depend on where the code sits. */
export interface Verdicts {
  readonly models: readonly ModelEvidence[];
  readonly litmus?: string;
  /** The execution that shows the bad outcome, as the simulator gave it. */
  readonly witness?: Witness;
  /** The enumeration steps its simulations took, charged again when it is reused. */
  readonly steps?: number;
  /** The step limit it ran under, when some model ran out of it (inconclusive). */
  readonly limit?: number;
}

export class JudgementCache {
  readonly simulations: SimulationMemo;
  private readonly verdicts: Lru<Verdicts>;
  private readonly ids = new WeakMap<Thread, number>();
  private nextId = 1;

  constructor(limits: { verdicts?: number; simulations?: number } = {}) {
    this.verdicts = new Lru(limits.verdicts ?? 20000);
    this.simulations = new SimulationMemo(limits.simulations ?? 5000);
  }

  get hits(): number { return this.verdicts.hits; }
  get misses(): number { return this.verdicts.misses; }

  keyOf(a: { scenario: Scenario; models: readonly ModelName[]; edits?: ScenarioEdits; budget?: Partial<Budget>; witness?: boolean }): string {
    const s = a.scenario;
    const sides = s.sides.map((side) => {
      const edits = a.edits?.get(side.thread);
      const code = side.synthesized ? 'observer' : `${this.idOf(side.thread)}:${side.first?.id ?? '-'}:${side.second.id}`;
      return `${code}:${side.firstLoc.key}:${edits ? JSON.stringify(edits) : ''}${side.entryGuard ? `:entry-${side.entryGuard.by}` : ''}`;
    });
    const locs = s.locs.map((l) => `${l.key}=${l.text}`).join(',');
    return `${a.models.join(',')}|${a.witness === false ? 'v' : 'w'}|${a.budget ? JSON.stringify(a.budget) : ''}|${s.shape}|${locs}|${sides.join('|')}`;
  }

  get(key: string): Verdicts | undefined {
    return this.verdicts.get(key);
  }

  set(key: string, v: Verdicts): void {
    this.verdicts.set(key, v);
  }

  /** A number per extracted thread object: the same object means the same code. */
  private idOf(t: Thread): number {
    let id = this.ids.get(t);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(t, id);
    }
    return id;
  }
}
