// Where things are in one input document, for the report: the functions (to count what was
// judged and to name a finding's function in its fingerprint), the hunks of a patch (so a
// caveat about a hunk lands on the findings inside it) and the source file of each line.
import type { AnalysisCache } from '../analysis-cache';
import type { CParser } from '../c/parser';
import type { Analysis } from '../checks/types';
import { extractC, extractPatch } from '../extract/index';
import { guessOs, type KnowledgeBase, type Os } from '../kb/index';
import { parseInput, type Problem } from '../patch/index';
import type { InputDocument } from './inputs';

export interface Region {
  readonly first: number;
  readonly last: number;
}

export interface DocumentFunction extends Region {
  readonly name: string;
  /** The source file (for a patch, the patched file's path). */
  readonly file: string;
}

export interface DocumentMap {
  readonly functions: readonly DocumentFunction[];
  /** Hunks of a patch with their source file; empty for C and litmus. */
  readonly hunks: ReadonlyArray<Region & { readonly file: string }>;
  readonly lines: readonly string[];
  readonly patch: boolean;
  /** What the patch front end could not read (hunks cut short, counts that do not add up). */
  readonly inputProblems: readonly Problem[];
}

const stripAB = (p: string): string => p.replace(/^[ab]\//, '');

/**
 * Maps a document. The extraction is the one the analysis did (same parser, knowledge base and
 * cache), so it costs a cache lookup, not a second parse.
 */
export function mapDocument(doc: InputDocument, a: { parser: CParser; kb: KnowledgeBase; cache: AnalysisCache; os?: Os; analysis?: Analysis }): DocumentMap {
  const lines = doc.text.split('\n');
  if (doc.kind === 'litmus') return { functions: [], hunks: [], lines, patch: false, inputProblems: [] };
  // The analysis lists the document's functions when it judged them per function; otherwise
  // they are extracted again (a cache lookup for the parse, with the same parser and cache).
  const listed = a.analysis?.functions?.filter((f) => f.place.file === undefined)
    .map((f) => ({ name: f.function, file: doc.name, first: f.place.range.line, last: f.place.range.endLine }));
  const profile = { os: a.os ?? guessOs(doc.path, doc.text) };
  if (doc.kind === 'c') {
    const functions = listed ?? extractC(a.parser, { text: doc.text, path: doc.name, kb: a.kb, profile, cache: a.cache.parses }).value
      .map((t) => ({ name: t.name, file: doc.name, first: t.span.line, last: t.span.endLine }));
    return { functions, hunks: [], lines, patch: false, inputProblems: [] };
  }
  const parsed = parseInput(doc.text, { path: doc.path });
  const hunks = parsed.units.flatMap((u) => u.files.flatMap((f) => f.hunks.map((h) => ({
    file: stripAB(f.newPath ?? f.oldPath ?? ''),
    first: h.headerLine,
    last: Math.max(h.headerLine, ...h.lines.flatMap((l) => l.segments.map((s) => s.input.line))),
  }))));
  // A patch's functions carry the patched file's path (from their hunk) for fingerprints.
  const fileAt = (line: number): string => hunks.find((h) => within(h, line))?.file ?? '';
  const functions = listed?.map((f) => ({ ...f, file: fileAt(f.first) })) ?? extractPatch(a.parser, { patch: parsed, kb: a.kb, profile, cache: a.cache.parses }).value
    .filter((t) => t.side !== 'pre').map((t) => ({ name: t.name, file: stripAB(t.file ?? ''), first: t.span.line, last: t.span.endLine }));
  return { functions, hunks, lines, patch: true, inputProblems: parsed.problems };
}

export const within = (r: Region, line: number): boolean => line >= r.first && line <= r.last;

/** The innermost function around an input line. */
export function functionAt(m: DocumentMap, line: number): DocumentFunction | undefined {
  return m.functions.filter((f) => within(f, line)).sort((x, y) => (x.last - x.first) - (y.last - y.first))[0];
}

/** The regions a line belongs to: its hunk and its function. */
export function regionsOf(m: DocumentMap, line: number): Region[] {
  return [...m.hunks.filter((h) => within(h, line)), ...m.functions.filter((f) => within(f, line))];
}
