// Scenarios by the functions they come from. Pairing every touched function with every peer is
// the largest part of a warm re-check (a patch with its tree: the same few hundred threads each
// time, already extracted and kept), so the list is kept by the identity of its inputs: the
// thread objects (a kept thread is the same object while its code is unchanged), the image,
// and what decides which scenarios to keep (with the view's concurrency model, a function of the
// same threads). Whole-tree mode, which asks the model of the whole tree, does not use it.
import type { Thread } from '../extract/types';
import { Lru } from '../extract/lru';
import type { Scenario } from './scenario';

interface Kept {
  readonly scenarios: Scenario[];
  /** Functions too large to pair, told again to the caller on a hit. */
  readonly tooLarge: Array<[Thread, number]>;
}

export class ScenarioMemo {
  private readonly kept = new Lru<Kept>(64);
  private readonly ids = new WeakMap<Thread, number>();
  private next = 0;

  get hits(): number { return this.kept.hits; }
  get misses(): number { return this.kept.misses; }

  private idOf(t: Thread): number {
    let id = this.ids.get(t);
    if (id === undefined) this.ids.set(t, (id = this.next++));
    return id;
  }

  /** A key for a list of threads, by identity. */
  key(threads: readonly Thread[]): string {
    return threads.map((t) => this.idOf(t)).join(',');
  }

  /** `keepKey` names the keep rule and everything it reads (for patches, the lines added). */
  scenarios(a: { document: readonly Thread[]; all: readonly Thread[]; image?: 'pre' | 'post'; keepKey: string; tooLarge?: (t: Thread, n: number) => void },
    compute: (tooLarge: (t: Thread, n: number) => void) => Scenario[]): Scenario[] {
    const key = `${a.image ?? 'post'}|${a.keepKey}|${this.key(a.document)}|${this.key(a.all)}`;
    let k = this.kept.get(key);
    if (!k) {
      const tooLarge: Array<[Thread, number]> = [];
      k = { scenarios: compute((t, n) => tooLarge.push([t, n])), tooLarge };
      this.kept.set(key, k);
    }
    for (const [t, n] of k.tooLarge) a.tooLarge?.(t, n);
    return k.scenarios;
  }
}
