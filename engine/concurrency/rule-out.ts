// What rules a two-CPU cycle out, whatever the view (a whole tree, or the files in view):
// the two functions never run at once, an access is the running CPU's own, or one lock orders
// the two sides where they communicate. Each oracle says what "never at once" and "held" mean.
import type { Event, Thread } from '../extract/types';
import type { SideView } from './index';
import type { LocalAccesses } from './local';

interface RuleOutAsk {
  neverConcurrent(x: Thread, y: Thread): string | undefined;
  local: LocalAccesses;
  /** Locks held at an access, with those held on entry. */
  lockset(t: Thread, e: Event): ReadonlySet<string>;
  /** A lock that excludes nobody (taken in read mode somewhere), left out of the common set. */
  shared?(key: string): boolean;
}

/**
 * A lock held at both ends of one communication of the cycle. Every two-CPU cycle pairing
 * builds (message passing, store and load buffering) is a1 →po a2 → b1 →po b2 → a1, where
 * a2 and b1 touch one location and so do b2 and a1 (see engine/pair/scenario.ts: a side's
 * `second` meets the other side's `first`). If a2 and b1 both run inside critical sections of
 * one exclusive lock L, the two sections are ordered one way or the other:
 * - A's section first: its release orders a1 (po-before a2) before B's acquire, which orders
 *   b1 and b2 after it; so a1 happens before b2 and the edge b2 → a1 is impossible.
 * - B's section first: b1 happens before a2, and the edge a2 → b1 is impossible.
 * Either way the cycle cannot close, under every model whose locks acquire and release (all we
 * simulate). It holds whatever the other two accesses do, in or out of the lock.
 */
function lockedEdge(sides: readonly SideView[], a: RuleOutAsk): string | undefined {
  const [x, y] = sides as readonly [SideView, SideView];
  for (const [from, to] of [[x, y], [y, x]] as const) {
    if (!to.first) continue;
    const here = a.lockset(from.thread, from.second);
    const there = a.lockset(to.thread, to.first);
    const lock = [...here].find((k) => !a.shared?.(k) && there.has(k));
    if (lock) return `both sides hold ${lock} where they meet`;
  }
  return undefined;
}

export function ruledOut(sides: readonly SideView[], a: RuleOutAsk): string | undefined {
  const real = sides.filter((s) => !s.synthesized);
  if (real.length === 2) {
    const never = a.neverConcurrent(real[0]!.thread, real[1]!.thread);
    if (never) return never;
  }
  for (const s of real) {
    for (const e of [s.first, s.second]) {
      const why = e && a.local.why(s.thread, e);
      if (why) return why;
    }
  }
  return real.length === 2 ? lockedEdge(real, a) : undefined;
}
