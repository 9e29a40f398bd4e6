// Reads a tree's Kbuild Makefiles and Kconfig files for engine/concurrency/kbuild.ts: which files
// under the given directories their build gives to fewer architectures than all. The build is
// read from the build root at or above each directory, the nearest with an `arch/` folder and a
// Kconfig file (Xen's `xen/`, a Linux tree): a Linux tree's virt/kvm is checked on its own, and
// only the root's Makefiles say which architectures build it.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Kbuild } from '../concurrency/kbuild';
import { SKIP_DIRS, walkFiles } from './tree';

export function builtForFiles(dirs: readonly string[], files: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const roots = [...new Set(dirs.map(buildRootOf).filter((r): r is string => r !== undefined))];
  for (const root of roots) {
    const kbuild = readKbuild(root);
    for (const f of files) {
      const rel = relative(root, f).split(sep).join('/');
      if (rel.startsWith('..')) continue;
      const a = kbuild.archesOf(rel);
      if (a) out[f] = a;
    }
  }
  return out;
}

function readKbuild(root: string): Kbuild {
  const rel = (p: string): string => relative(root, p).split(sep).join('/');
  const build = walkFiles(root, { accept: (n) => n.startsWith('Kconfig') || n === 'Makefile' || n === 'Kbuild', skip: SKIP_DIRS }).map(rel);
  // A Linux tree has some 2900 Makefiles and few Kbuild files: a name the walk did not find is
  // not asked of the file system (included files, `Makefile.kvm`, are).
  const walked = new Set(build);
  const read = (p: string): string | undefined => {
    if (!walked.has(p) && /(^|\/)(Makefile|Kbuild)$/.test(p)) return undefined;
    try { return readFileSync(join(root, p), 'utf8'); } catch { return undefined; }
  };
  const kconfigs = build.filter((p) => /(^|\/)Kconfig[^/]*$/.test(p)).map((path) => ({ path, text: read(path) ?? '' }));
  const makefileDirs = [...new Set(build.filter((p) => !/(^|\/)Kconfig[^/]*$/.test(p)).map((p) => rel(dirname(join(root, p)))))];
  const arches = readdirSync(join(root, 'arch')).filter((a) => statSync(join(root, 'arch', a)).isDirectory()).sort();
  return new Kbuild({ kconfigs, arches, makefileDirs, read });
}

/** The directory itself or its nearest ancestor that is a build root. */
function buildRootOf(dir: string): string | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (isBuildRoot(d)) return d;
    if (dirname(d) === d) return undefined;
  }
}

function isBuildRoot(dir: string): boolean {
  return existsSync(join(dir, 'arch')) && existsSync(join(dir, 'Kconfig'));
}
