// The one place where an analysis becomes what `hvbarrier check` reports, whatever the format:
// each finding with the caveats that weaken it (a hunk that lost lines, C not understood, a
// scenario not judged in the same function), the problems that weaken no finding, what was
// suppressed and why, and how many functions were judged. The text, terse, JSON and SARIF
// formatters only render a Report, so anything added here reaches every format.
import type { Analysis, Finding, Problem } from '../checks/types';
import type { DocumentKind } from '../analyze';
import { ignoreCommentFor } from '../suppress/comments';
import { fingerprint, normalizedCode } from '../suppress/fingerprint';
import type { BaselineMatcher } from '../suppress/baseline';
import { functionAt, regionsOf, within, type DocumentMap, type Region } from './document-map';
import type { InputError } from './inputs';
import { functionVerdicts, verdictAt, type FunctionVerdict } from './report-functions';

/** Bumped when the JSON report changes shape (see docs/cli.md). */
export const REPORT_SCHEMA_VERSION = 2;

export interface Caveat {
  /** Absent: the document itself. */
  readonly file?: string;
  readonly line: number;
  readonly col: number;
  readonly severity: 'error' | 'warning' | 'note';
  readonly message: string;
}

export interface ReportedFinding {
  readonly finding: Finding;
  readonly fingerprint: string;
  /** The function the finding sits in, when known. */
  readonly function?: string;
  /** The source file of the code (for a patch, the patched file). */
  readonly codeFile: string;
  /** Problems of the same hunk or function: the finding rests on code that was not fully read or judged. */
  readonly caveats: readonly Caveat[];
}

export interface SuppressedFinding extends ReportedFinding {
  readonly by: 'comment' | 'baseline' | 'disable';
  readonly reason?: string;
}

export interface FileReport {
  readonly file: string;
  readonly kind: DocumentKind;
  readonly findings: readonly ReportedFinding[];
  readonly suppressed: readonly SuppressedFinding[];
  /** Problems that weaken no finding (each problem is either here or under its findings). */
  readonly problems: readonly Caveat[];
  readonly functions: { readonly judged: number; readonly notJudged: number; readonly list: readonly FunctionVerdict[] };
  /** Functions not judged whose reason no problem above already gives. */
  readonly notJudged: readonly Caveat[];
}

export interface Report {
  readonly files: readonly FileReport[];
  /** Inputs, configs and baselines that could not be read: nothing was checked there. */
  readonly errors: readonly InputError[];
  /** Remarks about the whole run (e.g. how an --arch value is judged). */
  readonly notices: readonly string[];
}

export interface Suppressions {
  readonly disabled: ReadonlySet<string>;
  readonly baseline?: BaselineMatcher;
}

/** A scenario no target could judge (engine problems), or a function not judged (this report). */
const NOT_JUDGED = /^(unsupported|not judged): /;

export function caveatOf(p: Problem): Caveat {
  return { ...(p.file ? { file: p.file } : {}), line: p.line, col: p.col, severity: p.severity === 'info' ? 'note' : p.severity, message: p.message };
}

/** Whether a problem is about a scenario or function that was not judged. */
export const isNotJudged = (c: Caveat): boolean => NOT_JUDGED.test(c.message);

/**
 * `sourcePath` names a C document's file in fingerprints (relative to the current directory, so
 * `./a.c` and `a.c` agree); a patch's findings are named by the patched file instead.
 */
export function reportFile(a: { file: string; sourcePath: string; kind: DocumentKind; analysis: Analysis; map: DocumentMap; suppress: Suppressions }): FileReport {
  const { map } = a;
  // The analysis reports what extraction and judging could not do; the patch front end's own
  // problems (a hunk cut short in a reply) are added here, each once.
  const docProblems = a.analysis.problems.filter((p) => p.file === undefined);
  const fresh = map.inputProblems.filter((p) => !docProblems.some((q) => q.line === p.line && q.message === p.message));
  const own = [...fresh, ...docProblems].sort((x, y) => x.line - y.line || x.col - y.col).map(caveatOf);
  const foreign = a.analysis.problems.filter((p) => p.file !== undefined).map(caveatOf);
  const fns = functionVerdicts({ analysis: a.analysis, map, problems: own });
  const attached = new Set<Caveat>();
  const findings: ReportedFinding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const f of a.analysis.findings) {
    const regions = placesInDocument(f).flatMap((line) => regionsOf(map, line));
    const line = f.place.range.line;
    const verdict = f.place.file === undefined ? verdictAt(fns, line, f.place.function) ?? verdictAt(fns, line) : undefined;
    const partial = (verdict?.caveats ?? []).map((message): Caveat => ({ line: verdict!.line, col: verdict!.col, severity: 'note', message }));
    const caveats = [...own.filter((c) => regions.some((r: Region) => within(r, c.line))), ...partial];
    caveats.forEach((c) => attached.add(c));
    const fn = functionAt(map, line);
    const fnName = f.place.function ?? verdict?.name ?? fn?.name;
    const codeFile = map.hunks.find((h) => within(h, line))?.file ?? (map.patch ? fn?.file : undefined) ?? a.sourcePath;
    const reported: ReportedFinding = {
      finding: f, caveats, codeFile, ...(fnName ? { function: fnName } : {}),
      fingerprint: fingerprint({ code: f.code, file: codeFile, function: fnName ?? '', text: normalizedCode(map.lines[line - 1] ?? '', { patch: map.patch }) }),
    };
    const why = suppression(reported, { map, suppress: a.suppress });
    if (why) suppressed.push({ ...reported, ...why });
    else findings.push(reported);
  }
  // A caveat under a suppressed finding only is still shown on its own.
  const shown = new Set(findings.flatMap((f) => f.caveats));
  const problems = [...foreign, ...own.filter((c) => !attached.has(c) || !shown.has(c))];
  // A function not judged is listed unless a problem inside it already says why.
  const notJudged = fns.filter((f) => !f.judged && f.file === undefined && !own.some((p) => isNotJudged(p) && p.line >= f.line && p.line <= f.endLine))
    .map((f): Caveat => ({ line: f.line, col: f.col, severity: 'note', message: `not judged: ${f.name}()${f.reason ? `: ${f.reason}` : ''}` }));
  const judged = fns.filter((f) => f.judged).length;
  return { file: a.file, kind: a.kind, findings, suppressed, problems, notJudged, functions: { judged, notJudged: fns.length - judged, list: fns } };
}

/** Lines of the document the finding rests on: its own place and its related places here. */
function placesInDocument(f: Finding): number[] {
  return [f.place, ...f.related.map((r) => r.place)].filter((p) => p.file === undefined).map((p) => p.range.line);
}

function suppression(f: ReportedFinding, a: { map: DocumentMap; suppress: Suppressions }): Pick<SuppressedFinding, 'by' | 'reason'> | undefined {
  if (a.suppress.disabled.has(f.finding.code)) return { by: 'disable', reason: `--disable ${f.finding.code}` };
  const comment = ignoreCommentFor({ lines: a.map.lines, line: f.finding.place.range.line, code: f.finding.code, patch: a.map.patch });
  if (comment) return { by: 'comment', reason: comment.reason || `line ${comment.line}` };
  if (a.suppress.baseline?.take(f.fingerprint)) return { by: 'baseline' };
  return undefined;
}

export interface Totals {
  readonly errors: number;
  readonly warnings: number;
  readonly notes: number;
  readonly suppressed: number;
  readonly judged: number;
  readonly notJudged: number;
}

export function totals(r: Report): Totals {
  const all = r.files.flatMap((f) => f.findings.map((x) => x.finding.severity));
  return {
    errors: all.filter((s) => s === 'error').length + r.errors.length,
    warnings: all.filter((s) => s === 'warning').length,
    notes: all.filter((s) => s === 'information' || s === 'hint').length,
    suppressed: r.files.reduce((n, f) => n + f.suppressed.length, 0),
    judged: r.files.reduce((n, f) => n + f.functions.judged, 0),
    notJudged: r.files.reduce((n, f) => n + f.functions.notJudged, 0),
  };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `total: 0 errors, 2 warnings, 1 note; 14 functions judged, 2 not` (plus what was suppressed). */
export function summaryLine(t: Totals): string {
  const suppressed = t.suppressed ? `; ${t.suppressed} suppressed` : '';
  return `total: ${plural(t.errors, 'error')}, ${plural(t.warnings, 'warning')}, ${plural(t.notes, 'note')}; ${plural(t.judged, 'function')} judged, ${t.notJudged} not${suppressed}`;
}

/** 2 when anything could not be read, 1 when a finding is at warning or above, else 0. */
export function exitCode(r: Report): number {
  if (r.errors.length > 0) return 2;
  return r.files.some((f) => f.findings.some((x) => x.finding.severity === 'warning' || x.finding.severity === 'error')) ? 1 : 0;
}
