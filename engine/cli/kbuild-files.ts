// Reads a tree's Kbuild Makefiles and Kconfig files for engine/concurrency/kbuild.ts: which files
// under the given directories their build gives to fewer architectures than all. A directory is
// a build root when it has an `arch/` folder and a Kconfig file (Xen's `xen/`, a Linux tree).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { Kbuild } from '../concurrency/kbuild';
import { SKIP_DIRS, walkFiles } from './tree';

export function builtForFiles(dirs: readonly string[], files: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const root of dirs) {
    if (!isBuildRoot(root)) continue;
    const read = (p: string): string | undefined => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } };
    const kconfigs = walkFiles(root, { accept: (n) => n.startsWith('Kconfig'), skip: SKIP_DIRS })
      .map((p) => ({ path: relative(root, p).split(sep).join('/'), text: read(p) ?? '' }));
    const arches = readdirSync(join(root, 'arch')).filter((a) => statSync(join(root, 'arch', a)).isDirectory()).sort();
    const kbuild = new Kbuild({ kconfigs, arches, makefile: (dir) => read(join(root, dir, 'Makefile')) });
    for (const f of files) {
      const rel = relative(root, f).split(sep).join('/');
      if (rel.startsWith('..')) continue;
      const a = kbuild.archesOf(rel);
      if (a) out[f] = a;
    }
  }
  return out;
}

function isBuildRoot(dir: string): boolean {
  return existsSync(join(dir, 'arch')) && existsSync(join(dir, 'Kconfig'));
}
