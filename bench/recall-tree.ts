// The file side of `npm run bench recall`: a scratch copy of a real tree (hard links, so the
// copy is cheap and the cache is never written), a bug put into it with GNU patch, and the
// touched files put back from the pristine tree afterwards. Restoring copies the pristine file
// rather than running `patch -R`: a patch that applied with fuzz can reverse onto the wrong one
// of two look-alike hunks and leave the bug in place for the next case.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fixDiff } from '../engine/cli/fix';

/** How a bug patch went onto the tree: cleanly, with offsets, with fuzz, or not at all. */
export type Applies = 'clean' | 'offset' | 'fuzz' | 'no';

export interface DryRun {
  readonly applies: Applies;
  /** GNU patch's own words (which hunks moved or failed). */
  readonly log: string;
}

/** GNU patch's version line, or undefined if there is no GNU patch on PATH. */
export function gnuPatchVersion(): string | undefined {
  const r = spawnSync('patch', ['--version'], { encoding: 'utf8' });
  const first = r.stdout?.split('\n')[0] ?? '';
  return r.status === 0 && /GNU patch/.test(first) ? first : undefined;
}

/** Reads GNU patch's report of an application that succeeded. */
export function classifyPatchLog(log: string): Exclude<Applies, 'no'> {
  if (/with fuzz \d+/.test(log)) return 'fuzz';
  return /\(offset -?\d+ lines?\)/.test(log) ? 'offset' : 'clean';
}

function runPatch(root: string, text: string, reverse: boolean, dryRun: boolean): { status: number | null; log: string } {
  const args = ['-p1', '-f', '--no-backup-if-mismatch', '-d', root, ...(reverse ? ['-R'] : []), ...(dryRun ? ['--dry-run'] : ['--reject-file=-'])];
  const r = spawnSync('patch', args, { input: text, encoding: 'utf8' });
  return { status: r.status, log: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}

/** Whether the patch (reversed for a fix mail) applies to the tree at `root`; writes nothing. */
export function dryRun(root: string, text: string, reverse: boolean): DryRun {
  const r = runPatch(root, text, reverse, true);
  return { applies: r.status === 0 ? classifyPatchLog(r.log) : 'no', log: r.log };
}

/** A hard-link copy of `from` at `to` (whose parent is created). */
export function linkCopy(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  const r = spawnSync('cp', ['-al', from, to], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cp -al ${from} ${to}: ${r.stderr}`);
}

/**
 * A scratch tree: `root` mirrors `pristine` (hard links), and `apply` puts a bug into it with
 * the touched files' links broken first, so the pristine files are never written.
 */
export class ScratchTree {
  constructor(readonly pristine: string, readonly root: string) {}

  /** Puts `rel` back as the pristine file (a fresh copy, not a link), or removes it if new. */
  private restoreFile(rel: string): void {
    const at = join(this.root, rel);
    rmSync(at, { force: true });
    if (existsSync(join(this.pristine, rel))) {
      mkdirSync(dirname(at), { recursive: true });
      copyFileSync(join(this.pristine, rel), at);
    }
  }

  /** Applies the patch to the files `rels` it names; on failure the files are restored. */
  apply(text: string, reverse: boolean, rels: readonly string[]): { ok: boolean; log: string } {
    for (const rel of rels) this.restoreFile(rel);
    const r = runPatch(this.root, text, reverse, false);
    if (r.status !== 0) this.restore(rels);
    return { ok: r.status === 0, log: r.log };
  }

  restore(rels: readonly string[]): void {
    for (const rel of rels) this.restoreFile(rel);
    const dirty = rels.filter((rel) => this.read(rel, this.root) !== this.read(rel, this.pristine));
    if (dirty.length > 0) throw new Error(`recall: could not restore ${dirty.join(', ')} in ${this.root}`);
  }

  private read(rel: string, base: string): string {
    const p = join(base, rel);
    return existsSync(p) ? readFileSync(p, 'utf8') : '';
  }

  /** The bug as a patch against this tree: `diff -u` of each pristine file and its patched copy. */
  diff(rels: readonly string[]): string {
    return rels.map((rel) => fixDiff(rel, this.read(rel, this.pristine), this.read(rel, this.root))).filter((d) => /^@@/m.test(d)).join('');
  }
}
