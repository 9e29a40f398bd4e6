// Walks the quote-stripped input once and assembles patch units: mails of an mbox series, a
// plain `git diff`, or each copy of a patch quoted in a reply thread. File and hunk headers
// are recognized at any quote depth; hunk bodies are read by HunkBuilder.

import { buildFragments } from './fragments';
import {
  GIT_BINARY_PATCH, isBinaryPatchData, isMboxSeparator, isReplyAttribution, isSignatureSeparator, isSnipMarker,
  looksLikeHunkHeader, parseBinaryFilesLine, parseGitDiffLine, parseHunkHeader, parseMinusPlusPair,
  type HunkHeader,
} from './headers';
import { isGitLogCommit, readGitLogHeader, readHeaderBlock, startsHeaderBlock, type MailHeaders } from './mbox';
import type { QuotedLine } from './quote';
import type { FilePatch, Hunk, PatchUnit, Problem } from './types';
import { HunkBuilder } from './unified';

interface FileDraft {
  oldPath: string | null;
  newPath: string | null;
  binary: boolean;
  headerLine: number;
  depth: number;
  hunks: Hunk[];
  /** Opened by `diff --git`: a following `---`/`+++` pair names the same file. */
  awaitingPair: boolean;
}

interface UnitDraft {
  startLine: number;
  depth: number;
  headers: MailHeaders;
  files: FileDraft[];
}

type Paths = { oldPath: string | null; newPath: string | null };

export interface ReadResult {
  readonly units: readonly PatchUnit[];
  readonly problems: readonly Problem[];
  /** Mail structure (mbox separators or a header block) was found. */
  readonly sawMail: boolean;
}

class PatchReader {
  private readonly units: UnitDraft[] = [];
  private readonly problems: Problem[] = [];
  private unit: UnitDraft | undefined;
  private file: FileDraft | undefined;
  private hunk: HunkBuilder | undefined;
  /** A new mail (or a new quoted view) began since the current unit was opened. */
  private boundary = true;
  private mail: { headers: MailHeaders; line: number; depth: number } | undefined;
  private sawMail = false;
  private strayReportedAt = -2;

  constructor(private readonly lines: readonly QuotedLine[]) {}

  read(): ReadResult {
    const lines = this.lines;
    for (let i = 0; i < lines.length; i++) i = this.step(lines[i]!, i);
    this.closeHunk();
    return { units: this.units.map(toUnit), problems: this.problems, sawMail: this.sawMail };
  }

  /** Handles line `i`; returns the index of the last line it consumed. */
  private step(q: QuotedLine, i: number): number {
    const h = this.hunk;
    if (h !== undefined && !h.isComplete && q.depth === h.depth && /^[ +-]/.test(q.body) && !/^ +@@ -\d/.test(q.body)) {
      // Inside a hunk the header counts decide, as for git: `--- x` here is a removed line
      // `-- x`, and `-- ` a removed `- `, not a file header or a signature.
      h.offer(q, i);
      return i;
    }
    // A mail of a series (also when a whole series is quoted), or a commit of `git log -p`:
    // each one starts a new unit.
    const mboxSeparator = isMboxSeparator(q.body);
    const commit = isGitLogCommit(q.body);
    if (mboxSeparator || commit || (i === 0 && startsHeaderBlock(this.lines, 0))) {
      this.closeHunk();
      this.boundary = true;
      if (!commit) this.sawMail = true;
      const { headers, next } = commit ? readGitLogHeader(this.lines, i) : readHeaderBlock(this.lines, mboxSeparator ? i + 1 : i);
      this.mail = { headers, line: q.line, depth: q.depth };
      return next - 1;
    }
    if (this.hunk !== undefined && !this.hunk.isComplete && isSnipMarker(q.body) && q.depth <= this.hunk.depth) {
      // The reviewer cut lines out of the middle of the hunk: what follows is at an unknown
      // offset, so the hunk ends here rather than gluing unrelated lines together.
      this.problems.push({ severity: 'info', line: q.line, col: q.bodyCol, message: 'lines were snipped from the quoted hunk; the hunk is read up to here' });
      this.closeHunk();
      return i;
    }
    if (isReplyAttribution(q.body) && (this.hunk === undefined || q.depth < this.hunk.depth)) {
      this.closeHunk();
      this.boundary = true;
      return i;
    }
    if (isSignatureSeparator(q.body)) { this.closeHunk(); return i; }
    const structural = this.structural(q, i);
    if (structural !== undefined) return structural;
    if (this.hunk !== undefined) {
      const offer = this.hunk.offer(q, i);
      if (offer !== 'declined') return i;
      this.closeHunk();
    }
    return this.outsideHunk(q, i);
  }

  /** File and hunk headers; returns the last consumed index, or undefined for other lines. */
  private structural(q: QuotedLine, i: number): number | undefined {
    const body = q.body;
    const git = parseGitDiffLine(body);
    if (git) { this.openFile(git, q, true); return i; }
    const next = this.lines[i + 1];
    const pair = parseMinusPlusPair(body, next !== undefined && next.depth === q.depth ? next.body : undefined);
    if (pair) {
      const f = this.file;
      if (f && f.awaitingPair && f.depth === q.depth && !this.boundary && this.hunk === undefined) {
        f.oldPath = pair.oldPath;
        f.newPath = pair.newPath;
        f.awaitingPair = false;
      } else {
        this.openFile(pair, q, false);
      }
      return i + 1;
    }
    // Some archives glue a blank context line to the next hunk header: `  @@ -71,6 ...`.
    const headerBody = /^ +@@ -\d/.test(body) ? body.trimStart() : body;
    if (!looksLikeHunkHeader(headerBody)) return undefined;
    const header = parseHunkHeader(headerBody);
    if (!header) {
      this.closeHunk();
      const what = headerBody.startsWith('@@@') ? 'combined (merge) diff hunk is not supported' : 'malformed hunk header';
      this.problems.push({ severity: 'error', line: q.line, col: q.bodyCol, message: `${what}: ${headerBody.slice(0, 60)}` });
      return i;
    }
    this.startHunk(header, q, i);
    return i;
  }

  private outsideHunk(q: QuotedLine, i: number): number {
    const binary = parseBinaryFilesLine(q.body);
    if (binary) {
      const f = this.fileAwaitingBody(q) ?? this.openFile(binary, q, false);
      this.markBinary(f, q);
      return i;
    }
    if (q.body === GIT_BINARY_PATCH) {
      const f = this.fileAwaitingBody(q);
      if (f) this.markBinary(f, q);
      else this.problems.push({ severity: 'warning', line: q.line, col: q.bodyCol, message: 'binary patch without a file header; skipped' });
      let j = i + 1;
      while (j < this.lines.length && this.lines[j]!.depth === q.depth && isBinaryPatchData(this.lines[j]!.body)) j++;
      return j - 1;
    }
    const f = this.file;
    if (f && !this.boundary && q.depth === f.depth && /^[-+]/.test(q.body) && !q.body.startsWith('---') && f.hunks.length > 0) {
      if (this.strayReportedAt !== i - 1) {
        this.problems.push({ severity: 'info', line: q.line, col: q.bodyCol, message: 'diff lines outside any hunk (their @@ header is missing); skipped' });
      }
      this.strayReportedAt = i;
    }
    return i;
  }

  private fileAwaitingBody(q: QuotedLine): FileDraft | undefined {
    const f = this.file;
    return f && !this.boundary && f.depth === q.depth && f.hunks.length === 0 && !f.binary ? f : undefined;
  }

  private markBinary(f: FileDraft, q: QuotedLine): void {
    f.binary = true;
    this.problems.push({
      severity: 'warning', line: q.line, col: q.bodyCol,
      message: `binary diff of ${f.newPath ?? f.oldPath ?? 'a file'} is not read`,
    });
  }

  private openFile(paths: Paths, q: QuotedLine, fromGit: boolean): FileDraft {
    this.closeHunk();
    const unit = this.unitFor(q, paths);
    const f: FileDraft = { ...paths, binary: false, headerLine: q.line, depth: q.depth, hunks: [], awaitingPair: fromGit };
    unit.files.push(f);
    this.file = f;
    return f;
  }

  /** The unit a new file at this depth belongs to: the current one unless a mail boundary, a
   * different quote depth, or a file seen twice says a new copy of a patch has begun. */
  private unitFor(q: QuotedLine, paths: Paths): UnitDraft {
    const u = this.unit;
    const seen = u?.files.some((f) => f.newPath === paths.newPath && f.oldPath === paths.oldPath);
    if (u && !this.boundary && u.depth === q.depth && !seen) return u;
    const fromMail = this.mail !== undefined && this.mail.depth === q.depth;
    const unit: UnitDraft = {
      startLine: fromMail ? this.mail!.line : q.line,
      depth: q.depth,
      headers: fromMail ? this.mail!.headers : {},
      files: [],
    };
    if (fromMail) this.mail = undefined;
    this.units.push(unit);
    this.unit = unit;
    this.boundary = false;
    return unit;
  }

  private startHunk(header: HunkHeader, q: QuotedLine, i: number): void {
    this.closeHunk();
    if (!this.file || this.boundary || this.file.depth !== q.depth || this.file.binary) {
      // A hunk quoted without its file header: name the file after an earlier copy of the
      // same hunk in this input, if there is one.
      const earlier = this.findEarlierHunk(header);
      this.openFile(earlier ?? { oldPath: null, newPath: null }, q, false);
      this.problems.push(earlier
        ? { severity: 'info', line: q.line, col: q.bodyCol, message: `hunk quoted without its file header; file taken from the same hunk earlier in the input (${earlier.newPath ?? earlier.oldPath})` }
        : { severity: 'warning', line: q.line, col: q.bodyCol, message: 'hunk without a file header; its file is unknown' });
    }
    this.file!.awaitingPair = false;
    this.hunk = new HunkBuilder(header, q, i);
  }

  private findEarlierHunk(h: HunkHeader): Paths | undefined {
    for (const u of this.units) {
      for (const f of u.files) {
        if (f.oldPath === null && f.newPath === null) continue;
        const same = f.hunks.some((k) => k.oldStart === h.oldStart && k.newStart === h.newStart
          && (k.declaredOldLines ?? k.oldLines) === h.oldLines && (k.declaredNewLines ?? k.newLines) === h.newLines);
        if (same) return { oldPath: f.oldPath, newPath: f.newPath };
      }
    }
    return undefined;
  }

  private closeHunk(): void {
    if (this.hunk === undefined) return;
    this.file!.hunks.push(this.hunk.finish(this.problems));
    this.hunk = undefined;
  }
}

function toFile(f: FileDraft): FilePatch {
  return {
    oldPath: f.oldPath, newPath: f.newPath, binary: f.binary, headerLine: f.headerLine,
    hunks: f.hunks, pre: buildFragments(f.hunks, 'pre'), post: buildFragments(f.hunks, 'post'),
  };
}

function toUnit(u: UnitDraft): PatchUnit {
  const h = u.headers;
  return {
    ...(h.subject !== undefined ? { subject: h.subject } : {}),
    ...(h.from !== undefined ? { from: h.from } : {}),
    ...(h.messageId !== undefined ? { messageId: h.messageId } : {}),
    ...(h.date !== undefined ? { date: h.date } : {}),
    startLine: u.startLine,
    quoteDepth: u.depth,
    files: u.files.map(toFile),
  };
}

export function readPatches(lines: readonly QuotedLine[]): ReadResult {
  return new PatchReader(lines).read();
}
