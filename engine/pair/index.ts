// Every scenario worth judging for the document's functions: critical cycles with each peer
// (in the document or the workspace tree), and synthesized observers where no peer reads what
// a function publishes.
import { bitWrite, storedZero } from '../extract/bits';
import { dependencies, dependencyKinds, guardedBy } from '../extract/deps';
import type { ConcurrencyOracle } from '../concurrency/index';
import type { Event, Thread } from '../extract/types';
import { orderingEvents } from './ordering-events';
import { mayShowIntent, showsLocklessIntent } from './intent';
import { synthesizedReaders } from './observer';
import { isSharedAccess, peersOf, threadsByKey } from './peers';
import type { Scenario, Side } from './scenario';
import { freshRoots } from './fresh';
import { EntryGuards, withEntryGuard } from './entry-guard';
import { loadBuffering, messagePassing, storeBuffering, type Access, type SharedView } from './shapes';

export * from './scenario';

/** The functions the document contributes: for a patch, the post-image (what the patch makes). */
export function documentThreads(threads: readonly Thread[]): Thread[] {
  return threads.filter((t) => t.side !== 'pre');
}

/**
 * What a side looks like to the simulator: access kinds and modes, and the ordering events
 * between them. Two peers with the same signature make the same test for the other side.
 */
export function sideSignature(s: Side): string {
  if (s.synthesized) return 'observer';
  const ev = (e: Event | undefined): string => (e ? `${e.kind}:${'annot' in e ? e.annot : ''}` : 'assumed');
  const o = orderingEvents(s);
  const mid = [
    ...o.callerHeld.map((h) => `HELD:${h.mode}:${h.lock.key}`),
    ...[...o.before, ...o.between, ...o.after].map((e) => (e.kind === 'F' ? `F:${e.fence}:${e.via?.length ?? 0}` : e.kind === 'RMW' ? `RMW:${e.annot}` : `${e.kind}:${e.kind === 'LOCK' || e.kind === 'UNLOCK' ? e.mode : ''}`)),
    // Revisits are in the test too: which location, and what depends on what.
    ...revisitSignature(s, o.revisits),
  ];
  const dep = s.first ? dependencyKinds(s.thread, s.first, s.second).sort().join('+') : '';
  const guarded = s.first && guardedBy(s.thread, s.first.id, s.second) ? 'g' : '';
  const entry = s.entryGuard ? `|entry:${s.entryGuard.by}` : '';
  return `${ev(s.first)}|${mid.join(',')}|${ev(s.second)}|${dep}${guarded}${entry}`;
}

/** The revisits of a side as the test sees them: which cycle location, and the dependencies among them. */
function revisitSignature(s: Side, revisits: readonly Event[]): string[] {
  if (revisits.length === 0 || !s.first) return [];
  const at = new Map([s.first, ...revisits, s.second].map((e, i) => [e.id, i]));
  const firstKey = 'loc' in s.first ? s.first.loc.key : '';
  const deps = dependencies(s.thread, new Set(at.keys())).filter((d) => at.get(d.to)! > 0 && (at.get(d.from)! > 0 || at.get(d.to)! <= revisits.length));
  return [
    ...revisits.map((e) => `${e.kind}:${'annot' in e ? e.annot : ''}:${'loc' in e && e.loc.key === firstKey ? 'x' : 'y'}`),
    ...deps.map((d) => `${d.kind}:${at.get(d.from)}>${at.get(d.to)}`),
  ];
}

function sideKey(s: Side): string {
  return `${s.thread.file ?? ''}|${s.thread.name}|${s.thread.side ?? ''}|${s.thread.span.line}|${s.first?.id ?? 'a'}|${s.second.id}`;
}

const shapeCache = new WeakMap<Thread, string>();

/** A function's events as the simulator sees them, without names or positions. */
function threadShape(t: Thread): string {
  let s = shapeCache.get(t);
  if (s === undefined) {
    s = JSON.stringify([
      t.events.map((e) => [e.kind, 'loc' in e ? e.loc.key : 'lock' in e ? e.lock.key : '', 'annot' in e ? e.annot : '', e.kind === 'F' ? e.fence : '', e.guards, e.held, e.via?.length ?? 0, bitWrite(e) ?? storedZero(e) ?? '']),
      // Which bit a branch tests, and which way, decides what a branch on a flag needs (flag-values.ts).
      // Control dependencies are not listed, but follow from the guards and conditions' reads here.
      t.valueDeps, t.conds.map((c) => [c.reads, c.bitTest ?? '', c.zeroTest ?? '']), (t.callerHolds ?? []).map((h) => [h.lock.key, h.mode]),
    ]);
    shapeCache.set(t, s);
  }
  return s;
}

const outlineCache = new WeakMap<Thread, string>();

/**
 * A little of a function's shape, cheap to read: two functions of the same shape have the same
 * outline, so the whole shape (a long string for a function with its callees inlined) is
 * built only for functions whose outlines meet.
 */
function outline(t: Thread): string {
  let s = outlineCache.get(t);
  if (s === undefined) {
    const ends = [...t.events.slice(0, 3), ...t.events.slice(-3)].map((e) => `${e.kind}:${'loc' in e ? e.loc.key : 'lock' in e ? e.lock.key : ''}`);
    s = `${t.events.length}|${t.valueDeps.length}|${t.conds.length}|${t.callerHolds?.length ?? 0}|${ends.join('|')}`;
    outlineCache.set(t, s);
  }
  return s;
}

/** One peer per distinct shape: twenty copies of the same caller pair like one. */
function representatives(peers: readonly Thread[]): Thread[] {
  const kept = new Map<string, Thread[]>();
  return peers.filter((p) => {
    const same = kept.get(outline(p));
    if (!same) { kept.set(outline(p), [p]); return true; }
    if (same.some((q) => threadShape(q) === threadShape(p))) return false;
    same.push(p);
    return true;
  });
}

/** Shared accesses per function beyond which it is not paired (with callees inlined). */
export const MAX_PAIRED_ACCESSES = 300;

/**
 * A function's shared accesses as of its file's text, kept with the thread: whole-tree mode
 * pairs a kept peer thread with document after document, and the pairs a function's accesses
 * make (shapes.ts) are kept with the very array they came from, so they are found once.
 */
const sharedOf = new WeakMap<Thread, { readonly text: string | undefined; readonly shared: readonly Access[]; readonly count: number }>();

/** Each function's shared accesses without those through the objects it allocates itself. */
function sharedView(all: readonly Thread[], textOf: ((t: Thread) => string | undefined) | undefined, tooLarge?: (t: Thread, n: number) => void): SharedView {
  const lines = new Map<string, string[]>();
  const linesOf = (text: string | undefined): string[] | undefined => {
    if (text === undefined) return undefined;
    let l = lines.get(text);
    if (!l) lines.set(text, (l = text.split('\n')));
    return l;
  };
  const accesses = new Map<Thread, readonly Access[]>();
  for (const t of all) {
    const text = textOf?.(t);
    let kept = sharedOf.get(t);
    if (!kept || kept.text !== text) {
      const mine = freshRoots(t, linesOf(text));
      const shared = t.events.filter(isSharedAccess).filter((e) => !mine.has(e.loc.root));
      // Pairing is quadratic in a function's accesses (and more with its peers'): past the
      // limit the function is not paired, and the caller says so.
      kept = { text, shared: shared.length > MAX_PAIRED_ACCESSES ? [] : shared, count: shared.length };
      sharedOf.set(t, kept);
    }
    if (kept.count > MAX_PAIRED_ACCESSES) tooLarge?.(t, kept.count);
    accesses.set(t, kept.shared);
  }
  return { accesses: (t) => accesses.get(t) ?? accesses.set(t, t.events.filter(isSharedAccess)).get(t)! };
}

export function collectScenarios(a: {
  document: readonly Thread[]; all: readonly Thread[]; textOf?: (t: Thread) => string | undefined;
  /** Told of each function with too many shared accesses to pair (see MAX_PAIRED_ACCESSES). */
  tooLarge?: (t: Thread, accesses: number) => void;
  /** Which image of patched functions the peers come from (default: the post-image). */
  image?: 'pre' | 'post';
  /**
   * Which scenarios to keep (default: those that show lockless intent, see intent.ts). Patch
   * review keeps more: a barrier the patch removes is evidence enough on its own.
   */
  keep?: (s: Scenario) => boolean;
  /** Whole-tree mode: what can run with what (engine/concurrency); told of each cycle it rules out. */
  concurrency?: { readonly oracle: ConcurrencyOracle; excluded?(s: Scenario, why: string): void };
}): Scenario[] {
  const view = sharedView(a.all, a.textOf, a.tooLarge);
  const keep = a.keep ?? showsLocklessIntent;
  const other = a.image === 'pre' ? 'post' : 'pre';
  const out = new Map<string, Scenario>();
  // Many peers of one function often look alike (the same handshake in twenty callers): for
  // each side, keep one scenario per distinct shape of the other side.
  const seen = new Set<string>();
  const guards = new EntryGuards({ all: a.all, textOf: a.textOf });
  const add = (found: Scenario): void => {
    if (out.has(found.id) || !keep(found)) return;
    const s = withEntryGuard(found, guards);
    const why = a.concurrency?.oracle.excludes(s.sides, s.shape);
    if (why !== undefined) { a.concurrency!.excluded?.(s, why); return; }
    const keys = s.sides.map((side, i) => `${s.shape}|${i}|${sideKey(side)}|${sideSignature(s.sides[1 - i]!)}`);
    if (keys.every((k) => seen.has(k))) return;
    keys.forEach((k) => seen.add(k));
    out.set(s.id, s);
  };
  const pool = a.all.filter((t) => t.side !== other);
  const byKey = threadsByKey(pool);
  const intent = new Map<Thread, boolean>();
  const intends = (t: Thread): boolean => intent.get(t) ?? intent.set(t, mayShowIntent(t)).get(t)!;
  for (const t of a.document) {
    for (const p of representatives(peersOf(t, pool, byKey))) {
      if (!a.keep && !intends(t) && !intends(p)) continue;
      if (a.concurrency?.oracle.neverConcurrent(t, p)) continue;
      messagePassing(view, t, p).forEach(add);
      messagePassing(view, p, t).forEach(add);
      storeBuffering(view, t, p).forEach(add);
      loadBuffering(view, t, p).forEach(add);
    }
  }
  for (const t of a.document) {
    const covered = new Set<number>();
    for (const s of out.values()) if (s.shape === 'MP' && s.sides[0].thread === t) covered.add(s.sides[0].second.id);
    synthesizedReaders(t, covered).forEach(add);
  }
  return [...out.values()];
}
