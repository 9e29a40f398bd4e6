// Tokens of the C litmus format. One lexer serves the C thread bodies and the herd clauses
// (init block, `locations`, `filter`, `exists`), so `/\` and `\/` are tokens too.
import type { Pos } from './ast';

export type TokenKind = 'ident' | 'num' | 'punct' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly pos: Pos;
  /** Offset in the source text, for slicing raw ranges (e.g. the test name). */
  readonly offset: number;
}

export class LitmusSyntaxError extends Error {
  constructor(message: string, readonly pos: Pos) {
    super(message);
  }
}

// Two-character tokens are tried before one-character ones, so `<=` never splits into `<` `=`.
const PUNCT2 = new Set(['/\\', '\\/', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '->', '+=', '-=', '|=', '&=', '^=', '++', '--']);
const PUNCT1 = new Set(['{', '}', '(', ')', '[', ']', ';', ',', '*', '&', '=', '<', '>', '+', '-', '/', '%', '|', '^', '!', '~', '?', ':', '.']);

const isIdentStart = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isIdentPart = (c: number): boolean => isIdentStart(c) || isDigit(c);

export function tokenize(text: string, start = 0): Token[] {
  const tokens: Token[] = [];
  let i = start;
  let line = 1;
  let lineStart = 0;
  // Count lines before `start` so positions stay absolute.
  for (let k = 0; k < start; k++) if (text.charCodeAt(k) === 10) { line++; lineStart = k + 1; }
  const pos = (at: number): Pos => ({ line, col: at - lineStart + 1 });
  // `(*` opens a herd comment outside C code, but inside a thread it is `( *x`: READ_ONCE(*x).
  let depth = 0;
  let threadPending = false;
  let inThread = false;
  const advanceTo = (end: number): void => {
    for (; i < end; i++) if (text.charCodeAt(i) === 10) { line++; lineStart = i + 1; }
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\f') { advanceTo(i + 1); continue; }
    if (!inThread && !threadPending && text.startsWith('(*', i)) {
      const at = pos(i);
      const end = findCommentEnd(text, i);
      if (end < 0) throw new LitmusSyntaxError('unterminated (* comment', at);
      advanceTo(end);
      continue;
    }
    if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) throw new LitmusSyntaxError('unterminated /* comment', pos(i));
      advanceTo(end + 2);
      continue;
    }
    if (text.startsWith('//', i)) {
      const end = text.indexOf('\n', i);
      advanceTo(end < 0 ? text.length : end);
      continue;
    }
    const at = pos(i);
    const offset = i;
    const code = text.charCodeAt(i);
    if (isIdentStart(code)) {
      let j = i + 1;
      while (j < text.length && isIdentPart(text.charCodeAt(j))) j++;
      const word = text.slice(i, j);
      if (depth === 0 && /^P\d+$/.test(word)) threadPending = true;
      tokens.push({ kind: 'ident', text: word, pos: at, offset });
      advanceTo(j);
      continue;
    }
    if (isDigit(code)) {
      const m = /^(0[xX][0-9a-fA-F]+|[0-9]+)[uUlL]*/.exec(text.slice(i, i + 40))!;
      tokens.push({ kind: 'num', text: m[1]!, pos: at, offset });
      advanceTo(i + m[0].length);
      continue;
    }
    const two = text.slice(i, i + 2);
    const p = PUNCT2.has(two) ? two : PUNCT1.has(c) ? c : undefined;
    if (!p) throw new LitmusSyntaxError(`unexpected character '${c}'`, at);
    if (p === '{') {
      if (depth === 0 && threadPending) { inThread = true; threadPending = false; }
      depth++;
    } else if (p === '}') {
      depth = Math.max(0, depth - 1);
      if (depth === 0) inThread = false;
    }
    tokens.push({ kind: 'punct', text: p, pos: at, offset });
    advanceTo(i + p.length);
  }
  tokens.push({ kind: 'eof', text: '', pos: pos(i), offset: i });
  return tokens;
}

/** herd comments `(* ... *)` nest; returns the offset just past the closing `*)`, or -1. */
export function findCommentEnd(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length - 1; i++) {
    if (text[i] === '(' && text[i + 1] === '*') { depth++; i++; continue; }
    if (text[i] === '*' && text[i + 1] === ')') {
      depth--; i++;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}
