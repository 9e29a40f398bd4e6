// Event sets and binary relations over the events of one candidate execution, as bitsets.
// Row i of a relation is a bitset of the events j with (i, j) in the relation. Models are
// written with these operations so they read like cat files: `po.seq(fenceAfter).union(...)`.

export class EventSet {
  /** [this], built once: models write [S] many times per execution. */
  private identity?: Rel;

  constructor(readonly n: number, readonly bits: Uint32Array) {}

  /** The identity relation restricted to this set (cat's [S]); treat it as read-only. */
  asRel(): Rel {
    return (this.identity ??= Rel.id(this));
  }

  static empty(n: number): EventSet {
    return new EventSet(n, new Uint32Array(words(n)));
  }

  static of(n: number, pred: (i: number) => boolean): EventSet {
    const s = EventSet.empty(n);
    for (let i = 0; i < n; i++) if (pred(i)) s.bits[i >>> 5]! |= 1 << (i & 31);
    return s;
  }

  has(i: number): boolean {
    return (this.bits[i >>> 5]! & (1 << (i & 31))) !== 0;
  }

  union(o: EventSet): EventSet {
    return this.zip(o, (a, b) => a | b);
  }

  inter(o: EventSet): EventSet {
    return this.zip(o, (a, b) => a & b);
  }

  minus(o: EventSet): EventSet {
    return this.zip(o, (a, b) => a & ~b);
  }

  isEmpty(): boolean {
    return this.bits.every((b) => b === 0);
  }

  members(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.n; i++) if (this.has(i)) out.push(i);
    return out;
  }

  private zip(o: EventSet, f: (a: number, b: number) => number): EventSet {
    const r = new Uint32Array(this.bits.length);
    for (let k = 0; k < r.length; k++) r[k] = f(this.bits[k]!, o.bits[k]!);
    return new EventSet(this.n, r);
  }
}

export function words(n: number): number {
  return Math.max(1, (n + 31) >>> 5);
}

export class Rel {
  readonly w: number;
  /** Set when the relation is [S] (built by Rel.id): composing with it is a mask, not a product. */
  private diagonal?: EventSet;

  constructor(readonly n: number, readonly rows: Uint32Array) {
    this.w = words(n);
  }

  static empty(n: number): Rel {
    return new Rel(n, new Uint32Array(n * words(n)));
  }

  static fromPairs(n: number, pairs: Iterable<readonly [number, number]>): Rel {
    const r = Rel.empty(n);
    for (const [i, j] of pairs) r.add(i, j);
    return r;
  }

  static of(n: number, pred: (i: number, j: number) => boolean): Rel {
    const r = Rel.empty(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (pred(i, j)) r.add(i, j);
    return r;
  }

  /** [S]: the identity restricted to S. */
  static id(s: EventSet): Rel {
    const r = Rel.empty(s.n);
    for (let i = 0; i < s.n; i++) if (s.has(i)) r.add(i, i);
    r.diagonal = s;
    return r;
  }

  /** S × T. */
  static cross(s: EventSet, t: EventSet): Rel {
    const r = Rel.empty(s.n);
    for (let i = 0; i < s.n; i++) if (s.has(i)) r.rows.set(t.bits, i * r.w);
    return r;
  }

  add(i: number, j: number): void {
    this.rows[i * this.w + (j >>> 5)]! |= 1 << (j & 31);
  }

  has(i: number, j: number): boolean {
    return (this.rows[i * this.w + (j >>> 5)]! & (1 << (j & 31))) !== 0;
  }

  union(...others: Rel[]): Rel {
    const r = new Uint32Array(this.rows);
    for (const o of others) for (let k = 0; k < r.length; k++) r[k]! |= o.rows[k]!;
    return new Rel(this.n, r);
  }

  inter(o: Rel): Rel {
    const r = new Uint32Array(this.rows.length);
    for (let k = 0; k < r.length; k++) r[k] = this.rows[k]! & o.rows[k]!;
    return new Rel(this.n, r);
  }

  minus(o: Rel): Rel {
    const r = new Uint32Array(this.rows.length);
    for (let k = 0; k < r.length; k++) r[k] = this.rows[k]! & ~o.rows[k]!;
    return new Rel(this.n, r);
  }

  /** Relational composition: this ; o. */
  seq(o: Rel): Rel {
    const { n, w } = this;
    // r ; [S] keeps the columns in S; [S] ; r keeps the rows in S.
    if (o.diagonal) return this.restrict(null, o.diagonal);
    if (this.diagonal) return o.restrict(this.diagonal, null);
    const r = new Uint32Array(n * w);
    for (let i = 0; i < n; i++) {
      const base = i * w;
      for (let kw = 0; kw < w; kw++) {
        let bits = this.rows[base + kw]!;
        while (bits !== 0) {
          const low = bits & -bits;
          const k = (kw << 5) + (31 - Math.clz32(low));
          bits ^= low;
          const ob = k * w;
          for (let jw = 0; jw < w; jw++) r[base + jw]! |= o.rows[ob + jw]!;
        }
      }
    }
    return new Rel(n, r);
  }

  /** Composition of several relations, left to right. */
  static seq(first: Rel, ...rest: Rel[]): Rel {
    return rest.reduce((acc, r) => acc.seq(r), first);
  }

  inv(): Rel {
    const r = Rel.empty(this.n);
    for (let i = 0; i < this.n; i++) for (let j = 0; j < this.n; j++) if (this.has(i, j)) r.add(j, i);
    return r;
  }

  /** [S] ; this ; [T] */
  restrict(s: EventSet | null, t: EventSet | null): Rel {
    const r = new Uint32Array(this.rows.length);
    for (let i = 0; i < this.n; i++) {
      if (s && !s.has(i)) continue;
      for (let k = 0; k < this.w; k++) r[i * this.w + k] = t ? this.rows[i * this.w + k]! & t.bits[k]! : this.rows[i * this.w + k]!;
    }
    return new Rel(this.n, r);
  }

  /** Transitive closure r+ (Warshall). */
  plus(): Rel {
    const { n, w } = this;
    const r = new Uint32Array(this.rows);
    for (let k = 0; k < n; k++) {
      const kb = k * w;
      const kword = k >>> 5;
      const kbit = 1 << (k & 31);
      for (let i = 0; i < n; i++) {
        if ((r[i * w + kword]! & kbit) === 0) continue;
        for (let jw = 0; jw < w; jw++) r[i * w + jw]! |= r[kb + jw]!;
      }
    }
    return new Rel(n, r);
  }

  /** Reflexive-transitive closure r*. */
  star(): Rel {
    return this.plus().opt();
  }

  /** r? = r ∪ id. */
  opt(): Rel {
    const r = new Uint32Array(this.rows);
    for (let i = 0; i < this.n; i++) r[i * this.w + (i >>> 5)]! |= 1 << (i & 31);
    return new Rel(this.n, r);
  }

  domain(): EventSet {
    return EventSet.of(this.n, (i) => {
      for (let k = 0; k < this.w; k++) if (this.rows[i * this.w + k] !== 0) return true;
      return false;
    });
  }

  range(): EventSet {
    const s = EventSet.empty(this.n);
    for (let i = 0; i < this.n; i++) for (let k = 0; k < this.w; k++) s.bits[k]! |= this.rows[i * this.w + k]!;
    return s;
  }

  isEmpty(): boolean {
    return this.rows.every((b) => b === 0);
  }

  irreflexive(): boolean {
    for (let i = 0; i < this.n; i++) if (this.has(i, i)) return false;
    return true;
  }

  acyclic(): boolean {
    return this.plus().irreflexive();
  }

  pairs(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (let i = 0; i < this.n; i++) for (let j = 0; j < this.n; j++) if (this.has(i, j)) out.push([i, j]);
    return out;
  }
}
