// The contract between the patch front end (engine/patch) and its consumers (engine/c,
// engine/extract, checks, fixes, the server). Everything is 1-based line/column in the
// *input document* (the .patch/.eml/.c text the user has open), so a finding can land on
// the exact `+` line, inside any `> > ` quote prefix.

export interface InputPos {
  readonly line: number;
  readonly col: number;
}

export interface Problem {
  readonly severity: 'error' | 'warning' | 'info';
  readonly message: string;
  readonly line: number;
  readonly col: number;
}

/** One line of a hunk body as read from the input. */
export interface HunkLine {
  readonly kind: 'context' | 'added' | 'removed';
  /** The code text, without quote prefix or diff marker; wrapped continuations re-joined. */
  readonly text: string;
  /** The quote prefix this line carried (`> > `, `>>`, or ''). */
  readonly quotePrefix: string;
  /**
   * Where the pieces of `text` came from: usually one segment; a line that a mailer wrapped
   * has one segment per input line. `textCol` is the 1-based column in `text`.
   */
  readonly segments: readonly { readonly textCol: number; readonly input: InputPos }[];
}

export interface Hunk {
  readonly oldStart: number;
  readonly oldLines: number;
  readonly newStart: number;
  readonly newLines: number;
  /** The function context after the second `@@`, e.g. `int arch_set_info_guest(`. */
  readonly section?: string;
  /** Input line of the `@@` header. */
  readonly headerLine: number;
  readonly lines: readonly HunkLine[];
}

/**
 * A contiguous run of code on one side of a hunk (pre-image = context+removed,
 * post-image = context+added), ready for the C parser.
 */
export interface Fragment {
  readonly side: 'pre' | 'post';
  /** Lines joined with '\n'. */
  readonly text: string;
  /** Line number in the patched file of the fragment's first line. */
  readonly fileStartLine: number;
  readonly section?: string;
  /** For each 0-based fragment line, the hunk line it came from. */
  readonly lines: readonly HunkLine[];
}

export interface FilePatch {
  readonly oldPath: string | null;
  readonly newPath: string | null;
  readonly binary: boolean;
  readonly hunks: readonly Hunk[];
  readonly pre: readonly Fragment[];
  readonly post: readonly Fragment[];
}

/** One patch: a mail of a series, a whole `git diff`, or the patch quoted in a reply. */
export interface PatchUnit {
  readonly subject?: string;
  readonly from?: string;
  readonly messageId?: string;
  /** Input line where the unit starts. */
  readonly startLine: number;
  readonly files: readonly FilePatch[];
}

export interface ParsedInput {
  readonly kind: 'patch' | 'mbox' | 'c' | 'unknown';
  readonly units: readonly PatchUnit[];
  readonly problems: readonly Problem[];
}
