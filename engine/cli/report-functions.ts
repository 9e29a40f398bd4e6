// Which of a document's functions were judged, for the report: the analysis's own per-function
// coverage when it gives one (engine/checks/coverage.ts), otherwise derived from what exists (a
// function with a `unsupported:` problem inside it was not judged). One place, so every format
// counts and lists the same functions.
import type { Analysis } from '../checks/types';
import { within, type DocumentMap } from './document-map';
import type { Caveat } from './report';

export interface FunctionVerdict {
  readonly name: string;
  /** Absent: the document itself. */
  readonly file?: string;
  readonly line: number;
  readonly col: number;
  readonly endLine: number;
  readonly judged: boolean;
  /** Why it was not judged (or, when judged, what was there to judge). */
  readonly reason?: string;
  /** What weakens the judgement even when judged (only part of the function was in view). */
  readonly caveats: readonly string[];
}

const NOT_JUDGED = /^unsupported: /;

export function functionVerdicts(a: { analysis: Analysis; map: DocumentMap; problems: readonly Caveat[] }): FunctionVerdict[] {
  if (a.analysis.functions) {
    return a.analysis.functions.map((f) => ({
      name: f.function, ...(f.place.file ? { file: f.place.file } : {}),
      line: f.place.range.line, col: f.place.range.col, endLine: f.place.range.endLine,
      judged: f.judged, ...(f.reason ? { reason: f.reason } : {}), caveats: f.caveats ?? [],
    }));
  }
  const seen = new Map<string, FunctionVerdict>();
  for (const fn of a.map.functions) {
    const key = `${fn.file}|${fn.name}|${fn.first}`;
    const why = a.problems.find((p) => NOT_JUDGED.test(p.message) && within(fn, p.line));
    if (seen.get(key)?.judged === false) continue;
    seen.set(key, { name: fn.name, line: fn.first, col: 1, endLine: fn.last, judged: !why, ...(why ? { reason: why.message } : {}), caveats: [] });
  }
  return [...seen.values()];
}

/** The function a document line is in, among the verdicts (the innermost). */
export function verdictAt(fns: readonly FunctionVerdict[], line: number, name?: string): FunctionVerdict | undefined {
  const inside = fns.filter((f) => f.file === undefined && line >= f.line && line <= f.endLine && (name === undefined || f.name === name));
  return inside.sort((x, y) => (x.endLine - x.line) - (y.endLine - y.line))[0];
}
