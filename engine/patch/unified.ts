// Reads the body of one unified-diff hunk line by line, as it survives in mail: quoted at some
// depth, interrupted by reviewer prose and resumed, wrapped by mailers, with blank context lines
// stripped to nothing, and with counts that no longer match the `@@` header.
//
// Why not `parse-diff` or `diff` from npm: both expect a clean diff, trust the header counts,
// and keep no input positions. Here the header counts are only a guide, the same hunk can be
// spread over many input lines with prose in between, and every character must map back to
// its input line and column, so the hunk body is read by this small state machine instead.

import type { Hunk, HunkLine, InputPos, Problem } from './types';
import type { HunkHeader } from './headers';
import type { QuotedLine } from './quote';

interface Segment { textCol: number; input: InputPos }
interface LineDraft { kind: HunkLine['kind']; text: string; quotePrefix: string; segments: Segment[]; inferred?: 'blank' | 'no-marker' }

/** What the hunk did with an offered line. */
export type Offer = 'taken' | 'interrupted' | 'declined';

// A line is taken for a mailer's wrap of the previous one only when that line was long: mail
// clients wrap at 72 to 80 columns, so a short line cannot have been wrapped.
const WRAP_MIN_LENGTH = 60;

/** C-looking text that has lost its diff marker, as opposed to a reviewer's sentence. */
function looksLikeCode(s: string): boolean {
  const t = s.trim();
  return /[;{}(),\\]$/.test(t) || /^(#|\/\/|\/\*|\*|\}|\{)/.test(t) || /^\w+:$/.test(t);
}

export class HunkBuilder {
  readonly depth: number;
  private readonly lines: LineDraft[] = [];
  /** Blank or marker-less lines kept aside until a real hunk line confirms they belong. */
  private pending: { draft: LineDraft; index: number }[] = [];
  private oldSeen = 0;
  private newSeen = 0;
  /** Index (in the reader's line array) of the last input line the hunk took. */
  private lastIndex: number;
  /** Length of the input line that opened the current wrap chain. */
  private chainStartLength: number;
  private sectionText: string | undefined;
  private extended = false;
  private noMarkerLines: InputPos[] = [];

  constructor(private readonly header: HunkHeader, private readonly headerQ: QuotedLine, index: number) {
    this.depth = headerQ.depth;
    this.lastIndex = index;
    this.chainStartLength = headerQ.raw.length;
    this.sectionText = header.section;
  }

  get headerLine(): number { return this.headerQ.line; }

  /** All the lines the header promises have been read. */
  get isComplete(): boolean { return this.complete(); }

  private complete(): boolean {
    return this.oldSeen >= this.header.oldLines && this.newSeen >= this.header.newLines;
  }

  /** Offers input line `q` (at reader index `i`) to the hunk. */
  offer(q: QuotedLine, i: number): Offer {
    const adjacent = i === this.lastIndex + 1;
    if (q.depth !== this.depth) return this.complete() ? 'declined' : 'interrupted';
    const body = q.body;
    const marker = body[0];
    if (marker === ' ' || marker === '+' || marker === '-') {
      if (this.complete()) {
        // Counts that no longer add up: a diff line right after the counted end still belongs.
        if (!adjacent && !this.pendingContiguous(i)) return 'declined';
        this.extended = true;
      }
      const kind = marker === ' ' ? 'context' : marker === '+' ? 'added' : 'removed';
      this.commitPending();
      this.push({ kind, text: body.slice(1), quotePrefix: q.prefix, segments: [{ textCol: 1, input: { line: q.line, col: q.bodyCol + 1 } }] });
      this.take(i, q.raw.length);
      return 'taken';
    }
    if (body.startsWith('\\ ')) {
      // `\ No newline at end of file` belongs to the hunk but is not a line of code.
      if (adjacent) { this.lastIndex = i; return 'taken'; }
      return this.complete() ? 'declined' : 'interrupted';
    }
    if (adjacent && this.isWrapContinuation(body)) {
      this.continueLast(q);
      this.lastIndex = i;
      return 'taken';
    }
    if (this.complete()) return 'declined';
    if (body === '' || looksLikeCode(body)) {
      // An empty line is a blank context line whose lone space was stripped; a code line is a
      // context line whose leading space a mailer ate. Both wait for confirmation.
      const draft: LineDraft = {
        kind: 'context', text: body, quotePrefix: q.prefix,
        segments: [{ textCol: 1, input: { line: q.line, col: q.bodyCol } }],
        inferred: body === '' ? 'blank' : 'no-marker',
      };
      this.pending.push({ draft, index: i });
      this.lastIndex = i;
      this.chainStartLength = q.raw.length;
      return 'taken';
    }
    return 'interrupted';
  }

  private pendingContiguous(i: number): boolean {
    const last = this.pending[this.pending.length - 1];
    return last !== undefined && last.index === i - 1;
  }

  private isWrapContinuation(body: string): boolean {
    if (body.trim() === '') return false;
    // A macro's trailing backslash is pushed to its own line after the padding is stripped.
    if (body.trim() === '\\') return this.lines.length > 0 || this.pending.length > 0;
    if (this.chainStartLength < WRAP_MIN_LENGTH) return false;
    if (this.lines.length === 0 && this.pending.length === 0) return true;
    if (!this.complete()) return true;
    // After the counted end only a short tail of code can be a wrap (`*/`, `irq)`); longer
    // text, or text that starts like a sentence, is the reply.
    const tail = body.trim();
    return tail.length <= 25 && !/^[A-Z][a-z]/.test(tail);
  }

  /** Joins a wrapped continuation to the last line read, or to the header's section. */
  private continueLast(q: QuotedLine): void {
    const lead = q.body.length - q.body.trimStart().length;
    const piece = q.body.trim();
    const target = this.pending.length > 0 ? this.pending[this.pending.length - 1]!.draft : this.lines[this.lines.length - 1];
    if (target === undefined) {
      this.sectionText = this.sectionText === undefined ? piece : `${this.sectionText} ${piece}`;
      return;
    }
    const sep = target.text.endsWith(' ') || target.text === '' ? '' : ' ';
    const textCol = target.text.length + sep.length + 1;
    target.text += sep + piece;
    target.segments.push({ textCol, input: { line: q.line, col: q.bodyCol + lead } });
  }

  private take(i: number, rawLength: number): void {
    this.lastIndex = i;
    this.chainStartLength = rawLength;
  }

  private push(d: LineDraft): void {
    this.lines.push(d);
    if (d.kind !== 'added') this.oldSeen++;
    if (d.kind !== 'removed') this.newSeen++;
    if (d.inferred === 'no-marker') this.noMarkerLines.push(d.segments[0]!.input);
  }

  private commitPending(): void {
    for (const p of this.pending) this.push(p.draft);
    this.pending = [];
  }

  /** Ends the hunk: unconfirmed pending lines are dropped; counts are checked. */
  finish(problems: Problem[]): Hunk {
    this.pending = [];
    const h = this.header;
    const line = this.headerQ.line;
    const col = this.headerQ.bodyCol;
    const headerText = `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`;
    const truncated = this.oldSeen < h.oldLines || this.newSeen < h.newLines;
    if (truncated) {
      const why = this.depth > 0 ? 'trimmed by the reviewer or lost by the mail archive' : 'the patch is cut short';
      problems.push({
        severity: this.depth > 0 ? 'info' : 'warning', line, col,
        message: `hunk ${headerText} has ${this.oldSeen} of ${h.oldLines} old and ${this.newSeen} of ${h.newLines} new lines; the rest is missing (${why})`,
      });
    } else if (this.extended) {
      problems.push({
        severity: 'warning', line, col,
        message: `hunk ${headerText} holds ${this.oldSeen} old and ${this.newSeen} new lines; counts taken from the content`,
      });
    }
    for (const at of this.noMarkerLines) {
      problems.push({ severity: 'warning', line: at.line, col: at.col, message: 'context line without its leading space (eaten by the mailer); read as context' });
    }
    const differs = this.oldSeen !== h.oldLines || this.newSeen !== h.newLines;
    return {
      oldStart: h.oldStart, oldLines: this.oldSeen, newStart: h.newStart, newLines: this.newSeen,
      ...(this.sectionText !== undefined ? { section: this.sectionText } : {}),
      headerLine: line,
      lines: this.lines,
      ...(differs ? { declaredOldLines: h.oldLines, declaredNewLines: h.newLines } : {}),
      ...(truncated ? { truncated: true } : {}),
      quoteDepth: this.depth,
    };
  }
}
