// Read-modify-writes of a function, told apart by whether they are one atomic instruction:
// - an atomic update: an RMW event (`set_bit()`, `test_and_clear_bit()`, `atomic_inc()`,
//   `cmpxchg()`), unless the knowledge base says its primitive is a separate load and store on
//   some architecture (Xen's `__set_bit()` is an RMW event in the generic reading because on Arm
//   it is `set_bit()`; on x86 it is not: kb/atomicity.ts);
// - a split update: a load and a store of one location, the store's value computed from the
//   load (`x |= m`, `x &= ~m`, `x++`, `write_atomic(&x, read_atomic(&x) - 1)`), or a primitive
//   that is a load and a store (`__set_bit()`, `add_sized()`), on the architectures where it is.
// A split update run at the same time as another CPU's update of the same word can undo it: the
// store writes back the whole word as the load found it (a different bit is lost all the same).
import type { Event, Thread } from '../extract/types';
import { SPLIT_UPDATES, type SplitOn } from '../kb/atomicity';

export interface SplitUpdate {
  readonly read: Extract<Event, { kind: 'R' | 'RMW' }>;
  readonly write: Extract<Event, { kind: 'W' | 'RMW' }>;
  /** The architectures it is split on: every one, or those named (`['x86']`). */
  readonly on: SplitOn;
}

/**
 * The event is the function's own, a knowledge-base primitive's, or from a header's inline
 * function: headers are not checked on their own, so their code is judged where it is called;
 * a source file's function speaks for itself in its own file.
 */
export function writtenHere(e: Event): boolean {
  return (e.via ?? []).every((v) => v.resolution === 'kb' || (v.file !== undefined && v.file.endsWith('.h')));
}

/** One atomic instruction on every architecture. */
export function isAtomicUpdate(e: Event): e is Extract<Event, { kind: 'RMW' }> {
  return e.kind === 'RMW' && !(e.prim !== undefined && SPLIT_UPDATES.has(e.prim));
}

const splitMemo = new WeakMap<Thread, SplitUpdate[]>();

/**
 * The thread's split updates of shared locations written here (see writtenHere), in program
 * order. `splitOn`: where a primitive is split, for the thread's code base (default: under any).
 */
export function splitUpdates(t: Thread, splitOn: (name: string) => SplitOn | undefined = byName): readonly SplitUpdate[] {
  const memo = splitOn === byName;
  const hit = memo ? splitMemo.get(t) : undefined;
  if (hit) return hit;
  const out: SplitUpdate[] = [];
  const fromRead = new Map<number, number[]>();
  for (const d of t.valueDeps) if (d.kind === 'data') (fromRead.get(d.to) ?? fromRead.set(d.to, []).get(d.to)!).push(d.from);
  const events = t.events;
  for (const e of events) {
    if (!('loc' in e) || e.loc.cpuLocal || !writtenHere(e)) continue;
    if (e.kind === 'RMW') {
      const on = e.prim !== undefined ? splitOn(e.prim) : undefined;
      if (on) out.push({ read: e, write: e, on });
      continue;
    }
    if (e.kind !== 'W') continue;
    // The store's value from a load of the same location, or one primitive's load and store.
    const read = (fromRead.get(e.id) ?? []).map((i) => events[i]!).find((r) => r.kind === 'R' && r.loc.key === e.loc.key)
      ?? (e.prim !== undefined && splitOn(e.prim) ? events.slice(0, e.id).reverse().find((r) => r.kind === 'R' && r.prim === e.prim && r.loc.key === e.loc.key && sameSpan(r, e)) : undefined);
    if (read?.kind !== 'R') continue;
    out.push({ read, write: e, on: e.prim !== undefined ? splitOn(e.prim) ?? 'all' : 'all' });
  }
  if (memo) splitMemo.set(t, out);
  return out;
}

function byName(name: string): SplitOn | undefined {
  return SPLIT_UPDATES.get(name);
}

function sameSpan(a: Event, b: Event): boolean {
  return a.span.line === b.span.line && a.span.col === b.span.col && a.span.endLine === b.span.endLine && a.span.endCol === b.span.endCol;
}

/** Keys of the shared locations a thread updates atomically itself (or through a primitive). */
export function atomicallyUpdated(t: Thread): string[] {
  return [...new Set(t.events.flatMap((e) => (isAtomicUpdate(e) && !e.loc.cpuLocal && !e.via?.some((v) => v.resolution !== 'kb') ? [e.loc.key] : [])))].sort();
}

/** Keys of the shared locations a thread updates with a split update written here. */
export function splitUpdated(t: Thread): string[] {
  return [...new Set(splitUpdates(t).map((u) => u.write.loc.key))].sort();
}

/**
 * The tree's own practice for a word is atomic: at least two of its functions update it
 * atomically for each one that splits the update (deviant behaviour, as Engler et al. infer a
 * belief from what most code does: the split updates are a clear minority). Where split updates
 * are about as common as atomic ones, the word is updated both ways by design (a page's
 * `count_info`: 8 functions each way in Xen 4.17; its `type_info`: 4 atomic, 3 split), kept
 * apart by ownership the code in view does not show. The factor two was chosen after measuring
 * Xen 4.17, where `type_info`'s 4:3 gave three false positives (docs/whole-tree.md).
 */
export function atomicByPractice(n: { readonly atomic: number; readonly split: number }): boolean {
  return n.atomic >= 2 * n.split;
}
