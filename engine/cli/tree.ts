// Lists a workspace tree for pairing across files: every .c/.h file below a directory (or the
// file itself), skipping build output and VCS folders.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SKIP = new Set(['.git', 'node_modules', 'dist', '.hvbarrier-cache']);

export function listTree(root: string): string[] {
  const st = statSync(root, { throwIfNoEntry: false });
  if (!st) return [];
  if (st.isFile()) return /\.(c|h)$/.test(root) ? [root] : [];
  const out: string[] = [];
  for (const name of readdirSync(root).sort()) {
    if (SKIP.has(name)) continue;
    out.push(...listTree(join(root, name)));
  }
  return out;
}
