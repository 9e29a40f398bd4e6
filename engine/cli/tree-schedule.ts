// The order in which whole-tree mode's workers take their documents. Neighbouring files share
// most of their peers (common/sched/*.c all pair with the scheduler's files), and each worker
// keeps the peers it parsed and extracted for the next document: so each worker walks the
// tree in path order, from its own stretch of it, and documents of one directory land on one
// worker one after the other. A worker that finishes its stretch takes the last document of
// the stretch with the most work left, so all of them finish together whatever a file costs.
// The report never depends on who took what (each document's result depends on the tree alone).

export class TreeSchedule {
  /** Per worker, the documents still to take, in path order. */
  private readonly stretches: string[][];
  private readonly left: number[];

  /**
   * `documents` in path order; `cost` estimates a document's work (its lines, or 0 for one that
   * will not be analysed), only to cut the stretches and to pick whom to take from.
   */
  constructor(documents: readonly string[], workers: number, private readonly cost: (path: string) => number) {
    const n = Math.max(1, workers);
    const total = documents.reduce((s, d) => s + cost(d), 0);
    this.stretches = Array.from({ length: n }, () => []);
    let acc = 0;
    for (const d of documents) {
      // The stretch whose share of the total this document's middle falls in.
      const i = total > 0 ? Math.min(n - 1, Math.floor(((acc + cost(d) / 2) * n) / total)) : 0;
      this.stretches[i]!.push(d);
      acc += cost(d);
    }
    this.left = this.stretches.map((s) => s.reduce((k, d) => k + cost(d), 0));
  }

  /** The next document for a worker: the front of its own stretch, else the back of the fullest. */
  next(worker: number): string | undefined {
    const own = this.stretches[worker]!;
    if (own.length > 0) return this.take(worker, own.shift()!);
    let from = -1;
    this.stretches.forEach((s, i) => { if (s.length > 0 && (from < 0 || this.left[i]! > this.left[from]!)) from = i; });
    return from < 0 ? undefined : this.take(from, this.stretches[from]!.pop()!);
  }

  private take(stretch: number, d: string): string {
    this.left[stretch]! -= this.cost(d);
    return d;
  }
}
