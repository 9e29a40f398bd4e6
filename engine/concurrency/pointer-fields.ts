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
