// Recognizers for the structural lines of a diff (file headers, hunk headers, binary markers)
// and of a mail (mbox separators, reply attributions). They look at one quote-stripped body;
// the reader decides what each means in context.

export interface HunkHeader {
  readonly oldStart: number;
  readonly oldLines: number;
  readonly newStart: number;
  readonly newLines: number;
  readonly section?: string;
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(.*)$/;

export function parseHunkHeader(body: string): HunkHeader | undefined {
  const m = HUNK_HEADER.exec(body);
  if (!m) return undefined;
  const section = m[5]!.trim();
  return {
    oldStart: Number(m[1]),
    oldLines: m[2] === undefined ? 1 : Number(m[2]),
    newStart: Number(m[3]),
    newLines: m[4] === undefined ? 1 : Number(m[4]),
    section: section === '' ? undefined : section,
  };
}

/** A line that starts like a hunk header but does not parse, or a combined (merge) diff. */
export function looksLikeHunkHeader(body: string): boolean {
  return body.startsWith('@@ ') || body.startsWith('@@@ ');
}

/** Strips the `a/` `b/` prefixes, a trailing timestamp, and maps `/dev/null` to null. */
export function cleanPath(raw: string): string | null {
  let p = raw.replace(/\t.*$/, '').trim();
  if (p.startsWith('"') && p.endsWith('"') && p.length >= 2) p = p.slice(1, -1);
  if (p === '/dev/null' || p === '') return null;
  if (/^[ab]\//.test(p)) p = p.slice(2);
  return p;
}

export function parseGitDiffLine(body: string): { oldPath: string | null; newPath: string | null } | undefined {
  if (!body.startsWith('diff --git ')) return undefined;
  const rest = body.slice('diff --git '.length);
  // Paths may hold spaces; the ` b/` that splits them is the last one in a normal line.
  const split = rest.lastIndexOf(' b/');
  if (split < 0) {
    const parts = rest.split(' ');
    return { oldPath: cleanPath(parts[0] ?? ''), newPath: cleanPath(parts[1] ?? parts[0] ?? '') };
  }
  return { oldPath: cleanPath(rest.slice(0, split)), newPath: cleanPath(rest.slice(split + 1)) };
}

/** `--- path` on this body and `+++ path` on the next one. */
export function parseMinusPlusPair(body: string, next: string | undefined): { oldPath: string | null; newPath: string | null } | undefined {
  if (!body.startsWith('--- ') || next === undefined || !next.startsWith('+++ ')) return undefined;
  return { oldPath: cleanPath(body.slice(4)), newPath: cleanPath(next.slice(4)) };
}

export function parseBinaryFilesLine(body: string): { oldPath: string | null; newPath: string | null } | undefined {
  const m = /^Binary files (.+) and (.+) differ$/.exec(body);
  return m ? { oldPath: cleanPath(m[1]!), newPath: cleanPath(m[2]!) } : undefined;
}

export const GIT_BINARY_PATCH = 'GIT binary patch';

/** Lines that belong to a `GIT binary patch` block: sizes, base85 data and separating blanks. */
export function isBinaryPatchData(body: string): boolean {
  return body === '' || /^(literal|delta) \d+$/.test(body) || /^[A-Za-z][0-9A-Za-z!#$%&()*+;<=>?@^_`{|}~-]+$/.test(body);
}

export function parseQuiltIndex(body: string): string | null | undefined {
  return body.startsWith('Index: ') ? cleanPath(body.slice(7)) : undefined;
}

/**
 * The mbox `From ` separator: `From <sender or sha> <weekday> <month> <day> <time> <year>`, as
 * format-patch writes it (`From <sha> Mon Sep 17 00:00:00 2001`). The date shape is required so
 * prose that starts with "From the ..." is not taken for a new mail.
 */
export function isMboxSeparator(body: string): boolean {
  return /^From \S+ +[A-Z][a-z]{2} [A-Z][a-z]{2} +\d{1,2} \d{1,2}:\d{2}(:\d{2})?( [-+]?\w+)? \d{4}\s*$/.test(body);
}

/** `On <date>, <name> wrote:` and its variants: the start of another mail's quoted view. */
export function isReplyAttribution(body: string): boolean {
  return /\bwrote:\s*$/.test(body) && body.length < 200;
}

/** The signature separator `-- ` that format-patch puts before the git version. */
export function isSignatureSeparator(body: string): boolean {
  return body === '-- ';
}

/** `[...]`, `[snip]`, `<snip>`, `...`: a reviewer marking lines cut from a quote. */
export function isSnipMarker(body: string): boolean {
  return /^\s*(\[\s*(\.\.\.|…|snip(ped)?)\s*\]|<\s*snip\s*>|\.\.\.|…)\s*$/i.test(body);
}
