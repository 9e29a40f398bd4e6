// Pre- and post-image fragments cut from hunks, and the maps between a fragment position (what
// the C parser sees) and the input position (what the user sees, inside any quote prefix).

import type { FilePatch, Fragment, Hunk, HunkLine, InputPos } from './types';

/** One fragment per hunk and side; a side with no lines (a new or deleted file) gives none. */
export function buildFragments(hunks: readonly Hunk[], side: 'pre' | 'post'): Fragment[] {
  const skip: HunkLine['kind'] = side === 'pre' ? 'added' : 'removed';
  const out: Fragment[] = [];
  hunks.forEach((hunk, hunkIndex) => {
    const lines = hunk.lines.filter((l) => l.kind !== skip);
    if (lines.length === 0) return;
    out.push({
      side,
      text: lines.map((l) => l.text).join('\n'),
      fileStartLine: side === 'pre' ? hunk.oldStart : hunk.newStart,
      ...(hunk.section !== undefined ? { section: hunk.section } : {}),
      lines,
      hunkIndex,
    });
  });
  return out;
}

/**
 * Maps a position in a fragment (0-based line, 1-based column in that line's text) to the
 * input document. A column inside a wrapped line lands on the input line holding that piece;
 * a column past the end stays on the last piece, one past its last character at most.
 */
export function inputPosOf(fragment: Fragment, fragLine0: number, fragCol1: number): InputPos {
  const line = fragment.lines[Math.max(0, Math.min(fragment.lines.length - 1, fragLine0))];
  if (line === undefined) return { line: 1, col: 1 };
  const col = Math.max(1, Math.min(fragCol1, line.text.length + 1));
  let seg = line.segments[0]!;
  for (const s of line.segments) if (s.textCol <= col) seg = s;
  return { line: seg.input.line, col: seg.input.col + (col - seg.textCol) };
}

/** The reverse map: which fragment line and column an input position falls on, if any. */
export function fragmentPosAt(file: FilePatch, side: 'pre' | 'post', pos: InputPos): { fragment: Fragment; line0: number; col1: number } | undefined {
  for (const fragment of side === 'pre' ? file.pre : file.post) {
    for (let line0 = 0; line0 < fragment.lines.length; line0++) {
      const segs = fragment.lines[line0]!.segments;
      for (let k = segs.length - 1; k >= 0; k--) {
        const s = segs[k]!;
        if (s.input.line !== pos.line) continue;
        const end = k + 1 < segs.length ? segs[k + 1]!.textCol - 1 : fragment.lines[line0]!.text.length + 1;
        const col1 = s.textCol + Math.max(0, pos.col - s.input.col);
        return { fragment, line0, col1: Math.min(col1, Math.max(s.textCol, end)) };
      }
    }
  }
  return undefined;
}
