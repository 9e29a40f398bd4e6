// A tiny lexer pass: blank out comments, strings and character literals (same length, newlines
// kept) so that the regex-based masking and brace counting only ever look at code.

export interface BlankOptions {
  /** The text starts inside a block comment (a hunk that begins at ` * ...`). */
  readonly startInComment?: boolean;
}

export function blankNonCode(text: string, opts: BlankOptions = {}): string {
  return scan(text, opts).code;
}

/** True when the text ends inside a block comment (a hunk cut in the middle of one). */
export function endsInComment(text: string, opts: BlankOptions = {}): boolean {
  return scan(text, opts).openComment;
}

/** `n` spaces; short runs (most comments) come from one string, longer ones are built. */
function spaces(n: number): string {
  return n <= 0 ? '' : n <= SPACES.length ? SPACES.slice(0, n) : ' '.repeat(n);
}

const SPACES = ' '.repeat(256);

function scan(text: string, opts: BlankOptions): { code: string; openComment: boolean } {
  const out: string[] = [];
  // Spaces for every unit but the newlines (a comment or literal rarely spans a line).
  const blank = (from: number, to: number): void => {
    let run = from;
    for (let k = from; k < to; k++) {
      if (text.charCodeAt(k) !== 10) continue;
      out.push(spaces(k - run), '\n');
      run = k + 1;
    }
    out.push(spaces(to - run));
  };
  let openComment = false;
  let i = 0;
  const n = text.length;
  if (opts.startInComment) {
    const end = text.indexOf('*/');
    i = end < 0 ? n : end + 2;
    blank(0, i);
  }
  const start = /\/\*|\/\/|["']/g;
  while (i < n) {
    start.lastIndex = i;
    const m = start.exec(text);
    if (!m) break;
    out.push(text.slice(i, m.index));
    const at = m.index;
    if (m[0] === '/*') {
      const end = text.indexOf('*/', at + 2);
      if (end < 0) openComment = true;
      i = end < 0 ? n : end + 2;
      blank(at, i);
    } else if (m[0] === '//') {
      const end = text.indexOf('\n', at);
      i = end < 0 ? n : end;
      blank(at, i);
    } else {
      // A literal never spans lines in the code we read; stop at the newline if it is unclosed.
      const q = m[0];
      let k = at + 1;
      while (k < n && text[k] !== q && text[k] !== '\n') k += text[k] === '\\' ? 2 : 1;
      k = Math.min(k, n);
      out.push(q);
      blank(at + 1, k);
      if (k < n && text[k] === q) out.push(q);
      i = k < n && text[k] === q ? k + 1 : k;
    }
  }
  if (i < n) out.push(text.slice(i));
  return { code: out.join(''), openComment };
}

/** Index of the `)` matching the `(` at `open` in blanked text, or -1 (`pair` '{}' for braces). */
/** `s` as a regular expression that matches exactly it. */
export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function matchParen(code: string, open: number, pair: '()' | '{}' = '()'): number {
  let depth = 0;
  for (let k = open; k < code.length; k++) {
    const c = code[k];
    if (c === pair[0]) depth++;
    else if (c === pair[1] && --depth === 0) return k;
  }
  return -1;
}

/** The text without parentheses that enclose all of it (`((a) && b)` → `(a) && b`), trimmed. */
export function stripOuterParens(text: string): string {
  let t = text.trim();
  while (t.startsWith('(') && matchParen(t, 0) === t.length - 1) t = t.slice(1, -1).trim();
  return t;
}

export interface BraceProfile {
  /** Lowest running depth reached (0 when no `}` closes something opened before the text). */
  readonly minDepth: number;
  /** Offset just after the first `}` at which the running depth reached `minDepth`. */
  readonly minAt: number;
  readonly finalDepth: number;
}

export function braceProfile(code: string): BraceProfile {
  let depth = 0;
  let minDepth = 0;
  let minAt = 0;
  for (let k = 0; k < code.length; k++) {
    const c = code[k];
    if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth < minDepth) {
        minDepth = depth;
        minAt = k + 1;
      }
    }
  }
  return { minDepth, minAt, finalDepth: depth };
}
