// Shared helpers for the patch front-end tests: fixture access, a compact readable form of a
// parse for golden files, and a scratch git repository to prove patches still apply.

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FilePatch, ParsedInput } from '../../engine/patch';

/** The repository root (tests run from dist/test/patch). */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const seedDir = path.join(repoRoot, 'fixtures', 'seeds');

export function seedFixtures(): string[] {
  return fs.readdirSync(seedDir).filter((f) => /\.(patch|txt|eml|mbox)$/.test(f)).sort();
}

export function readSeed(name: string): string {
  return fs.readFileSync(path.join(seedDir, name), 'utf8');
}

/** One line per hunk line: kind, input positions of its pieces, and the text. */
export function summarize(parsed: ParsedInput): unknown {
  return {
    kind: parsed.kind,
    problems: parsed.problems.map((p) => `${p.line}:${p.col} ${p.severity}: ${p.message}`),
    units: parsed.units.map((u) => ({
      startLine: u.startLine, quoteDepth: u.quoteDepth, subject: u.subject, from: u.from, messageId: u.messageId,
      files: u.files.map((f) => ({
        oldPath: f.oldPath, newPath: f.newPath, binary: f.binary, headerLine: f.headerLine,
        hunks: f.hunks.map((h) => ({
          header: `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@ ${h.section ?? ''}`.trimEnd(),
          headerLine: h.headerLine, declared: h.declaredOldLines === undefined ? undefined : `${h.declaredOldLines}/${h.declaredNewLines}`,
          truncated: h.truncated,
          lines: h.lines.map((l) => `${l.kind[0]} ${l.segments.map((s) => `${s.input.line}:${s.input.col}@${s.textCol}`).join(',')}${l.inferred ? ` (${l.inferred})` : ''} |${l.text}`),
        })),
        fragments: [...f.pre, ...f.post].map((g) => `${g.side} hunk ${g.hunkIndex} from file line ${g.fileStartLine}, ${g.lines.length} lines`),
      })),
    })),
  };
}

/** Compares with the golden file, or writes it when UPDATE_EXPECT=1. */
export function checkGolden(goldenPath: string, actual: unknown): { expected: unknown; actual: unknown } {
  const text = JSON.stringify(actual, null, 1) + '\n';
  if (process.env.UPDATE_EXPECT === '1') fs.writeFileSync(goldenPath, text);
  const expected = fs.existsSync(goldenPath) ? JSON.parse(fs.readFileSync(goldenPath, 'utf8')) as unknown : '(no golden file: run with UPDATE_EXPECT=1)';
  return { expected, actual: JSON.parse(text) as unknown };
}

/**
 * Writes each file's pre-image (filler lines, then every hunk's context and removed lines at
 * its old line number) into a fresh git repository and runs `git apply --check` on the patch.
 * Returns git's error output, or '' when the patch applies.
 */
export function gitApplyCheck(files: readonly FilePatch[], patchText: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hvb-patch-'));
  try {
    execFileSync('git', ['init', '-q', dir]);
    for (const f of files) {
      if (f.oldPath === null) continue;
      const lines: string[] = [];
      for (const h of f.hunks) {
        while (lines.length < h.oldStart - 1) lines.push(`/* line ${lines.length + 1} */`);
        for (const l of h.lines) if (l.kind !== 'added') lines.push(l.text);
      }
      lines.push('/* end of file */');
      const p = path.join(dir, f.oldPath);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, lines.join('\n') + '\n');
    }
    fs.writeFileSync(path.join(dir, 'x.patch'), patchText);
    try {
      execFileSync('git', ['apply', '--check', 'x.patch'], { cwd: dir, stdio: 'pipe' });
      return '';
    } catch (err) {
      return String((err as { stderr?: Buffer }).stderr ?? err);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
