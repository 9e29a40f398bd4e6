// Lists a workspace tree for pairing across files: every .c/.h file below a directory (or the
// file itself), skipping build output and VCS folders.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const SKIP_DIRS: ReadonlySet<string> = new Set(['.git', 'node_modules', 'dist', '.hvbarrier-cache']);

/** The files below a directory whose names `accept` takes, sorted, not entering `skip` folders. */
export function walkFiles(root: string, opts: { accept: (name: string) => boolean; skip?: ReadonlySet<string> }): string[] {
  const out: string[] = [];
  for (const name of readdirSync(root).sort()) {
    if (opts.skip?.has(name)) continue;
    const path = join(root, name);
    if (statSync(path).isDirectory()) out.push(...walkFiles(path, opts));
    else if (opts.accept(name)) out.push(path);
  }
  return out;
}

const isC = (name: string): boolean => /\.(c|h)$/.test(name);

export function listTree(root: string): string[] {
  const st = statSync(root, { throwIfNoEntry: false });
  if (!st) return [];
  return st.isFile() ? (isC(root) ? [root] : []) : walkFiles(root, { accept: isC, skip: SKIP_DIRS });
}
