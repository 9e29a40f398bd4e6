// What rules a two-CPU cycle out, whatever the view (a whole tree, or the files in view):
// the two functions never run at once, an access is the running CPU's own, or both sides hold
// one lock across their accesses. Each oracle says what "never at once" and "held" mean.
import type { Event, Thread } from '../extract/types';
import type { SideView } from './index';
import type { LocalAccesses } from './local';

export function ruledOut(sides: readonly SideView[], a: {
  neverConcurrent(x: Thread, y: Thread): string | undefined;
  local: LocalAccesses;
  /** Locks held at an access, with those held on entry. */
  lockset(t: Thread, e: Event): ReadonlySet<string>;
  /** A lock that excludes nobody (taken in read mode somewhere), left out of the common set. */
  shared?(key: string): boolean;
}): string | undefined {
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
  if (real.length < 2) return undefined;
  const sets = real.flatMap((s) => [s.first, s.second].filter((e): e is Event => !!e).map((e) => a.lockset(s.thread, e)));
  const common = [...sets[0]!].filter((k) => !a.shared?.(k) && sets.every((x) => x.has(k)));
  return common.length > 0 ? `both sides hold ${common[0]}` : undefined;
}
