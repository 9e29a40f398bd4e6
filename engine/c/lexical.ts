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

function scan(text: string, opts: BlankOptions): { code: string; openComment: boolean } {
  let openComment = false;
  const out = text.split('');
  let i = 0;
  const n = text.length;
  const blank = (from: number, to: number): void => {
    for (let k = from; k < to && k < n; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  if (opts.startInComment) {
    const end = text.indexOf('*/');
    const stop = end < 0 ? n : end + 2;
    blank(0, stop);
    i = stop;
  }
  while (i < n) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      if (end < 0) openComment = true;
      blank(i, stop);
      i = stop;
    } else if (c === '/' && text[i + 1] === '/') {
      let stop = text.indexOf('\n', i);
      if (stop < 0) stop = n;
      blank(i, stop);
      i = stop;
    } else if (c === '"' || c === "'") {
      // A literal never spans lines in the code we read; stop at the newline if it is unclosed.
      let k = i + 1;
      while (k < n && text[k] !== c && text[k] !== '\n') k += text[k] === '\\' ? 2 : 1;
      blank(i + 1, Math.min(k, n));
      i = k + 1;
    } else {
      i++;
    }
  }
  return { code: out.join(''), openComment };
}

/** Index of the `)` matching the `(` at `open` in blanked text, or -1. */
export function matchParen(code: string, open: number): number {
  let depth = 0;
  for (let k = open; k < code.length; k++) {
    const c = code[k];
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return k;
  }
  return -1;
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
