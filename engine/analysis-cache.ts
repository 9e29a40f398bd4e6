// What one analysis can hand to the next: parsed units and simulation results. Editors and the
// CLI keep one per process (per analysis worker), so a re-check after a keystroke parses only
// the text that changed and simulates only the tests it has not seen. Pure memory, no I/O;
// both parts are bounded and least recently used.
import { SimulationMemo } from './checks/simulation-memo';
import { ParseCache } from './extract/parse-cache';

export class AnalysisCache {
  readonly parses = new ParseCache();
  readonly simulations = new SimulationMemo();

  /** Hit and miss counts, for logs and benchmarks. */
  stats(): { parses: { hits: number; misses: number }; simulations: { hits: number; misses: number } } {
    return {
      parses: { hits: this.parses.hits, misses: this.parses.misses },
      simulations: { hits: this.simulations.hits, misses: this.simulations.misses },
    };
  }
}
