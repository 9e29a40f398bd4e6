// Suppression comments: `/* hvbarrier: ignore[missing-barrier] reason */` (or `// hvbarrier:
// ignore[...]`) on a finding's line or on the line above it silences that finding. In a patch
// the comment sits on a `+` or context line; a removed `-` line never counts, because the
// comment is gone once the patch applies. Several codes are comma-separated; `ignore` without
// a list silences every code on that line.

export interface IgnoreComment {
  /** 1-based input line of the comment. */
  readonly line: number;
  /** The codes it names, or 'all'. */
  readonly codes: readonly string[] | 'all';
  readonly reason: string;
}

const IGNORE = /(?:\/\*|\/\/)\s*hvbarrier:\s*ignore(?:\[([^\]]*)\])?\s*(.*?)\s*(?:\*\/|$)/;
/** A reply's quote prefix and a diff marker in front of the code. */
const QUOTE = /^(?:[ \t]*>[ \t]?)*/;

function parseIgnore(raw: string, line: number): IgnoreComment | undefined {
  const m = IGNORE.exec(raw);
  if (!m) return undefined;
  const codes = m[1] === undefined ? 'all' : m[1].split(',').map((c) => c.trim()).filter((c) => c !== '');
  return { line, codes, reason: m[2] ?? '' };
}

/** Whether an input line of a patch is a removed line (its comment does not survive the patch). */
function isRemoved(raw: string): boolean {
  return raw.replace(QUOTE, '').startsWith('-') && !raw.replace(QUOTE, '').startsWith('---');
}

/** The comment that silences `code` at input line `line` (1-based), if any. */
export function ignoreCommentFor(a: { lines: readonly string[]; line: number; code: string; patch: boolean }): IgnoreComment | undefined {
  const covers = (c: IgnoreComment | undefined): c is IgnoreComment => !!c && (c.codes === 'all' || c.codes.includes(a.code));
  const here = a.lines[a.line - 1];
  if (here !== undefined && !(a.patch && isRemoved(here))) {
    const c = parseIgnore(here, a.line);
    if (covers(c)) return c;
  }
  // The line above, passing over lines the patch removes.
  let above = a.line - 1;
  while (a.patch && above >= 1 && isRemoved(a.lines[above - 1] ?? '')) above--;
  if (above < 1) return undefined;
  const c = parseIgnore(a.lines[above - 1] ?? '', above);
  return covers(c) ? c : undefined;
}
