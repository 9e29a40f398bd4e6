// The one entry point editors and the CLI call: a document's text in, findings, hover notes
// and input problems out. No I/O here; the caller reads files and passes configuration.
import { analyzeLitmus } from './analyze-litmus';
import type { Analysis, Arch } from './checks/types';
import type { ModelName } from './models/model';
import { parseInput } from './patch/index';
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
}

export interface AnalyzeInput {
  /** The document's path or URI as the caller knows it; findings elsewhere name their file. */
  readonly path?: string;
  readonly text: string;
  readonly kind: DocumentKind;
  readonly config: AnalyzeConfig;
}

/** Which kind of document a path or editor language id is. */
export function documentKind(args: { path?: string; languageId?: string; text?: string }): DocumentKind {
  const { path = '', languageId = '' } = args;
  if (languageId === 'litmus' || path.endsWith('.litmus')) return 'litmus';
  if (languageId === 'c' || /\.(c|h)$/.test(path)) return 'c';
  return 'patch';
}

export async function analyzeDocument(input: AnalyzeInput): Promise<Analysis> {
  if (input.kind === 'litmus') return analyzeLitmus({ text: input.text, models: input.config.models, budget: input.config.budget });
  // Until the checks land (issue 5) a patch or C document reports only what the front end saw.
  const parsed = parseInput(input.text, { path: input.path });
  return { findings: [], notes: [], problems: parsed.problems.map((p) => ({ ...p })) };
}
