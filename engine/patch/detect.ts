// Decides whether text without any diff in it is C source, so the C front end can take it.

import { splitLines } from './quote';

const C_PATH = /\.[ch]$/i;

export function isCPath(path: string | undefined): boolean {
  return path !== undefined && C_PATH.test(path);
}

/**
 * C source, as opposed to prose: most non-blank lines end like statements or open/close
 * blocks, or are preprocessor lines and comments. Prose rarely ends lines with `;` or `{`.
 */
export function looksLikeC(text: string): boolean {
  const lines = splitLines(text).map((l) => l.trim()).filter((l) => l !== '');
  if (lines.length === 0) return false;
  let codeLike = 0;
  let hasStatement = false;
  for (const l of lines) {
    if (/[;{}]$/.test(l)) hasStatement = true;
    if (/[;{}),\\]$/.test(l) || /^(#\s*\w+|\/\/|\/\*|\*|\}|\{)/.test(l)) codeLike++;
  }
  return hasStatement && codeLike / lines.length >= 0.5;
}
