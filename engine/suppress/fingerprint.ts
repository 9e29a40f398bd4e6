// Stable fingerprints for baselines: a finding is the same finding while its code, the file of
// the code, the function and the text of its line stay the same, wherever the line moves. Line
// numbers are left out on purpose, so lines added above do not turn known findings into new ones.
import { createHash } from 'node:crypto';

/** The code on an input line: no reply quote prefix, no diff marker, whitespace collapsed. */
export function normalizedCode(raw: string, a: { patch: boolean }): string {
  let s = raw.replace(/^(?:[ \t]*>[ \t]?)*/, '');
  if (a.patch && /^[+ -]/.test(s)) s = s.slice(1);
  return s.replace(/\s+/g, ' ').trim();
}

export interface FingerprintParts {
  readonly code: string;
  /** The source file the code belongs to (for a patch, the patched file's path). */
  readonly file: string;
  readonly function: string;
  readonly text: string;
}

export function fingerprint(p: FingerprintParts): string {
  return createHash('sha256').update([p.code, p.file, p.function, p.text].join('\0')).digest('hex').slice(0, 32);
}
