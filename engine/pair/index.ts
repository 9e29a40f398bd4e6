// Every scenario worth judging for the document's functions: critical cycles with each peer
// (in the document or the workspace tree), and synthesized observers where no peer reads what
// a function publishes.
import type { Thread } from '../extract/types';
import { synthesizedReaders } from './observer';
import { peersOf } from './peers';
import type { Scenario } from './scenario';
import { freshRoots } from './fresh';
import { loadBuffering, messagePassing, setPrivateRoots, storeBuffering } from './shapes';

export * from './scenario';

/** The functions the document contributes: for a patch, the post-image (what the patch makes). */
export function documentThreads(threads: readonly Thread[]): Thread[] {
  return threads.filter((t) => t.side !== 'pre');
}

export function collectScenarios(a: { document: readonly Thread[]; all: readonly Thread[]; textOf?: (t: Thread) => string | undefined }): Scenario[] {
  for (const t of a.all) setPrivateRoots(t, freshRoots(t, a.textOf?.(t)));
  const out = new Map<string, Scenario>();
  const add = (s: Scenario): void => { if (!out.has(s.id)) out.set(s.id, s); };
  const pool = a.all.filter((t) => t.side !== 'pre');
  for (const t of a.document) {
    for (const p of peersOf(t, pool)) {
      messagePassing(t, p).forEach(add);
      messagePassing(p, t).forEach(add);
      storeBuffering(t, p).forEach(add);
      loadBuffering(t, p).forEach(add);
    }
  }
  for (const t of a.document) {
    const covered = new Set<number>();
    for (const s of out.values()) if (s.shape === 'MP' && s.sides[0].thread === t) covered.add(s.sides[0].second.id);
    synthesizedReaders(t, covered).forEach(add);
  }
  return [...out.values()];
}
