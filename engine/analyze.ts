// The one entry point editors and the CLI call: a document's text in, findings, hover notes
// and input problems out. No I/O here; the caller reads files and passes configuration.
import type { AnalysisCache } from './analysis-cache';
import { analyzeLitmus } from './analyze-litmus';
import type { CParser } from './c/parser';
import { checkDocument, type CheckInput } from './checks/run';
import type { Analysis, Arch } from './checks/types';
import { DEFAULT_KB, loadConfig, type Os } from './kb/index';
import type { ModelName } from './models/model';
import type { Budget } from './sim/candidates';

export type DocumentKind = 'patch' | 'c' | 'litmus';

export interface AnalyzeConfig {
  /** Target architectures; decides severities and which models must forbid a bad outcome. */
  readonly arch: Arch;
  /** Models to report in evidence (default: all four). */
  readonly models?: readonly ModelName[];
  readonly budget?: Partial<Budget>;
  /** Text of a `.hvbarrier.json` (knowledge-base extensions), if any. */
  readonly kbConfigText?: string;
  /** Where that text came from, so its problems name their file (default `.hvbarrier.json`). */
  readonly kbConfigPath?: string;
  /** Force the code base whose primitive definitions apply (default: guessed from paths and text). */
  readonly os?: Os;
  /**
   * Files the tree's own Kbuild and Kconfig build for fewer architectures than all: path →
   * `arch/` directory names (see engine/concurrency/kbuild.ts). Their code is judged only for those.
   */
  readonly builtFor?: Readonly<Record<string, readonly string[]>>;
}

export interface AnalyzeInput {
  /** The document's path or URI as the caller knows it; findings elsewhere name their file. */
  readonly path?: string;
  readonly text: string;
  readonly kind: DocumentKind;
  readonly config: AnalyzeConfig;
  /** Workspace files that may hold the code running against this document's functions. */
  readonly tree?: readonly { readonly path: string; readonly text: string }[];
  /**
   * A workspace index (engine/pair/summary.ts) and a way to read its files: only the files that
   * share a location or a lock with the document are read and analysed.
   */
  readonly workspace?: CheckInput['workspace'];
  /**
   * Parses and simulation results to reuse from earlier analyses: callers that analyse again
   * and again (an editor, the CLI over many files) keep one; without it nothing is kept.
   */
  readonly cache?: AnalysisCache;
  /** A ready C parser (see engine/c/init.ts); required for patches and C files. */
  readonly parser?: CParser;
  /** Whole-tree mode only: the tree's concurrency model, which pairing asks (engine/concurrency). */
  readonly concurrency?: CheckInput['concurrency'];
  /** Findings without verified fixes (whole-tree mode). */
  readonly withoutFixes?: boolean;
}

// The last knowledge-base extension read, by its text: a caller analysing many documents with
// one config (whole-tree mode, an editor) gets the same knowledge-base object each time, and
// with it the extracted functions kept in its cache (keyed by knowledge base).
let lastConfig: { text: string; value: ReturnType<typeof loadConfig> } | undefined;

function configFor(text: string): ReturnType<typeof loadConfig> {
  if (lastConfig?.text !== text) lastConfig = { text, value: loadConfig(text) };
  return lastConfig.value;
}

/** Which kind of document a path or editor language id is. */
export function documentKind(args: { path?: string; languageId?: string; text?: string }): DocumentKind {
  const { path = '', languageId = '', text } = args;
  if (languageId === 'litmus' || path.endsWith('.litmus')) return 'litmus';
  if (languageId === 'c' || /\.(c|h)$/.test(path)) return 'c';
  // Text without a name (stdin): C unless it carries diff markers.
  if (!path && !languageId && text !== undefined) {
    if (/^C \S+/.test(text) && /^\s*exists\b/m.test(text)) return 'litmus';
    if (!/^(diff --git |--- |\+\+\+ |@@ )/m.test(text.replace(/^(> ?)+/gm, ''))) return 'c';
  }
  return 'patch';
}

export async function analyzeDocument(input: AnalyzeInput): Promise<Analysis> {
  if (input.kind === 'litmus') return analyzeLitmus({ text: input.text, models: input.config.models, budget: input.config.budget });
  const parser = input.parser ?? (await (await import('./c/init')).initCParser());
  const config = input.config.kbConfigText !== undefined ? configFor(input.config.kbConfigText) : { kb: DEFAULT_KB, problems: [] };
  const document = { path: input.path, text: input.text, kind: input.kind, role: 'document' as const };
  const res = checkDocument({
    parser, kb: config.kb, arch: input.config.arch, os: input.config.os, budget: input.config.budget, document, builtFor: input.config.builtFor,
    tree: (input.tree ?? []).map((t) => ({ path: t.path, text: t.text, kind: /\.(c|h)$/.test(t.path) ? 'c' : 'patch', role: 'tree' })),
    workspace: input.workspace, cache: input.cache, concurrency: input.concurrency, withoutFixes: input.withoutFixes,
  });
  const file = input.config.kbConfigPath ?? '.hvbarrier.json';
  return { ...res, problems: [...config.problems.map((p) => ({ ...p, file })), ...res.problems] };
}
