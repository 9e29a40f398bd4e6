// `--fix`: applies the preferred verified fix of the document's findings, one fix at a time,
// re-analysing after each (two fixes in one hunk would otherwise each recount its header as if
// alone). Every fix applied was re-simulated by the checks before it was offered; the loop stops
// when no preferred fix is left, or when a fix does not change the text.
import { FILE_HEADERS_ONLY, createTwoFilesPatch } from 'diff';
import type { Analysis, Fix } from '../checks/types';
import { applyTextEdits } from '../patch/index';

export interface FixResult {
  readonly text: string;
  /** Titles of the fixes applied, in order. */
  readonly applied: readonly string[];
  /** The analysis of the fixed text. */
  readonly after: Analysis;
}

const MAX_ROUNDS = 16;

/** The preferred fix that repairs the most findings, edits in this document only. */
function bestFix(a: Analysis, skip: ReadonlySet<string>): Fix | undefined {
  const fixes = a.findings.flatMap((f) => f.fixes.filter((x) => x.preferred && x.edits.length > 0 && x.edits.every((e) => e.file === undefined)));
  return fixes.filter((x) => !skip.has(x.title + JSON.stringify(x.edits))).sort((x, y) => y.repairs.length - x.repairs.length)[0];
}

export async function fixDocument(a: { text: string; analysis: Analysis; analyze: (text: string) => Promise<Analysis> }): Promise<FixResult> {
  let text = a.text;
  let analysis = a.analysis;
  const applied: string[] = [];
  const tried = new Set<string>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const fix = bestFix(analysis, tried);
    if (!fix) break;
    tried.add(fix.title + JSON.stringify(fix.edits));
    const next = applyTextEdits(text, fix.edits.map((e) => ({ line: e.range.line, col: e.range.col, endLine: e.range.endLine, endCol: e.range.endCol, newText: e.newText })));
    if (next === text) continue;
    text = next;
    applied.push(fix.title);
    analysis = await a.analyze(text);
  }
  return { text, applied, after: analysis };
}

/** A unified diff of a C file's fix, for `patch -p1` / `git apply` from the file's directory. */
export function fixDiff(path: string, before: string, after: string): string {
  const name = path.replace(/^\.?\//, '');
  // File headers only: no `Index:`/`===` lines, which git apply would have to skip.
  return createTwoFilesPatch(`a/${name}`, `b/${name}`, before, after, undefined, undefined, { context: 3, headerOptions: FILE_HEADERS_ONLY });
}
