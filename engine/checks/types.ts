// What the checks report, for every consumer (CLI text/JSON/SARIF, the language server):
// a finding with a stable code, an exact span in the input document, the paired code, the
// per-model evidence and the execution that breaks, and fixes that were re-simulated.
import type { ModelName } from '../models/model';

export type CheckCode =
  | 'missing-barrier'
  | 'misplaced-barrier'
  | 'unpaired-barrier'
  | 'overstrong-barrier'
  | 'arch-specific-ordering'
  | 'implicit-barrier'
  | 'lock-order-inversion'
  | 'lock-context'
  | 'lost-event'
  | 'lost-wakeup'
  | 'non-atomic-rmw'
  | 'check-outside-lock'
  | 'litmus-verdict'
  | 'litmus-result-mismatch'
  | 'ordering-regression'
  | 'ordering-fix';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** 1-based lines and columns in the input document; end is exclusive. */
export interface Range {
  readonly line: number;
  readonly col: number;
  readonly endLine: number;
  readonly endCol: number;
}

/** A place in some document: `file` is the path as given to the engine (absent = this document). */
export interface Place {
  readonly file?: string;
  readonly range: Range;
  /** The function the place is in, when known (for grouping, baselines and the corpus score). */
  readonly function?: string;
}

export interface Related {
  readonly place: Place;
  readonly message: string;
}

export type ModelVerdictWord = 'allowed' | 'forbidden' | 'inconclusive' | 'unsupported';

export interface ModelEvidence {
  readonly model: ModelName;
  /** Whether the bad outcome is allowed by this model. */
  readonly verdict: ModelVerdictWord;
  readonly detail?: string;
}

/** One numbered step of the witness execution, on one CPU. */
export interface WitnessStep {
  readonly cpu: number;
  readonly step: number;
  readonly text: string;
  readonly place?: Place;
}

/** A text edit in a document (1-based, end exclusive); `file` absent = this document. */
export interface Edit {
  readonly file?: string;
  readonly range: Range;
  readonly newText: string;
}

export interface Fix {
  readonly title: string;
  readonly edits: readonly Edit[];
  /** Ids of the findings this fix repairs (re-simulated: the bad outcome is forbidden under every target). */
  readonly repairs: readonly string[];
  readonly preferred: boolean;
  /** The models the fix was re-simulated under, and their verdicts after it. */
  readonly verified: readonly ModelEvidence[];
}

export interface Finding {
  /** Stable within one analysis, so fixes can name what they repair. */
  readonly id: string;
  readonly code: CheckCode;
  readonly severity: Severity;
  readonly place: Place;
  /** One sentence. */
  readonly message: string;
  /** What reorders, seen by whom, under which assumption. Markdown. */
  readonly explanation: string;
  readonly related: readonly Related[];
  readonly models: readonly ModelEvidence[];
  readonly witness?: readonly WitnessStep[];
  /** The generated litmus test behind the verdicts, in the LKMM C format. */
  readonly litmus?: string;
  readonly fixes: readonly Fix[];
}

/** Something worth showing on hover that is not a finding: a barrier, a shared access. */
export interface Note {
  readonly place: Place;
  readonly kind: 'barrier' | 'access' | 'lock';
  /** Markdown. */
  readonly markdown: string;
}

export interface Problem {
  readonly severity: 'error' | 'warning' | 'info';
  readonly message: string;
  readonly line: number;
  readonly col: number;
  /** Set when the problem is in another file than the document (e.g. `.hvbarrier.json`). */
  readonly file?: string;
}

/** Whether a function of the document was judged, and if not, why: silence must be honest. */
export interface FunctionCoverage {
  readonly function: string;
  readonly place: Place;
  readonly judged: boolean;
  /** Why it was not judged (no peer in view, unsupported, budget), or what weakens the judgement. */
  readonly reason?: string;
  /** Caveats that hold even when judged (only part of the function was in view). */
  readonly caveats?: readonly string[];
}

export interface Analysis {
  readonly findings: readonly Finding[];
  /** The document's functions (for a patch: those it touches), judged or not. */
  readonly functions?: readonly FunctionCoverage[];
  readonly notes: readonly Note[];
  /** Input problems (unreadable hunks, bad config, unsupported constructs). */
  readonly problems: readonly Problem[];
}

export type Arch = 'x86' | 'arm64' | 'all';

/** A place as one string (file, line, column), for telling findings at the same spot apart. */
export function placeKey(p: Place): string {
  return `${p.file ?? ''}:${p.range.line}:${p.range.col}`;
}

/** The models a target set of architectures means: x86 → x86-TSO; arm64 → ARMv8; all → both and LKMM. */
export function targetModels(arch: Arch): ModelName[] {
  return arch === 'x86' ? ['x86-tso'] : arch === 'arm64' ? ['armv8'] : ['x86-tso', 'armv8', 'lkmm'];
}

export const CHECK_DOCS_BASE = 'https://github.com/hvbarrier/hvbarrier/blob/main/docs/checks/';
