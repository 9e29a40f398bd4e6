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
  /**
   * Set when the reader inferred this line rather than read it verbatim: `blank` for an empty
   * line standing for a blank context line, `no-marker` for a context line whose leading space
   * a mailer ate. Edits use it to know whether the line carries a diff marker.
   */
  readonly inferred?: 'blank' | 'no-marker';
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
  /**
   * What the `@@` header claimed, when it differs from what was read (`oldLines`/`newLines`
   * always count the lines actually present).
   */
  readonly declaredOldLines?: number;
  readonly declaredNewLines?: number;
  /** The hunk ends before its header's counts: trimmed in a reply, or a truncated file. */
  readonly truncated?: boolean;
  /** The quote depth (number of `>`) of the hunk's lines; 0 for a plain patch. */
  readonly quoteDepth?: number;
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
  /** Index into the file's `hunks` of the hunk this fragment was cut from. */
  readonly hunkIndex?: number;
}

export interface FilePatch {
  readonly oldPath: string | null;
  readonly newPath: string | null;
  readonly binary: boolean;
  /** Input line where this file's diff starts (`diff --git`, `---`, or a lone `@@`). */
  readonly headerLine?: number;
  readonly hunks: readonly Hunk[];
  readonly pre: readonly Fragment[];
  readonly post: readonly Fragment[];
}

/** One patch: a mail of a series, a whole `git diff`, or the patch quoted in a reply. */
export interface PatchUnit {
  readonly subject?: string;
  readonly from?: string;
  readonly messageId?: string;
  readonly date?: string;
  /** Input line where the unit starts. */
  readonly startLine: number;
  /** The quote depth of the unit's diff lines: 0 for a patch, 1 for `> `, 2 for `> > `... */
  readonly quoteDepth?: number;
  readonly files: readonly FilePatch[];
}

export interface ParsedInput {
  readonly kind: 'patch' | 'mbox' | 'c' | 'unknown';
  readonly units: readonly PatchUnit[];
  readonly problems: readonly Problem[];
}
