// Pointer fields of the structs a tree defines (`struct vcpu { ... struct domain *domain; }`),
// for lock identity: extraction keys a lock by the type it is reached from, so the paging lock
// asserted through `v->domain` and the one taken through `d` would be two keys for one lock.
// With the field's type known, both are keyed under `struct domain` (extract/calls.ts). A field
// declared with two different types in the tree (per-architecture definitions) is left out.

/** `struct NAME->field` → `struct TYPE`, for every `struct TYPE *field;` directly in a struct NAME definition. */
export function structPointerFields(texts: readonly string[]): Map<string, string> {
  const found = new Map<string, string | null>();
  for (const text of texts) {
    if (!text.includes('struct')) continue;
    const open = /^struct[ \t]+([A-Za-z_]\w*)\s*\{/gm;
    for (let m = open.exec(text); m; m = open.exec(text)) {
      const body = braced(text, m.index + m[0].length - 1);
      if (body === undefined) continue;
      const field = /(?:^|(?<=;))[ \t]*(?:const[ \t]+)?struct[ \t]+([A-Za-z_]\w*)[ \t]*\*[ \t]*(?:const[ \t]+)?([A-Za-z_]\w*)[ \t]*;/gm;
      for (let f = field.exec(body); f; f = field.exec(body)) {
        const key = `struct ${m[1]!}->${f[2]!}`;
        const type = `struct ${f[1]!}`;
        const known = found.get(key);
        found.set(key, known === undefined || known === type ? type : null);
      }
    }
  }
  return new Map([...found].flatMap(([k, t]) => (t === null ? [] : [[k, t] as const])));
}

/** The text between the brace at `open` and the one closing it, or undefined when it is not closed. */
function braced(text: string, open: number): string | undefined {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(open + 1, i);
  }
  return undefined;
}

/** Lock types whose pointers a struct may keep (`spinlock_t *schedule_lock;`). */
const LOCK_TYPE = /^(?:spinlock_t|rwlock_t|rspinlock_t|struct (?:spinlock|rwlock|mutex))$/;

/**
 * Lock pointers of the structs a tree defines: `struct NAME->field` → the lock type, for every
 * `spinlock_t *field;` (or `spinlock_t *field, other;`) directly in a struct NAME definition.
 * Such a field may point to any lock of its type, switched at run time (Xen's scheduler points
 * a CPU's `schedule_lock` at its own lock or at the scheduler's). A field declared two ways in
 * the tree is left out.
 */
export function structLockPointers(texts: readonly string[]): Map<string, string> {
  const found = new Map<string, string | null>();
  for (const text of texts) {
    if (!/lock/.test(text)) continue;
    const open = /^struct[ \t]+([A-Za-z_]\w*)\s*\{/gm;
    for (let m = open.exec(text); m; m = open.exec(text)) {
      const body = braced(text, m.index + m[0].length - 1);
      if (body === undefined) continue;
      // One declaration: a type, then declarators up to `;` (no nested braces).
      const decl = /(?:^|(?<=[;{}]))\s*((?:struct\s+)?[A-Za-z_]\w*)\s+([^;{}()]*);/g;
      for (let d = decl.exec(body); d; d = decl.exec(body)) {
        const type = d[1]!.replace(/\s+/g, ' ');
        if (!LOCK_TYPE.test(type)) continue;
        for (const declarator of d[2]!.split(',')) {
          const p = /^\s*\*\s*([A-Za-z_]\w*)\s*$/.exec(declarator);
          if (!p) continue;
          const key = `struct ${m[1]!}->${p[1]!}`;
          const known = found.get(key);
          found.set(key, known === undefined || known === type ? type : null);
        }
      }
    }
  }
  return new Map([...found].flatMap(([k, t]) => (t === null ? [] : [[k, t] as const])));
}
