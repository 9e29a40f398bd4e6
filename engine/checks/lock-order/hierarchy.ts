// Xen's declared mm lock hierarchy, read from the header that declares it when that header is in
// view (xen/arch/x86/mm/mm-locks.h, wherever it sits): `declare_mm_lock(name)`,
// `declare_mm_rwlock(name)` and `declare_mm_order_constraint(name)` each give a lock class a
// level, and _mm_lock() panics when a CPU takes a lock of a lower level than one it holds. The
// level is `MM_LOCK_ORDER_<name>` where the header defines it (Xen 4.12 and later), else the
// line of the declaration (older headers pass __LINE__). Nothing here is hard-coded: without
// the header there is no hierarchy.

export interface LockClass {
  readonly name: string;
  readonly level: number;
  /** Where the class is declared, for the finding's related places. */
  readonly path?: string;
  readonly line: number;
}

export interface LockHierarchy {
  readonly classes: ReadonlyMap<string, LockClass>;
}

const DECLARE = /^[ \t]*declare_mm_(?:lock|rwlock|order_constraint)\(\s*(\w+)\s*\)/gm;
const ORDER = /^[ \t]*#[ \t]*define[ \t]+MM_LOCK_ORDER_(\w+)[ \t]+(\d+)\b/gm;

const lineAt = (text: string, index: number): number => text.slice(0, index).split('\n').length;

/** The hierarchy a text declares, or undefined when it declares none. */
export function readHierarchy(text: string, path?: string): LockHierarchy | undefined {
  if (!text.includes('declare_mm_')) return undefined;
  const orders = new Map<string, number>();
  for (const m of text.matchAll(ORDER)) orders.set(m[1]!, Number(m[2]));
  const classes = new Map<string, LockClass>();
  for (const m of text.matchAll(DECLARE)) {
    const line = lineAt(text, m.index ?? 0);
    classes.set(m[1]!, { name: m[1]!, level: orders.get(m[1]!) ?? line, path, line });
  }
  // Old and new schemes do not mix: a header that numbers some classes numbers all of them.
  if (orders.size > 0 && [...classes.keys()].some((c) => !orders.has(c))) return undefined;
  return classes.size > 0 ? { classes } : undefined;
}

/** The first hierarchy declared among the texts in view. */
export function hierarchyIn(sources: readonly { readonly path?: string; readonly text: string }[]): LockHierarchy | undefined {
  for (const s of sources) {
    const h = readHierarchy(s.text, s.path);
    if (h) return h;
  }
  return undefined;
}

/**
 * Whether taking a lock of one of `taken` classes while holding one of `held` classes breaks the
 * hierarchy whichever class each lock turns out to be: only classes the header declares count,
 * and every one of them must be lower for `taken` than every one for `held`.
 */
export function breaksHierarchy(h: LockHierarchy, held: readonly string[], taken: readonly string[]): { held: LockClass; taken: LockClass } | undefined {
  const known = (cs: readonly string[]): LockClass[] => cs.flatMap((c) => h.classes.get(c) ?? []);
  const hs = known(held), ts = known(taken);
  if (hs.length === 0 || ts.length === 0) return undefined;
  const lowestHeld = hs.reduce((a, b) => (b.level < a.level ? b : a));
  const highestTaken = ts.reduce((a, b) => (b.level > a.level ? b : a));
  return highestTaken.level < lowestHeld.level ? { held: lowestHeld, taken: highestTaken } : undefined;
}
