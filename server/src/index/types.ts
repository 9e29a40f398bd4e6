// The workspace index behind an interface: it lists the files the globs select, keeps a
// front-end summary of each (lines, patches, problems), and the engine's summary of each C
// file (every function's shared locations and locks, engine/pair/summary.ts), which the engine
// uses to read only the files that can pair with a document.
import type { DocumentKind } from '../../../engine/analyze';
import type { FileSummary as PeerSummary } from '../../../engine/pair/summary';

export type { PeerSummary };

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
}

/** The engine's per-file summaries (each function's shared locations and locks) for C files. */
export type PeerSummarizer = (files: readonly string[]) => Promise<readonly PeerSummary[]>;

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
  /** The engine's summaries of the indexed C files, for pairing across files. */
  peers(): readonly PeerSummary[];
}
