// Which knowledge-base lock primitive a learned lock wrapper ends in: `evtchn_write_lock()`
// is `write_lock()` on a field of its argument, so it takes the lock in write mode and, on
// Xen for Arm, is a full barrier like it. Without this a learned wrapper is a bare spinlock
// acquisition that orders nothing on any architecture.
import type { Definition, LockWrapper } from './lock-wrappers';

/** A call of a lock or unlock primitive, its name captured (`_spin_lock_irqsave`, `write_unlock`). */
const PRIMITIVE_CALL = /\b(_{0,2}(?:spin|read|write|mutex|rw)_(un)?lock(?:_irq|_irqsave|_irqrestore|_bh|_recursive|_nested)?)\s*\(/g;

/**
 * For each wrapper, the primitive it calls in its own direction (lock or unlock), directly or
 * through other wrappers; left out when its calls name no primitive, or two different ones.
 */
export function wrappedPrimitives(defs: readonly Definition[], wrappers: readonly LockWrapper[]): Map<string, string> {
  const byName = new Map(wrappers.map((w) => [w.name, w] as const));
  const bodies = new Map<string, string>();
  for (const d of defs) if (byName.has(d.name) && !bodies.has(d.name)) bodies.set(d.name, d.body.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' '));
  const out = new Map<string, string>();
  const visiting = new Set<string>();
  const resolve = (name: string): string | undefined => {
    if (out.has(name)) return out.get(name);
    const w = byName.get(name);
    const body = bodies.get(name);
    if (!w || body === undefined || visiting.has(name)) return undefined;
    visiting.add(name);
    const found = new Set<string>();
    for (const m of body.matchAll(PRIMITIVE_CALL)) if ((m[2] === 'un') === (w.op === 'unlock')) found.add(m[1]!.replace(/^_+/, ''));
    for (const m of body.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)) {
      const inner = m[1] !== name ? byName.get(m[1]!) : undefined;
      if (inner?.op !== w.op) continue;
      const p = resolve(inner.name);
      if (p) found.add(p);
    }
    visiting.delete(name);
    const only = found.size === 1 ? [...found][0] : undefined;
    if (only) out.set(name, only);
    return only;
  };
  for (const w of wrappers) resolve(w.name);
  return out;
}
