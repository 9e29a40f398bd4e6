// Text edits that change a hunk in place in the input document: insert `+` lines, drop added
// lines, turn context lines into removed ones, and recount the `@@` headers so the patch still
// applies. In a quoted reply the new lines carry the hunk's quote prefix.

import { parseQuote, splitLines } from './quote';
import type { FilePatch, Fragment, Hunk } from './types';

/** A replacement of the input range [line:col, endLine:endCol) (1-based, end exclusive). */
export interface TextEdit {
  readonly line: number;
  readonly col: number;
  readonly endLine: number;
  readonly endCol: number;
  readonly newText: string;
}

export interface HunkEdit {
  /** The whole input document the file patch was parsed from. */
  readonly text: string;
  readonly file: FilePatch;
  readonly hunkIndex: number;
  /** Lines of code (without marker or prefix) to add before hunk line `before`; use the
   * hunk's line count to add at its end. */
  readonly insert?: readonly { readonly before: number; readonly lines: readonly string[] }[];
  /** Hunk lines to take out of the post-image: an added line is deleted, a context line
   * becomes a removed line. Removed lines are left as they are. */
  readonly remove?: readonly number[];
  /** `text` split by splitLines, when the caller edits the same text many times. */
  readonly lines?: readonly string[];
}

const HEADER_COUNTS = /@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/** Where, in hunk terms, a fragment line sits: for inserting before it (or after the last). */
export function hunkLineIndex(file: FilePatch, fragment: Fragment, fragLine0: number): { hunkIndex: number; line: number } | undefined {
  const hunkIndex = fragment.hunkIndex ?? file.hunks.findIndex((h) => h.lines.includes(fragment.lines[0]!));
  const hunk = file.hunks[hunkIndex];
  if (hunk === undefined || fragment.lines.length === 0) return undefined;
  if (fragLine0 >= fragment.lines.length) return { hunkIndex, line: hunk.lines.indexOf(fragment.lines[fragment.lines.length - 1]!) + 1 };
  const line = hunk.lines.indexOf(fragment.lines[Math.max(0, fragLine0)]!);
  return line < 0 ? undefined : { hunkIndex, line };
}

export function insertAddedLines(opts: { text: string; file: FilePatch; hunkIndex: number; before: number; lines: readonly string[] }): TextEdit[] {
  return editHunk({ text: opts.text, file: opts.file, hunkIndex: opts.hunkIndex, insert: [{ before: opts.before, lines: opts.lines }] });
}

export function editHunk(e: HunkEdit): TextEdit[] {
  const hunk = e.file.hunks[e.hunkIndex];
  if (hunk === undefined) return [];
  const input = e.lines ?? splitLines(e.text);
  const eol = e.text.includes('\r\n') ? '\r\n' : '\n';
  const prefix = parseQuote(input[hunk.headerLine - 1] ?? '', hunk.headerLine).prefix;
  const edits: TextEdit[] = [];
  let delta = 0;
  for (const ins of e.insert ?? []) {
    if (ins.lines.length === 0) continue;
    delta += ins.lines.length;
    const at = hunk.lines[ins.before];
    if (at !== undefined) {
      const line = at.segments[0]!.input.line;
      edits.push({ line, col: 1, endLine: line, endCol: 1, newText: ins.lines.map((l) => `${prefix}+${l}${eol}`).join('') });
    } else {
      const last = hunk.lines[hunk.lines.length - 1];
      const line = last ? last.segments[last.segments.length - 1]!.input.line : hunk.headerLine;
      const col = (input[line - 1] ?? '').length + 1;
      edits.push({ line, col, endLine: line, endCol: col, newText: ins.lines.map((l) => `${eol}${prefix}+${l}`).join('') });
    }
  }
  for (const index of new Set(e.remove ?? [])) {
    const hl = hunk.lines[index];
    if (hl === undefined || hl.kind === 'removed') continue;
    delta--;
    const first = hl.segments[0]!.input;
    if (hl.kind === 'context') {
      // A context line keeps its place in the pre-image: only its marker changes.
      const hasMarker = hl.inferred === undefined;
      edits.push({ line: first.line, col: hasMarker ? first.col - 1 : first.col, endLine: first.line, endCol: first.col, newText: '-' });
      continue;
    }
    const lastLine = hl.segments[hl.segments.length - 1]!.input.line;
    if (lastLine < input.length) {
      edits.push({ line: first.line, col: 1, endLine: lastLine + 1, endCol: 1, newText: '' });
    } else {
      const startLine = Math.max(1, first.line - 1);
      const startCol = first.line > 1 ? (input[startLine - 1] ?? '').length + 1 : 1;
      edits.push({ line: startLine, col: startCol, endLine: lastLine, endCol: (input[lastLine - 1] ?? '').length + 1, newText: '' });
    }
  }
  if (delta !== 0) {
    const base = hunk.truncated ? (hunk.declaredNewLines ?? hunk.newLines) : hunk.newLines;
    const edit = headerNewRange(input, hunk, (start) => `+${start},${base + delta}`);
    if (edit) edits.push(edit);
    // Later hunks of the same file start `delta` lines later in the new file.
    for (const later of e.file.hunks.slice(e.hunkIndex + 1)) {
      const count = later.truncated ? (later.declaredNewLines ?? later.newLines) : later.newLines;
      const shift = headerNewRange(input, later, (start) => `+${start + delta},${count}`);
      if (shift) edits.push(shift);
    }
  }
  return edits.sort((a, b) => a.line - b.line || a.col - b.col);
}

/** An edit replacing the `+start,count` part of a hunk header with `make(start)`. */
function headerNewRange(input: readonly string[], hunk: Hunk, make: (start: number) => string): TextEdit | undefined {
  const raw = input[hunk.headerLine - 1] ?? '';
  const m = HEADER_COUNTS.exec(raw);
  if (!m) return undefined;
  const plusText = `+${m[3]}${m[4] !== undefined ? `,${m[4]}` : ''}`;
  const col = m.index + m[0].indexOf(` ${plusText} @@`) + 2;
  return { line: hunk.headerLine, col, endLine: hunk.headerLine, endCol: col + plusText.length, newText: make(Number(m[3])) };
}

/** Applies non-overlapping edits to the text (for tests, the CLI and previews). */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const offset = (line: number, col: number): number => Math.min(text.length, (starts[line - 1] ?? text.length) + col - 1);
  const ranged = edits.map((e, index) => ({ from: offset(e.line, e.col), to: offset(e.endLine, e.endCol), text: e.newText, index }));
  // From the end backwards so earlier offsets stay valid; at one start, the wider range first,
  // and insertions at one point in reverse so they end up in the order given.
  ranged.sort((a, b) => b.from - a.from || b.to - a.to || b.index - a.index);
  let out = text;
  for (const r of ranged) out = out.slice(0, r.from) + r.text + out.slice(r.to);
  return out;
}
