// Maps positions in the parsed text back to the input document: a plain file shifts by the
// synthetic header line (if any); a patch fragment goes through its hunk lines' segments, so a
// span lands on the `+` line inside any quote prefix.
import type { SyntaxNode } from '../c/parser';
import { inputPosOf } from '../patch/fragments';
import type { Fragment } from '../patch/types';
import type { Span } from './types';

export interface SourceMap {
  /** 0-based row/column in the parsed text → 1-based input line/column. */
  toInput(row: number, col: number): { line: number; col: number };
  /** 0-based row in the parsed text → line in the source file. */
  srcLine(row: number): number;
  /**
   * How rows `r0..r1` map, relative to where `r0` lands: two ranges with the same key map
   * every (row, column) alike up to a shift of lines (see extract/relocate.ts).
   */
  layout(r0: number, r1: number): { key: string; line: number; src: number };
}

export function fileMap(lineOffset: number): SourceMap {
  return {
    toInput: (row, col) => ({ line: Math.max(1, row - lineOffset + 1), col: col + 1 }),
    srcLine: (row) => Math.max(1, row - lineOffset + 1),
    // Rows above the file's first line (a synthetic header) are pinned to line 1.
    layout: (r0, r1) => ({ key: `file:${Math.max(0, lineOffset - r0)}:${r1 - r0}`, line: Math.max(1, r0 - lineOffset + 1), src: Math.max(1, r0 - lineOffset + 1) }),
  };
}

export function fragmentMap(fragment: Fragment, lineOffset: number): SourceMap {
  const last = fragment.lines.length - 1;
  const row0 = (row: number): number => Math.min(Math.max(0, row - lineOffset), last);
  return {
    // Rows past the fragment are the closing braces added to balance it: pin them to its end.
    toInput: (row, col) => inputPosOf(fragment, row0(row), row - lineOffset > last ? Number.MAX_SAFE_INTEGER : col + 1),
    srcLine: (row) => fragment.fileStartLine + row0(row),
    layout: (r0, r1) => {
      const base = inputPosOf(fragment, row0(r0), 1).line;
      const rows: string[] = [];
      for (let r = r0; r <= r1; r++) {
        const f = r - lineOffset;
        const line = fragment.lines[row0(r)]!;
        const segs = line.segments.map((g) => `${g.textCol},${g.input.line - base},${g.input.col}`).join(';');
        rows.push(`${f < 0 ? 'H' : f > last ? 'E' : ''}${row0(r) - row0(r0)}:${line.text.length}:${segs}`);
      }
      return { key: `frag:${rows.join('|')}`, line: base, src: fragment.fileStartLine + row0(r0) };
    },
  };
}

export function spanOf(node: SyntaxNode, map: SourceMap): Span {
  const s = map.toInput(node.startPosition.row, node.startPosition.column);
  const e = map.toInput(node.endPosition.row, node.endPosition.column);
  return { line: s.line, col: s.col, endLine: e.line, endCol: e.col };
}
