// Patch review with the patched files at hand: the document's patch is read once, its files are
// looked up among the tree sources (and the workspace), and both images of each are rebuilt so
// that whole functions are judged (engine/patch/whole-file.ts). Which functions the patch
// touches is decided here too: only they are the document's functions; the rest of a rebuilt
// file is context, the peers the touched functions run against.
import type { Thread } from '../extract/types';
import { parseInput } from '../patch/index';
import type { ParsedInput, Problem } from '../patch/types';
import { outOfView, touches, withWholeFiles, type ImageFile } from '../patch/whole-file';
import type { SourceText } from './sources';
import type { Place, Problem as CheckProblem, Range } from './types';

export interface PatchImages {
  readonly parsed: ParsedInput;
  readonly files: readonly ImageFile[];
  /** Tree paths replaced by a rebuilt image: their own functions must not pair a second time. */
  readonly replaced: ReadonlySet<string>;
  readonly problems: readonly Problem[];
  /** For a thread of the document: whether the patch changes it. */
  touched(t: Thread): boolean;
  /**
   * A problem on a line the patch does not show: kept, in the file it stands for, only inside a
   * function the patch touches (an inline asm elsewhere in the file is not the patch's business).
   */
  problem(p: CheckProblem, touchedThreads: readonly Thread[]): CheckProblem | undefined;
  /** A place on a line the patch does not show moves to the file it stands for. */
  place(range: Range, fn?: string): Place;
}

/** Finds a patch path among the files a caller can read: `a/b/c.c` matches `.../a/b/c.c`. */
function finder(a: { tree: readonly SourceText[]; paths: readonly string[]; read?: (p: string) => string | undefined }) {
  return (path: string): { source: string; text: string } | undefined => {
    const fits = (p: string): boolean => p === path || p.endsWith(`/${path}`);
    const t = a.tree.find((s) => s.path !== undefined && fits(s.path));
    if (t) return { source: t.path!, text: t.text };
    const p = a.paths.find(fits) ?? (a.read?.(path) !== undefined ? path : undefined);
    const text = p !== undefined ? a.read?.(p) : undefined;
    return p !== undefined && text !== undefined ? { source: p, text } : undefined;
  };
}

export function patchImages(a: {
  document: SourceText; tree: readonly SourceText[]; paths?: readonly string[]; read?: (p: string) => string | undefined;
}): PatchImages {
  const original = a.document.parsed ?? parseInput(a.document.text, { path: a.document.path });
  const whole = withWholeFiles(original, finder({ tree: a.tree, paths: a.paths ?? [], read: a.read }));
  const byPath = new Map(whole.files.map((f, i) => [f.patchPath, i]));
  // Every fragment line's file line, per file and image, for telling which functions changed.
  const fileLine = new Map<string, number>();
  for (const u of whole.parsed.units) {
    for (const f of u.files) {
      const path = f.newPath ?? f.oldPath;
      if (path === null || !byPath.has(path)) continue;
      for (const frag of [...f.pre, ...f.post]) {
        frag.lines.forEach((l, i) => fileLine.set(`${path}|${frag.side}|${l.segments[0]!.input.line}`, frag.fileStartLine + i));
      }
    }
  }
  const touched = new WeakMap<Thread, boolean>();
  return {
    parsed: whole.parsed,
    files: whole.files,
    replaced: new Set(whole.files.map((f) => f.source)),
    problems: whole.problems,
    touched(t) {
      let v = touched.get(t);
      if (v === undefined) {
        const i = t.file !== undefined ? byPath.get(t.file) : undefined;
        const side = t.side ?? 'post';
        const from = fileLine.get(`${t.file}|${side}|${t.span.line}`);
        const to = fileLine.get(`${t.file}|${side}|${t.span.endLine}`);
        // A function of a file not rebuilt is a hunk fragment: the patch shows it because it changes it.
        v = i === undefined ? true : from !== undefined && to !== undefined && touches(whole.files[i]!, side, from, to);
        touched.set(t, v);
      }
      return v;
    },
    problem(p, touchedThreads) {
      const where = outOfView(p.line);
      if (!where) return p;
      if (!touchedThreads.some((t) => t.span.line <= p.line && p.line <= t.span.endLine)) return undefined;
      const file = whole.files[where.file]!;
      return { ...p, file: file.source, line: where.fileLine, message: p.message.replace(/ at \d+:(\d+)/, ` at ${where.fileLine}:$1`) };
    },
    place(range, fn) {
      const where = outOfView(range.line);
      const named = fn !== undefined ? { function: fn } : {};
      if (!where) return { range, ...named };
      const file = whole.files[where.file]!;
      const endLine = outOfView(range.endLine)?.fileLine ?? where.fileLine;
      return { file: file.source, range: { ...range, line: where.fileLine, endLine }, ...named };
    },
  };
}
