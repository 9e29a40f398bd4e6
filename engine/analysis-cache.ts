// What one analysis can hand to the next: parsed units, extracted functions and verdicts. Editors and the
// CLI keep one per process (per analysis worker), so a re-check after a keystroke parses only
// the text that changed and simulates only the tests it has not seen. Pure memory, no I/O;
// both parts are bounded and least recently used.
import { JudgementCache } from './checks/judgement-cache';
import { ParseCache } from './extract/parse-cache';
import { ScenarioMemo } from './pair/scenario-memo';

export class AnalysisCache {
  readonly parses: ParseCache;
  readonly judgements: JudgementCache;
  /** Scenarios by the thread objects they pair (see pair/scenario-memo.ts). */
  readonly scenarios = new ScenarioMemo();

  /** Bounds of the parse level (characters of text held) and of the verdicts kept; whole-tree workers keep them small. */
  constructor(limits: ConstructorParameters<typeof ParseCache>[0] & { judgements?: ConstructorParameters<typeof JudgementCache>[0] } = {}) {
    this.parses = new ParseCache(limits);
    this.judgements = new JudgementCache(limits.judgements);
  }

  /** Hit and miss counts, for logs and benchmarks. */
  stats(): Record<'units' | 'threads' | 'files' | 'scenarios' | 'verdicts' | 'simulations', { hits: number; misses: number }> {
    const j = this.judgements;
    return {
      units: { hits: this.parses.hits, misses: this.parses.misses },
      files: { hits: this.parses.fileHits, misses: this.parses.fileMisses },
      threads: { hits: this.parses.threadHits, misses: this.parses.threadMisses },
      scenarios: { hits: this.scenarios.hits, misses: this.scenarios.misses },
      verdicts: { hits: j.hits, misses: j.misses },
      simulations: { hits: j.simulations.hits, misses: j.simulations.misses },
    };
  }
}
