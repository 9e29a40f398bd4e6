// Splits the input into lines and peels off each line's mail quote prefix (`> `, `> > `, `>>`,
// `>>> `...), so the diff reader sees the same body whatever depth a reply quoted it at, and
// every body column can still be mapped back to the input line the user has open.

export interface QuotedLine {
  /** 1-based input line number. */
  readonly line: number;
  /** The whole input line, without its line terminator. */
  readonly raw: string;
  /** The quote prefix, including the one space that follows the last `>` when present. */
  readonly prefix: string;
  /** How many `>` the prefix holds: 0 for an unquoted line. */
  readonly depth: number;
  /** The line after the prefix: a diff line, prose, or a mail header. */
  readonly body: string;
  /** 1-based input column of the first character of `body`. */
  readonly bodyCol: number;
}

// A `>` optionally followed by one space, repeated. One space only: a second space is the
// context marker of a quoted diff line (`>  foo` is the context line ` foo`).
const QUOTE_PREFIX = /^(?:>[ ]?)+/;

/** Splits on LF, dropping a CR before it; a final line terminator does not open a new line. */
export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

export function parseQuote(raw: string, line: number): QuotedLine {
  const m = QUOTE_PREFIX.exec(raw);
  const prefix = m ? m[0] : '';
  let depth = 0;
  for (const ch of prefix) if (ch === '>') depth++;
  return { line, raw, prefix, depth, body: raw.slice(prefix.length), bodyCol: prefix.length + 1 };
}

export function quotedLines(text: string): QuotedLine[] {
  return splitLines(text).map((raw, i) => parseQuote(raw, i + 1));
}
