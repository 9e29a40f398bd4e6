// Whole functions for patch review. A hunk shows a few lines of a function; its ordering is
// decided by the rest (the access above the hunk, the barrier below it). When the patched file
// is at hand (a tree given, or the checkout), both images of the file are rebuilt in memory
// from it and the hunks, and every top-level chunk of both images becomes a fragment, so the
// extraction sees whole functions and the peers of the same file come from the same image.
//
// Lines of the images that the patch does not show have no place in the input document. They
// get "virtual" input lines far past any real document (VIRTUAL_LINE_BASE), one per file line,
// so spans stay distinct and ordered; `outOfView` turns such a line back into file and line.
import { topLevelChunks } from '../c/chunks';
import type { Fragment, Hunk, HunkLine, ParsedInput, Problem } from './types';

/** Input lines from here on stand for lines of a file image that the patch does not show. */
export const VIRTUAL_LINE_BASE = 10_000_000;

/** How a file image was rebuilt, for the positions and the messages that mention it. */
export interface ImageFile {
  /** The path in the patch (`xen/common/sched.c`). */
  readonly patchPath: string;
  /** The file it was rebuilt from, as the caller named it. */
  readonly source: string;
  /** Whether the file held the pre-image (the patch applies to it) or already the post-image. */
  readonly held: 'pre' | 'post';
  /** Per side: file line (1-based) ranges of the changed lines, or of the gap where lines went. */
  readonly changes: { readonly pre: readonly [number, number][]; readonly post: readonly [number, number][] };
}

export interface WholeFileResult {
  readonly parsed: ParsedInput;
  readonly files: readonly ImageFile[];
  readonly problems: readonly Problem[];
}

/** A virtual input line: which image file (index into `files`) and which line of the file as given. */
export function outOfView(line: number): { file: number; fileLine: number; side: 'pre' | 'post' } | undefined {
  if (line < VIRTUAL_LINE_BASE) return undefined;
  const n = Math.floor(line / VIRTUAL_LINE_BASE) - 1;
  return { file: n >> 1, side: (n & 1) === 0 ? 'pre' : 'post', fileLine: line % VIRTUAL_LINE_BASE };
}

function virtualLine(file: number, side: 'pre' | 'post', fileLine: number): number {
  return (2 * file + (side === 'pre' ? 0 : 1) + 1) * VIRTUAL_LINE_BASE + fileLine;
}

/**
 * Rebuilds whole-file fragments for every file of the patch whose text `lookup` finds.
 * Files not found, or whose text the hunks do not match, keep their hunk fragments.
 */
export function withWholeFiles(parsed: ParsedInput, lookup: (path: string) => { source: string; text: string } | undefined): WholeFileResult {
  const files: ImageFile[] = [];
  const problems: Problem[] = [];
  const units = parsed.units.map((u) => ({
    ...u,
    files: u.files.map((f) => {
      const path = f.oldPath ?? f.newPath;
      if (f.binary || path === null || !/\.(c|h|inc)$/.test(path) || f.hunks.length === 0) return f;
      const found = lookup(path);
      if (!found) return f;
      const images = rebuildImages(f.hunks, found.text);
      if (!images) {
        problems.push({ severity: 'info', line: f.headerLine ?? f.hunks[0]!.headerLine, col: 1, message: `${found.source} does not match this patch's hunks (neither image); the functions are judged from the hunks alone` });
        return f;
      }
      const index = files.length;
      files.push({ patchPath: f.newPath ?? path, source: found.source, held: images.held, changes: images.changes });
      return { ...f, pre: imageFragments({ side: 'pre', lines: images.pre, file: index }), post: imageFragments({ side: 'post', lines: images.post, file: index }) };
    }),
  }));
  return { parsed: { ...parsed, units }, files, problems };
}

/** One line of a rebuilt image: the hunk line that shows it, or only its text. */
type ImageLine = { readonly text: string; readonly shown?: HunkLine; readonly held?: number };

interface Images {
  readonly pre: ImageLine[];
  readonly post: ImageLine[];
  readonly held: 'pre' | 'post';
  readonly changes: ImageFile['changes'];
}

/** Both images of a file from one of them and the hunks, or undefined when the hunks do not fit. */
function rebuildImages(hunks: readonly Hunk[], text: string): Images | undefined {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return apply(hunks, lines, 'pre') ?? apply(hunks, lines, 'post');
}

function apply(hunks: readonly Hunk[], file: readonly string[], held: 'pre' | 'post'): Images | undefined {
  const mine = (l: HunkLine): boolean => l.kind === 'context' || l.kind === (held === 'pre' ? 'removed' : 'added');
  const pre: ImageLine[] = [];
  const post: ImageLine[] = [];
  const changes = { pre: [] as [number, number][], post: [] as [number, number][] };
  let at = 0;
  let shift = 0;
  for (const h of hunks) {
    const own = h.lines.filter(mine);
    const claimed = (held === 'pre' ? h.oldStart : h.newStart) - 1 + shift;
    const start = locate(file, own.map((l) => l.text), Math.max(at, claimed), at);
    if (start === undefined) return undefined;
    shift = start - ((held === 'pre' ? h.oldStart : h.newStart) - 1);
    for (; at < start; at++) { pre.push({ text: file[at]!, held: at + 1 }); post.push({ text: file[at]!, held: at + 1 }); }
    for (const l of h.lines) {
      const wasAdded = pre.length;
      const wasPost = post.length;
      if (l.kind !== 'added') pre.push({ text: l.text, shown: l });
      if (l.kind !== 'removed') post.push({ text: l.text, shown: l });
      if (l.kind === 'removed') { changes.pre.push([pre.length, pre.length]); changes.post.push([wasPost, wasPost + 1]); }
      if (l.kind === 'added') { changes.post.push([post.length, post.length]); changes.pre.push([wasAdded, wasAdded + 1]); }
    }
    at = start + own.length;
  }
  for (; at < file.length; at++) { pre.push({ text: file[at]!, held: at + 1 }); post.push({ text: file[at]!, held: at + 1 }); }
  return { pre, post, held, changes: { pre: merge(changes.pre), post: merge(changes.post) } };
}

/** Where a hunk's lines stand in the file: at the claimed line, else the nearest match after `from`. */
function locate(file: readonly string[], want: readonly string[], claimed: number, from: number): number | undefined {
  const fits = (s: number): boolean => s >= from && s + want.length <= file.length && want.every((w, i) => file[s + i]!.trimEnd() === w.trimEnd());
  if (want.length === 0) return Math.min(Math.max(claimed, from), file.length);
  for (let d = 0; d < file.length; d++) {
    if (fits(claimed + d)) return claimed + d;
    if (d > 0 && fits(claimed - d)) return claimed - d;
    if (claimed + d >= file.length && claimed - d < from) break;
  }
  return undefined;
}

function merge(ranges: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const r of [...ranges].sort((a, b) => a[0] - b[0])) {
    const last = out.at(-1);
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

/** One fragment per top-level chunk of an image; lines the patch does not show get virtual positions. */
function imageFragments(a: { side: 'pre' | 'post'; lines: readonly ImageLine[]; file: number }): Fragment[] {
  const text = a.lines.map((l) => l.text).join('\n');
  return topLevelChunks(text).map((chunk) => {
    const count = chunk.text.split('\n').length - (chunk.text.endsWith('\n') ? 1 : 0);
    const lines: HunkLine[] = [];
    for (let i = chunk.startLine; i < chunk.startLine + count && i < a.lines.length; i++) {
      const l = a.lines[i]!;
      lines.push(l.shown ?? {
        kind: 'context', text: l.text, quotePrefix: '',
        segments: [{ textCol: 1, input: { line: virtualLine(a.file, a.side, l.held ?? i + 1), col: 1 } }],
      });
    }
    return { side: a.side, text: lines.map((l) => l.text).join('\n'), fileStartLine: chunk.startLine + 1, lines };
  }).filter((f) => f.lines.length > 0);
}

/** Whether a function spanning file lines [from, to] of one image contains a change of the patch. */
export function touches(file: ImageFile, side: 'pre' | 'post', from: number, to: number): boolean {
  return file.changes[side].some(([a, b]) => a <= to && b >= from);
}
