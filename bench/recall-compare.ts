// The pure half of `npm run bench recall`: which lines a bug touched, and what a whole-tree
// report says that the unmodified tree's report did not. Reports are matched as multisets on
// (file, code, function, message with its numbers taken out), so that a finding that only moved
// because lines were added above it is not counted as new.
import { parsePatch, type StructuredPatchHunk } from 'diff';

/** One diagnostic or problem of a `check --format json` report (the fields the bench reads). */
export interface ReportEntry {
  readonly file: string;
  readonly line: number;
  readonly severity: string;
  readonly code?: string;
  readonly function?: string;
  readonly message: string;
  readonly notJudged?: boolean;
}

/** Inclusive 1-based line range of a file. */
export type LineRange = readonly [number, number];

/** The relative file path → the line ranges of the patched file the bug touched. */
export type Touched = ReadonlyMap<string, readonly LineRange[]>;

/** A report message with every number taken out (line numbers and counts move with the code). */
export function normaliseMessage(message: string): string {
  return message.replace(/\b\d+\b/g, '#');
}

/** The key two reports are matched on (their paths made relative to the tree first). */
export function entryKey(e: ReportEntry): string {
  return [e.file, e.code ?? '', e.function ?? '', normaliseMessage(e.message)].join('\u0000');
}

function merge(ranges: LineRange[]): LineRange[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1] + 1) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/**
 * The lines of the new file a hunk touched: each added line, and for lines that went away the
 * two lines either side of the gap (a removal has no line of its own in the new file).
 */
export function hunkTouchedLines(hunk: Pick<StructuredPatchHunk, 'newStart' | 'lines'>): LineRange[] {
  const out: LineRange[] = [];
  let line = hunk.newStart;
  for (const l of hunk.lines) {
    if (l.startsWith('+')) out.push([line, line++]);
    else if (l.startsWith('-')) out.push([Math.max(1, line - 1), line]);
    else if (l.startsWith(' ')) line++;
  }
  return merge(out);
}

/** A patch's path without the `a/` or `b/` of git and diff -u. */
const stripPrefix = (p: string): string => p.replace(/^[ab]\//, '');

/** Per file of a unified diff (paths without `a/`/`b/`), the touched lines of its new image. */
export function touchedFromDiff(diffText: string): Map<string, LineRange[]> {
  const out = new Map<string, LineRange[]>();
  for (const p of parsePatch(diffText)) {
    const name = p.newFileName && p.newFileName !== '/dev/null' ? p.newFileName : p.oldFileName;
    if (!name) continue;
    const path = stripPrefix(name);
    out.set(path, merge([...(out.get(path) ?? []), ...p.hunks.flatMap(hunkTouchedLines)]));
  }
  return out;
}

/**
 * Where a line of the old image sits in the new one, given the hunks of one file: shifted by the
 * lines added and removed above it, or undefined if the line itself was removed.
 */
export function oldToNewLine(hunks: readonly Pick<StructuredPatchHunk, 'oldStart' | 'newStart' | 'lines'>[]): (line: number) => number | undefined {
  return (line) => {
    let shift = 0;
    for (const h of hunks) {
      const oldLines = h.lines.filter((l) => l.startsWith('-') || l.startsWith(' ')).length;
      if (line < h.oldStart) break;
      if (line >= h.oldStart + oldLines) {
        shift = h.newStart + h.lines.filter((l) => l.startsWith('+') || l.startsWith(' ')).length - (h.oldStart + oldLines);
        continue;
      }
      let o = h.oldStart;
      let n = h.newStart;
      for (const l of h.lines) {
        if (l.startsWith(' ')) { if (o === line) return n; o++; n++; }
        else if (l.startsWith('-')) { if (o === line) return undefined; o++; }
        else if (l.startsWith('+')) n++;
      }
    }
    return line + shift;
  };
}

/** Per file of a unified diff (paths without `a/`/`b/`), the old → new line map. */
export function lineMapsFromDiff(diffText: string): Map<string, (line: number) => number | undefined> {
  const out = new Map<string, (line: number) => number | undefined>();
  for (const p of parsePatch(diffText)) {
    const name = p.oldFileName && p.oldFileName !== '/dev/null' ? p.oldFileName : p.newFileName;
    if (name) out.set(stripPrefix(name), oldToNewLine(p.hunks));
  }
  return out;
}

export interface Comparison {
  readonly added: readonly ReportEntry[];
  readonly removed: readonly ReportEntry[];
}

/**
 * What `now` has that `base` has not, and the other way round, as multisets on `key`. Within a
 * key, entries are first paired by line (the base line moved by `mapLine`), so when a key's count
 * changes the entries left over are the ones that did not merely move.
 */
export function compareReports(
  base: readonly ReportEntry[], now: readonly ReportEntry[],
  opts: { key?: (e: ReportEntry) => string; mapLine?: (e: ReportEntry) => number | undefined } = {},
): Comparison {
  const key = opts.key ?? entryKey;
  const group = (es: readonly ReportEntry[]): Map<string, ReportEntry[]> => {
    const m = new Map<string, ReportEntry[]>();
    for (const e of es) m.set(key(e), [...(m.get(key(e)) ?? []), e]);
    return m;
  };
  const b = group(base);
  const n = group(now);
  const added: ReportEntry[] = [];
  const removed: ReportEntry[] = [];
  for (const k of new Set([...b.keys(), ...n.keys()])) {
    const olds = [...(b.get(k) ?? [])];
    const news = [...(n.get(k) ?? [])];
    // Same place first: an entry whose line maps onto a new entry's line is that entry.
    for (let i = olds.length - 1; i >= 0; i--) {
      const at = (opts.mapLine ?? ((e) => e.line))(olds[i]!);
      const j = at === undefined ? -1 : news.findIndex((e) => e.line === at);
      if (j >= 0) { news.splice(j, 1); olds.splice(i, 1); }
    }
    // The rest pair in order: a multiset only counts.
    const paired = Math.min(olds.length, news.length);
    added.push(...news.slice(paired));
    removed.push(...olds.slice(paired));
  }
  return { added, removed };
}

/** Whether an entry lies on a touched line, or within `slack` lines of one. */
export function nearTouched(e: ReportEntry, touched: Touched, slack: number): boolean {
  return (touched.get(e.file) ?? []).some(([s, end]) => e.line >= s - slack && e.line <= end + slack);
}

export const isWarning = (e: ReportEntry): boolean => e.severity === 'error' || e.severity === 'warning';

/** Linux 5.6 moved arm64 KVM from virt/kvm/arm/ to arch/arm64/kvm/; older mails name the old place. */
export function mapKvmPath(path: string): string {
  return path.replace(/^virt\/kvm\/arm\//, 'arch/arm64/kvm/');
}

/** A mail's patch with its file names (diff --git, ---, +++) moved by mapKvmPath. */
export function mapKvmPatch(text: string): string {
  const move = (p: string): string => p.replace(/^([ab]\/)?(.*)$/, (_m, pre: string | undefined, rest: string) => (pre ?? '') + mapKvmPath(rest));
  return text.split('\n').map((l) => {
    const git = /^diff --git (\S+) (\S+)(.*)$/.exec(l);
    if (git) return `diff --git ${move(git[1]!)} ${move(git[2]!)}${git[3]}`;
    const file = /^(---|\+\+\+) (\S+)(.*)$/.exec(l);
    if (file && file[2] !== '/dev/null') return `${file[1]} ${move(file[2]!)}${file[3]}`;
    return l;
  }).join('\n');
}
