// The one place where engine shapes become LSP shapes. The engine speaks 1-based lines and
// columns with exclusive ends; LSP speaks 0-based lines and UTF-16 characters. Every
// conversion of a position, severity or finding goes through here.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeAction, CodeActionKind, type CodeLens, type Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity,
  type Range as LspRange, type TextEdit, type WorkspaceEdit,
} from 'vscode-languageserver';
import { overstrongFixes } from '../../engine/fix/overstrong-fixes';
import { hasPicture } from '../../engine/picture/finding-picture';
import { CHECK_DOCS_BASE, type Analysis, type Edit, type Finding, type Fix, type Place, type Problem, type Range, type Severity } from '../../engine/checks/types';

export const SOURCE = 'hvbarrier';

/** Resolves a `Place.file` (absent = the document itself) to a URI. */
export type UriOf = (file: string | undefined) => string;

export function uriResolver(docUri: string, docPath: string | undefined, roots: readonly string[]): UriOf {
  return (file) => {
    if (file === undefined || file === docPath) return docUri;
    if (/^[a-z][a-z0-9+.-]*:/i.test(file)) return file;
    if (path.isAbsolute(file)) return pathToFileURL(file).href;
    // A relative path names a file in the workspace (as the index and the CLI's --tree see it).
    const base = roots[0] ?? (docPath ? path.dirname(docPath) : process.cwd());
    return pathToFileURL(path.join(base, file)).href;
  };
}

export function toRange(r: Range): LspRange {
  const line = Math.max(0, r.line - 1);
  const endLine = Math.max(line, r.endLine - 1);
  const character = Math.max(0, r.col - 1);
  const endCharacter = endLine === line ? Math.max(character, r.endCol - 1) : Math.max(0, r.endCol - 1);
  return { start: { line, character }, end: { line: endLine, character: endCharacter } };
}

/** The engine range of an LSP position, for hit tests against engine places. */
export function fromPosition(p: { line: number; character: number }): { line: number; col: number } {
  return { line: p.line + 1, col: p.character + 1 };
}

export function toSeverity(s: Severity | Problem['severity']): DiagnosticSeverity {
  switch (s) {
    case 'error': return DiagnosticSeverity.Error;
    case 'warning': return DiagnosticSeverity.Warning;
    case 'information': case 'info': return DiagnosticSeverity.Information;
    default: return DiagnosticSeverity.Hint;
  }
}

export function docsHref(code: string): string {
  return `${CHECK_DOCS_BASE}${code}.md`;
}

/** What a diagnostic carries so a code action can be built from it alone. */
export interface DiagnosticData {
  readonly findingId: string;
  readonly version: number;
  readonly fixes: readonly ProtoFix[];
}

export interface ProtoFix {
  readonly title: string;
  readonly preferred: boolean;
  /** The overstrong-barrier check would flag it: a weaker offered fix does the same. */
  readonly overstrong: boolean;
  readonly repairs: readonly string[];
  readonly edit: WorkspaceEdit;
}

function toTextEdit(e: Edit): TextEdit {
  return { range: toRange(e.range), newText: e.newText };
}

export function toWorkspaceEdit(edits: readonly Edit[], uriOf: UriOf): WorkspaceEdit {
  const changes: Record<string, TextEdit[]> = {};
  for (const e of edits) (changes[uriOf(e.file)] ??= []).push(toTextEdit(e));
  return { changes };
}

export function toProtoFix(fix: Fix, uriOf: UriOf, overstrong = false): ProtoFix {
  return { title: fix.title, preferred: fix.preferred && !overstrong, overstrong, repairs: fix.repairs, edit: toWorkspaceEdit(fix.edits, uriOf) };
}

/** A finding's fixes for the editor: the over-strong ones (see engine/fix/overstrong-fixes.ts) last. */
function protoFixes(fixes: readonly Fix[], uriOf: UriOf): ProtoFix[] {
  const over = overstrongFixes(fixes);
  const all = fixes.map((f, i) => toProtoFix(f, uriOf, over.has(i)));
  return [...all.filter((f) => !f.overstrong), ...all.filter((f) => f.overstrong)];
}

function relatedOf(f: Finding, uriOf: UriOf): DiagnosticRelatedInformation[] {
  return f.related.map((r) => DiagnosticRelatedInformation.create({ uri: uriOf(r.place.file), range: toRange(r.place.range) }, r.message));
}

/** A finding in this document as a diagnostic; findings placed in other files are skipped by the caller. */
export function findingToDiagnostic(f: Finding, ctx: { uriOf: UriOf; version: number }): Diagnostic {
  const data: DiagnosticData = { findingId: f.id, version: ctx.version, fixes: protoFixes(f.fixes, ctx.uriOf) };
  return {
    range: toRange(f.place.range),
    severity: toSeverity(f.severity),
    code: f.code,
    codeDescription: { href: docsHref(f.code) },
    source: SOURCE,
    message: f.message,
    relatedInformation: relatedOf(f, ctx.uriOf),
    data,
  };
}

export function problemToDiagnostic(p: Problem): Diagnostic {
  const line = Math.max(0, p.line - 1);
  const character = Math.max(0, p.col - 1);
  return {
    range: { start: { line, character }, end: { line, character: character + 1 } },
    severity: toSeverity(p.severity),
    code: 'input',
    source: SOURCE,
    message: p.message,
  };
}

export function isHere(place: Place, docUri: string, uriOf: UriOf): boolean {
  return uriOf(place.file) === docUri;
}

/** The errors of a `.hvbarrier.json`, as diagnostics on that file. */
export function configErrorDiagnostics(errors: ReadonlyArray<{ line: number; col: number; message: string }>): Diagnostic[] {
  return errors.map((e) => ({ ...problemToDiagnostic({ severity: 'error', line: e.line, col: e.col, message: e.message }), code: 'config' }));
}

/** All diagnostics of one document from one analysis. */
export function toDiagnostics(a: Analysis, ctx: { docUri: string; uriOf: UriOf; version: number }): Diagnostic[] {
  const here = a.findings.filter((f) => isHere(f.place, ctx.docUri, ctx.uriOf));
  // A problem in another file (the knowledge-base config) is shown at the top of this
  // document with its own file:line:col, so it is seen where the analysis ran.
  const problems = a.problems.map((p) => (p.file
    ? { ...problemToDiagnostic({ ...p, line: 1, col: 1 }), message: `${p.file}:${p.line}:${p.col}: ${p.message}` }
    : problemToDiagnostic(p)));
  return [...here.map((f) => findingToDiagnostic(f, ctx)), ...problems];
}

/** Quick fixes from a diagnostic's data; the preferred flag comes straight from the engine. */
export function toCodeActions(diag: Diagnostic): CodeAction[] {
  const data = diag.data as Partial<DiagnosticData> | undefined;
  if (diag.source !== SOURCE || !data || !Array.isArray(data.fixes)) return [];
  return data.fixes.map((fix) => {
    const action = CodeAction.create(fix.overstrong ? `${fix.title} (over-strong)` : fix.title, fix.edit, CodeActionKind.QuickFix);
    action.diagnostics = [diag];
    if (fix.preferred) action.isPreferred = true;
    return action;
  });
}

/**
 * Code lenses: per-model verdicts on a litmus condition; "Show execution" on findings whose bad
 * outcome some model allows, and "Show litmus test" on findings that carry a generated test.
 */
export function toCodeLenses(a: Analysis, ctx: { docUri: string; uriOf: UriOf; doc: { kind: string; text: string } }): CodeLens[] {
  const lenses: CodeLens[] = [];
  const here = a.findings.filter((f) => isHere(f.place, ctx.docUri, ctx.uriOf));
  // Several findings on one line would show identical lenses side by side: name each one's check.
  const perLine = new Map<number, number>();
  for (const f of here) perLine.set(f.place.range.line, (perLine.get(f.place.range.line) ?? 0) + 1);
  for (const f of here) {
    const range = toRange(f.place.range);
    const args = [ctx.docUri, f.id];
    const which = (perLine.get(f.place.range.line) ?? 0) > 1 ? ` (${f.code})` : '';
    if (f.code === 'litmus-verdict') {
      // A lens with an empty command is a label: the verdict is information, not an action.
      for (const m of f.models) lenses.push({ range, command: { title: `${m.model}: ${m.verdict}`, command: '' } });
    }
    if (hasPicture(f, ctx.doc)) lenses.push({ range, command: { title: `Show execution${which}`, command: 'hvbarrier.showExecution', arguments: args } });
    if (f.litmus && f.code !== 'litmus-verdict') lenses.push({ range, command: { title: `Show litmus test${which}`, command: 'hvbarrier.showLitmus', arguments: args } });
  }
  return lenses;
}
