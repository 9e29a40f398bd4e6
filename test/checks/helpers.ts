// One helper for the check tests: analyze a fixture (with an optional workspace tree) the way
// the CLI and the server do, and small queries over the result.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeDocument, documentKind } from '../../engine/analyze';
import { initCParser } from '../../engine/c/init';
import type { Analysis, Arch, CheckCode, Finding, Fix } from '../../engine/checks/types';
import type { Os } from '../../engine/kb/types';
import { applyTextEdits } from '../../engine/patch/index';
import { repoRoot } from '../support/paths';

export const seeds = (name: string): string => join(repoRoot, 'fixtures', 'seeds', name);

export async function check(a: { file: string; text?: string; tree?: string[]; treeTexts?: Array<{ path: string; text: string }>; os?: Os; arch?: Arch }): Promise<Analysis> {
  const parser = await initCParser();
  const text = a.text ?? readFileSync(a.file, 'utf8');
  return analyzeDocument({
    path: a.file, text, kind: documentKind({ path: a.file }), parser,
    config: { arch: a.arch ?? 'all', os: a.os },
    tree: [...(a.tree ?? []).map((p) => ({ path: p, text: readFileSync(p, 'utf8') })), ...(a.treeTexts ?? [])],
  });
}

export function codes(a: Analysis, min: 'warning' | 'any' = 'any'): CheckCode[] {
  return a.findings.filter((f) => min === 'any' || f.severity === 'warning' || f.severity === 'error').map((f) => f.code);
}

/** Every finding as `code: message`, for an assertion's failure message. */
export function messages(a: Pick<Analysis, 'findings'>): string {
  return JSON.stringify(a.findings.map((f) => `${f.code}: ${f.message}`));
}

export function only(a: Analysis, code: CheckCode): Finding[] {
  return a.findings.filter((f) => f.code === code);
}

export function lineText(text: string, line: number): string {
  return text.split('\n')[line - 1] ?? '';
}

export function preferred(f: Finding): Fix {
  const fix = f.fixes.find((x) => x.preferred);
  if (!fix) throw new Error(`no preferred fix on ${f.code}: ${f.message}`);
  return fix;
}

/** Applies a fix's edits to the document text. */
export function applyFix(text: string, fix: Fix): string {
  return applyTextEdits(text, fix.edits.map((e) => ({ line: e.range.line, col: e.range.col, endLine: e.range.endLine, endCol: e.range.endCol, newText: e.newText })));
}

/**
 * A one-hunk git diff of `path` whose hunk starts at line `start` of both images, with its
 * counts taken from the lines (each prefixed ' ', '-' or '+') and an optional `@@` section.
 */
export function onePatch(path: string, start: number, lines: readonly string[], section?: string): string {
  const before = lines.filter((l) => !l.startsWith('+')).length;
  const after = lines.filter((l) => !l.startsWith('-')).length;
  return [`diff --git a/${path} b/${path}`, `--- a/${path}`, `+++ b/${path}`, `@@ -${start},${before} +${start},${after} @@${section ? ` ${section}` : ''}`, ...lines, ''].join('\n');
}
