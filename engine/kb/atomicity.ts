// Which knowledge-base primitives update memory with a separate load and store (not one atomic
// instruction), and on which architectures: read from the tables, never listed by hand.
// Linux's `__set_bit()` is a plain load and store everywhere (Documentation/atomic_bitops.txt:
// "non-atomic"); Xen's is on x86 (xen/arch/x86/include/asm/bitops.h) but an alias of the
// atomic `set_bit()` on Arm (xen/arch/arm/include/asm/bitops.h). Such an update, run at the same
// time as another CPU's update of the same word, can lose the other one.
import type { Effect, LocRef, Primitive } from './types';
import { DEFAULT_KB } from './index';

/** The architecture profiles a primitive's split update applies to: every one, or those named. */
export type SplitOn = 'all' | readonly string[];

/** A load and a store of one location, and no atomic read-modify-write. */
function splitUpdate(effects: readonly Effect[]): boolean {
  if (effects.some((e) => e.op === 'RMW')) return false;
  const reads = effects.filter((e): e is Extract<Effect, { op: 'R' }> => e.op === 'R');
  return effects.some((w) => w.op === 'W' && reads.some((r) => sameRef(r.loc, w.loc)));
}

function sameRef(a: LocRef, b: LocRef): boolean {
  return a.arg === b.arg && !!a.deref === !!b.deref && a.field === b.field;
}

/** Where the primitive updates a location with a separate load and store, or undefined. */
export function splitUpdateOn(p: Primitive): SplitOn | undefined {
  if (splitUpdate(p.effects)) return 'all';
  const arches = Object.entries(p.arch ?? {}).filter(([, effects]) => effects && splitUpdate(effects)).map(([a]) => a).sort();
  return arches.length > 0 ? arches : undefined;
}

/**
 * Primitive names of the default knowledge base that are a split update under some code base and
 * architecture, with where. Asked by name from the index, which keeps no code base per event.
 */
export const SPLIT_UPDATES: ReadonlyMap<string, SplitOn> = (() => {
  const out = new Map<string, SplitOn>();
  for (const [name, list] of DEFAULT_KB.primitives) {
    for (const p of list) {
      const on = splitUpdateOn(p);
      if (!on) continue;
      const had = out.get(name);
      out.set(name, had === 'all' || on === 'all' ? 'all' : [...new Set([...(had ?? []), ...on])].sort());
    }
  }
  return out;
})();
