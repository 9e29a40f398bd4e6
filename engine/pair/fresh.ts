// Objects a function allocates itself are private to it until it publishes them: a buffer from
// alloc_vcpu_guest_context() cannot alias the caller-provided context another CPU reads, even
// though both have the same type. Accesses through such roots are not shared.
import type { Thread } from '../extract/types';

const ALLOCATOR = String.raw`\w*(?:alloc|zalloc|malloc|calloc|new)\w*`;

/** Local pointers the function initialises from an allocator call (`lines`: its source's lines). */
export function freshRoots(t: Thread, lines: readonly string[] | undefined): Set<string> {
  const out = new Set<string>();
  if (!lines) return out;
  const body = lines.slice(t.span.line - 1, t.span.endLine).join('\n');
  const re = new RegExp(String.raw`\b([A-Za-z_]\w*)\s*=\s*(?:\([^()]*\)\s*)?${ALLOCATOR}\s*\(`, 'g');
  for (let m = re.exec(body); m; m = re.exec(body)) {
    if (!t.params.some((p) => p.name === m![1])) out.add(m[1]!);
  }
  return out;
}
