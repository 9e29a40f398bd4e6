// What every check receives: the judged scenarios, the threads, and how to address a place.
import type { Event, Span, Thread } from '../extract/types';
import type { OrderingAnalysis } from './ordering';
import type { Sources } from './sources';
import type { Arch, Place } from './types';
import type { SummarizedLock } from '../concurrency/lock-summaries';
import type { End } from '../concurrency/rule-out';
import type { ModelName } from '../models/model';

export interface CheckContext {
  readonly sources: Sources;
  readonly analysis: OrderingAnalysis;
  /** The document's functions (both images for a patch). */
  readonly document: readonly Thread[];
  /** Document and workspace functions (post-images only). */
  readonly all: readonly Thread[];
  readonly arch: Arch;
  isDocument(t: Thread): boolean;
  /** Whole-tree mode: the function runs only while the system boots (engine/concurrency/model.ts). */
  runsOnlyAtBoot?(t: Thread): boolean;
  /** Whole-tree mode: the locks a call of `name` from `from` may take in code not in view (engine/concurrency/lock-summaries.ts). */
  locksTakenByCall?(name: string, from: Thread): readonly SummarizedLock[];
  /**
   * Whole-tree mode: why a split update and an atomic update of one location never run at the
   * same time, or undefined when they may (engine/concurrency/rule-out.ts updatesApart).
   */
  updatesApart?(split: End, atomic: End): string | undefined;
  /** Whole-tree mode: how many functions of the tree update a location atomically, and with a separate load and store. */
  updatersOf?(key: string): { readonly atomic: number; readonly split: number };
  /** The models a function must be correct under (targets.ts). */
  targetsOf?(t: Thread): readonly ModelName[];
  /** Where an event of a thread is, as a place (with `file` when it is not in the document). */
  place(t: Thread, at: Event | Span): Place;
}
