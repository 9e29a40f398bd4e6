// The patch front end: text in (a diff, a format-patch mail, an mbox series, a reply quoting a
// patch, or plain C), readonly structure out, with every code position mapped back to the input.

import { isCPath, looksLikeC } from './detect';
import { quotedLines } from './quote';
import { readPatches } from './reader';
import type { ParsedInput, Problem } from './types';

export type * from './types';
export { inputPosOf, fragmentPosAt } from './fragments';
export { editHunk, insertAddedLines, hunkLineIndex, applyTextEdits, type TextEdit, type HunkEdit } from './edit';

/**
 * Reads any supported input. Never throws: what cannot be read becomes a problem.
 * `kind` is 'mbox' when mail structure was found (a format-patch mail, an mbox series, even
 * quoted), 'patch' for diffs without mail headers (git diff/show, quilt, a quoted reply),
 * 'c' for C source (by `.c`/`.h` path or by content), and 'unknown' otherwise.
 */
export function parseInput(text: string, opts: { path?: string } = {}): ParsedInput {
  try {
    if (isCPath(opts.path)) return { kind: 'c', units: [], problems: [] };
    const read = readPatches(quotedLines(text));
    const problems = [...read.problems].sort((a, b) => a.line - b.line || a.col - b.col);
    if (read.units.length > 0) return { kind: read.sawMail ? 'mbox' : 'patch', units: read.units, problems };
    if (looksLikeC(text)) return { kind: 'c', units: [], problems };
    return { kind: 'unknown', units: [], problems: [...problems, { severity: 'info', line: 1, col: 1, message: 'no diff and no C code found in this input' }] };
  } catch (err) {
    // A reader bug must not take the caller down; say where it happened instead.
    const problem: Problem = { severity: 'error', line: 1, col: 1, message: `internal error while reading the patch: ${String(err)}` };
    return { kind: 'unknown', units: [], problems: [problem] };
  }
}
