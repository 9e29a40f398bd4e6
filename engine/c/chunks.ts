// Splits a C file into top-level chunks that parse the same alone as in the file, so that an
// edit re-parses only the chunk it touched (extract/parse-cache.ts keys parses by text).
// A chunk ends only where a top-level definition visibly ends: a line that starts with `}`
// in column 0 (the kernel's and Xen's style for the end of a function or a struct), with
// every brace and parenthesis closed and outside any preprocessor conditional. Anything the
// scan cannot vouch for (braces unbalanced across `#if` branches, a `}` indented) only means
// fewer, larger chunks, never a split inside a definition.
import { blankNonCode } from './lexical';

export interface Chunk {
  readonly text: string;
  /** 0-based line of the chunk's first line in the file. */
  readonly startLine: number;
}

/**
 * The chunks of the texts split lately, newest last: whole-tree mode reads a peer file again for
 * document after document, each time to parse a chunk or two. Callers only read the lists.
 */
const recent = new Map<string, readonly Chunk[]>();
const RECENT_TEXTS = 32;

export function topLevelChunks(text: string): readonly Chunk[] {
  let chunks = recent.get(text);
  if (chunks) {
    recent.delete(text);
  } else {
    chunks = split(text);
    if (recent.size >= RECENT_TEXTS) recent.delete(recent.keys().next().value!);
  }
  recent.set(text, chunks);
  return chunks;
}

function split(text: string): Chunk[] {
  const code = blankNonCode(text);
  const lines = code.split('\n');
  const chunks: Chunk[] = [];
  let braces = 0;
  let parens = 0;
  let conditionals = 0;
  let directive = false;
  let startLine = 0;
  let startOffset = 0;
  let offset = 0;
  lines.forEach((line, i) => {
    const lineEnd = offset + line.length + 1;
    // Preprocessor lines (and their continuations) are not C: `#define X {` opens nothing.
    const isDirective = directive || /^\s*#/.test(line);
    directive = isDirective && line.endsWith('\\');
    if (isDirective) {
      const m = /^\s*#\s*(if|ifdef|ifndef|endif)\b/.exec(line);
      if (m) conditionals += m[1] === 'endif' ? -1 : 1;
    } else {
      for (const ch of line) {
        if (ch === '{') braces++;
        else if (ch === '}') braces--;
        else if (ch === '(') parens++;
        else if (ch === ')') parens--;
      }
    }
    if (!isDirective && line.startsWith('}') && braces === 0 && parens === 0 && conditionals === 0 && i < lines.length - 1) {
      chunks.push({ text: text.slice(startOffset, lineEnd), startLine });
      startLine = i + 1;
      startOffset = lineEnd;
    }
    offset = lineEnd;
  });
  if (startOffset < text.length || chunks.length === 0) chunks.push({ text: text.slice(startOffset), startLine });
  return chunks;
}
