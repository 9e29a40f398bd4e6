// Finds the critical cycles between two functions: message passing (data then flag, read back
// flag then data), store buffering (each stores one location then loads the other) and load
// buffering (each loads one location then stores the other). Each instance keeps the tightest
// pair of accesses per location pair: the last data store before the flag, the first data load
// after it, because a barrier must sit between exactly those.
import type { Event, Loc, Thread } from '../extract/types';
import { dependsOn, guardedBy } from '../extract/deps';
import { compatible, matchKeys, observes, sameLoc, writes } from './peers';
import type { Scenario, Shape, Side } from './scenario';

export type Access = Extract<Event, { kind: 'R' | 'W' | 'RMW' }>;

/**
 * Which of a function's accesses other CPUs can see: its shared accesses, minus those through
 * roots it keeps private (objects it allocated itself, see fresh.ts). Built by collectScenarios.
 */
export interface SharedView {
  /** The same array for the same function and view (what is derived from it is kept with it). */
  accesses(t: Thread): readonly Access[];
}

type PairKind = 'mp-reader' | 'mp-writer' | 'sb' | 'lb';

/**
 * What is derived from a function's shared accesses (its pairs per role, their index), kept
 * with the accesses array: a function meets many peers, and in whole-tree mode many documents.
 */
const derived = new WeakMap<readonly Access[], Map<string, unknown>>();

/** A value derived from a function's shared accesses, computed the first time it is asked for. */
function once<V>(view: SharedView, kind: string, t: Thread, make: () => V): V {
  const acc = view.accesses(t);
  let byKind = derived.get(acc);
  if (!byKind) derived.set(acc, (byKind = new Map()));
  let v = byKind.get(kind) as V | undefined;
  if (v === undefined) byKind.set(kind, (v = make()));
  return v;
}

/**
 * Indices of the pairs whose access at `end` may be the same location as a given one, in
 * order: a join instead of a scan, since large functions have thousands of pairs. sameLoc holds
 * exactly when two locations share a match key, so the index is by match key; callers still
 * check sameLoc. The lookup answers each location object once (many pairs of the other side
 * share their access, and so its location): one call of a shape asks it thousands of times.
 */
function candidates(view: SharedView, t: Thread, kind: PairKind, end: 0 | 1): (l: Loc) => readonly number[] {
  const ix = once(view, `${kind}#${end}`, t, () => {
    const m = new Map<string, number[]>();
    rolePairs(view, t, kind).forEach((pair, i) => {
      for (const k of matchKeys(pair[end].loc)) (m.get(k) ?? m.set(k, []).get(k)!).push(i);
    });
    return m;
  });
  const answered = new Map<Loc, readonly number[]>();
  return (l) => {
    let found = answered.get(l);
    if (!found) answered.set(l, (found = union(matchKeys(l).map((k) => ix.get(k) ?? NONE))));
    return found;
  };
}

const NONE: readonly number[] = [];

/**
 * The union of ascending lists without repeats, ascending. Each index list of a match key is
 * ascending and has no repeats (a pair's location has distinct match keys), and a location
 * has at most two keys.
 */
function union(lists: ReadonlyArray<readonly number[]>): readonly number[] {
  if (lists.length === 1) return lists[0]!;
  let out = lists[0] ?? NONE;
  for (const next of lists.slice(1)) {
    if (next.length === 0) continue;
    if (out.length === 0) { out = next; continue; }
    const merged: number[] = [];
    let i = 0;
    let j = 0;
    while (i < out.length || j < next.length) {
      const x = i < out.length ? out[i]! : Infinity;
      const y = j < next.length ? next[j]! : Infinity;
      merged.push(Math.min(x, y));
      if (x <= y) i++;
      if (y <= x) j++;
    }
    out = merged;
  }
  return out;
}

/** The tightest access pairs of one function for one shape role, computed once per run. */
function rolePairs(view: SharedView, t: Thread, kind: PairKind): Array<[Access, Access]> {
  return once(view, kind, t, () => (kind === 'mp-reader' ? tightest(pairs(view, t, observes, observes), 'first-second')
    : kind === 'mp-writer' ? tightest(pairs(view, t, writes, writes), 'last-first')
      : kind === 'sb' ? tightest(pairs(view, t, writes, observes), 'last-first')
        : tightest(pairs(view, t, observes, writes), 'first-second')));
}

/** Ordered pairs (a, b), a before b on one path, on two different shared locations. */
function pairs(view: SharedView, t: Thread, firstOk: (e: Access) => boolean, secondOk: (e: Access) => boolean): Array<[Access, Access]> {
  const acc = view.accesses(t);
  const out: Array<[Access, Access]> = [];
  for (const b of acc) {
    if (!secondOk(b)) continue;
    for (const a of acc) {
      if (a.id >= b.id || !firstOk(a) || a.loc.key === b.loc.key || !compatible(a, b)) continue;
      out.push([a, b]);
    }
  }
  return out;
}

/** Keeps, per (second event, first location), the first access closest to the second. */
function tightest(ps: Array<[Access, Access]>, pick: 'last-first' | 'first-second'): Array<[Access, Access]> {
  const best = new Map<string, [Access, Access]>();
  for (const p of ps) {
    const key = pick === 'last-first' ? `${p[1].id}|${p[0].loc.key}` : `${p[0].id}|${p[1].loc.key}`;
    const cur = best.get(key);
    const better = !cur || (pick === 'last-first' ? p[0].id > cur[0].id : p[1].id < cur[1].id);
    if (better) best.set(key, p);
  }
  return [...best.values()];
}

/** Upper-case constants and bit names an access or its branch conditions mention. */
function tokensOf(t: Thread, e: Access): Set<string> {
  const texts = [e.text, ...t.conds.filter((c) => c.reads.includes(e.id)).map((c) => c.text)];
  return new Set(texts.flatMap((s) => s.match(/\b_?[A-Z][A-Z0-9_]{2,}\b|\b_[A-Za-z]\w*\b/g) ?? []));
}

function storedToken(e: Access): string | undefined {
  const v = e.kind === 'RMW' ? e.bit ?? e.value : e.kind === 'W' ? e.value : undefined;
  return v && /^_?[A-Za-z_][A-Za-z0-9_]*$/.test(v) && /[A-Z]/.test(v) ? v : undefined;
}

/**
 * A reader that tests a flag for particular constants (`flags & F_RESET`, `test_bit(_VPF_down)`)
 * does not observe a store of a different constant (`flags = F_DIRTY`, `clear_bit(_VPF_other)`).
 */
export function valueCompatible(args: { writer: Access; readerThread: Thread; reader: Access }): boolean {
  const token = storedToken(args.writer);
  if (!token) return true;
  const seen = tokensOf(args.readerThread, args.reader);
  return seen.size === 0 || seen.has(token);
}

function side(thread: Thread, first: Access | undefined, second: Access, firstLoc: Loc, extra: Partial<Side> = {}): Side {
  return { thread, first, second, firstLoc, ...extra };
}

/** SB and LB are symmetric: the same cycle found from either side gets one id. */
export function scenarioId(shape: Shape, a: Side, b: Side): string {
  const ev = (s: Side): string => `${s.thread.file ?? ''}:${s.thread.name}:${s.thread.side ?? ''}:${s.thread.span.line}:${s.first?.id ?? 'a'}-${s.second.id}`;
  const [x, y] = shape === 'MP' ? [ev(a), ev(b)] : [ev(a), ev(b)].sort();
  return `${shape}:${x}|${y}`;
}

/**
 * The reader treats `ry` as a flag guarding `rx`: it reads `rx` only on a path that depends on
 * `ry`, or orders the two with a barrier or an acquire. Only then is a store of the writer's
 * that the hunk does not show assumed to come before the flag.
 */
function readsAsFlag(r: Thread, ry: Access, rx: Access): boolean {
  if (dependsOn(r, ry, rx)) return true;
  if (guardedBy(r, ry.id, rx)) return true;
  if (ry.kind === 'R' && ry.annot === 'acquire') return true;
  return r.events.some((e) => e.id > ry.id && e.id < rx.id && e.kind === 'F' && compatible(e, rx));
}

/** Message passing with `w` writing (data, then flag) and `r` reading (flag, then data). */
export function messagePassing(view: SharedView, w: Thread, r: Thread): Scenario[] {
  const out: Scenario[] = [];
  const readerPairs = rolePairs(view, r, 'mp-reader');
  const writerPairs = rolePairs(view, w, 'mp-writer');
  const writersOf = candidates(view, w, 'mp-writer', 1);
  for (const [ry, rx] of readerPairs) {
    for (const i of writersOf(ry.loc)) {
      const [wx, wy] = writerPairs[i]!;
      if (!sameLoc(wy.loc, ry.loc) || !sameLoc(wx.loc, rx.loc)) continue;
      if (!valueCompatible({ writer: wy, readerThread: r, reader: ry })) continue;
      const a = side(w, wx, wy, wx.loc);
      const b = side(r, ry, rx, ry.loc);
      out.push({ id: scenarioId('MP', a, b), shape: 'MP', sides: [a, b], locs: [wx.loc, wy.loc] });
    }
    // A writer shown from the middle of its function: data it stores before the hunk is assumed.
    if (w.partial && readsAsFlag(r, ry, rx)) {
      for (const wy of view.accesses(w)) {
        if (!writes(wy) || !sameLoc(wy.loc, ry.loc) || !sameRoot(wy.loc, rx.loc)) continue;
        if (view.accesses(w).some((e) => writes(e) && sameLoc(e.loc, rx.loc))) continue;
        if (!valueCompatible({ writer: wy, readerThread: r, reader: ry })) continue;
        const a = side(w, undefined, wy, rx.loc, {
          assumed: `${w.name}() is shown from line ${w.span.line} on; its earlier store to \`${rx.loc.text}\`, which ${r.name}() reads after \`${ry.loc.text}\`, is assumed`,
        });
        const b = side(r, ry, rx, ry.loc);
        out.push({ id: scenarioId('MP', a, b), shape: 'MP', sides: [a, b], locs: [rx.loc, wy.loc] });
      }
    }
  }
  return dedupe(out);
}

/** Both paths hang off the same object (same root variable, or same root type). */
function sameRoot(a: Loc, b: Loc): boolean {
  return a.root === b.root || (a.rootType !== undefined && a.rootType === b.rootType);
}

/** Store buffering: each side stores one location then loads the other. */
export function storeBuffering(view: SharedView, a: Thread, b: Thread): Scenario[] {
  const out: Scenario[] = [];
  const pa = rolePairs(view, a, 'sb');
  const pb = rolePairs(view, b, 'sb');
  const storesOf = candidates(view, b, 'sb', 0);
  for (const [ax, ay] of pa) {
    for (const i of storesOf(ay.loc)) {
      const [by, bx] = pb[i]!;
      if (!sameLoc(by.loc, ay.loc) || !sameLoc(bx.loc, ax.loc)) continue;
      const s0 = side(a, ax, ay, ax.loc);
      const s1 = side(b, by, bx, by.loc);
      out.push({ id: scenarioId('SB', s0, s1), shape: 'SB', sides: [s0, s1], locs: [ax.loc, ay.loc] });
    }
  }
  return dedupe(out);
}

/** Load buffering: each side loads one location then stores the other. */
export function loadBuffering(view: SharedView, a: Thread, b: Thread): Scenario[] {
  const out: Scenario[] = [];
  const pa = rolePairs(view, a, 'lb');
  const pb = rolePairs(view, b, 'lb');
  const loadsOf = candidates(view, b, 'lb', 0);
  for (const [ax, ay] of pa) {
    for (const i of loadsOf(ay.loc)) {
      const [by, bx] = pb[i]!;
      if (!sameLoc(by.loc, ay.loc) || !sameLoc(bx.loc, ax.loc)) continue;
      if (!valueCompatible({ writer: bx, readerThread: a, reader: ax }) || !valueCompatible({ writer: ay, readerThread: b, reader: by })) continue;
      const s0 = side(a, ax, ay, ax.loc);
      const s1 = side(b, by, bx, by.loc);
      out.push({ id: scenarioId('LB', s0, s1), shape: 'LB', sides: [s0, s1], locs: [ax.loc, ay.loc] });
    }
  }
  return dedupe(out);
}

function dedupe(s: Scenario[]): Scenario[] {
  const seen = new Set<string>();
  return s.filter((x) => (seen.has(x.id) ? false : (seen.add(x.id), true)));
}
