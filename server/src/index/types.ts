// The workspace index behind an interface: today it lists files and parses them with the
// patch front end and records the member names each file touches; the engine pairs threads
// from the raw text of the files the index picks (engine/pair has no per-file summary yet).
// A summarizer that records each function's shared locations can replace `frontEndSummary`
// without touching the server.
import type { DocumentKind } from '../../../engine/analyze';

export interface FileSummary {
  readonly path: string;
  readonly mtimeMs: number;
  readonly size: number;
  readonly kind: DocumentKind;
  readonly lines: number;
  /** Patches read from the file (0 for C and litmus sources). */
  readonly patches: number;
  /** Input problems the front end found. */
  readonly problems: number;
  /** Member names the file accesses (`->x`, `.x`): the cheap proxy for its shared locations. */
  readonly fields: readonly string[];
}

export type Summarizer = (args: { path: string; text: string; mtimeMs: number; size: number }) => FileSummary;

export interface ProgressReporter {
  begin(title: string): void;
  report(done: number, total: number, message: string): void;
  done(): void;
}

export interface IndexStats {
  readonly files: number;
  readonly lines: number;
  readonly fromCache: number;
  readonly parsed: number;
  readonly millis: number;
}

export interface WorkspaceIndex {
  /** Walks the roots, (re)parses what changed since the disk cache, and saves the cache. */
  build(opts: { progress: ProgressReporter; isCancelled: () => boolean }): Promise<IndexStats>;
  /** Applies file-watcher events: created/changed files are re-read, deleted ones dropped. */
  update(changes: ReadonlyArray<{ path: string; deleted: boolean }>): Promise<void>;
  files(): readonly FileSummary[];
  /** C files (other than `self`) that touch the most of the same members as `text`, best first. */
  peersFor(args: { text: string; self?: string; limit: number }): string[];
}
