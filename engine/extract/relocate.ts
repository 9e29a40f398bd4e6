// Moves a thread extracted earlier to where its function sits now. A function whose text and
// surroundings are unchanged but which moved (lines added above it, a hunk shifted in the
// patch) has every position shifted by the same number of lines: input lines by one amount,
// source-file lines by another. Columns are kept: the layout key (SourceMap.layout) asks that
// every row map to the same columns.
import type { Problem } from '../patch/types';
import type { Span, Thread } from './types';

export function relocateThread(t: Thread, d: { line: number; src: number }): Thread {
  if (d.line === 0 && d.src === 0) return t;
  const span = (s: Span): Span => ({ line: s.line + d.line, col: s.col, endLine: s.endLine + d.line, endCol: s.endCol });
  return {
    ...t,
    span: span(t.span),
    events: t.events.map((e) => ({ ...e, span: span(e.span), stmt: span(e.stmt), srcLine: e.srcLine + d.src })),
    conds: t.conds.map((c) => ({ ...c, span: span(c.span) })),
    ...(t.callerHolds ? { callerHolds: t.callerHolds.map((h) => ({ ...h, span: span(h.span) })) } : {}),
  };
}

/** A problem's line, and the `at L:C` its message names when that is its own position. */
export function relocateProblem(p: Problem, dLine: number): Problem {
  if (dLine === 0) return p;
  const line = p.line + dLine;
  return { ...p, line, message: p.message.replace(` at ${p.line}:${p.col}`, ` at ${line}:${p.col}`) };
}
