// Line-level edits to the document a finding lives in. For a C file they are plain text
// edits; for a patch (or a reply quoting one) they become `+`/`-` lines inside the hunk, with
// the quote prefix kept and the `@@` header recounted (engine/patch/edit.ts), so the patched
// patch still applies.
import { editHunk } from '../patch/index';
import { splitLines } from '../patch/quote';
import type { FilePatch, ParsedInput } from '../patch/types';
import type { Edit } from '../checks/types';

export interface LineEditor {
  /** The code on an input line (quote prefix and diff marker removed). */
  code(line: number): string | undefined;
  /** Whether an input line is part of the edited result (a patch's removed line is not). */
  kept(line: number): boolean;
  /** Inserts one line, or several in order, before an input line. */
  insertBefore(line: number, code: string | readonly string[]): void;
  remove(line: number): void;
  replace(line: number, code: string): void;
  finish(): Edit[];
}

/** Makes editors for one document; the line index of a patch is built once and shared. */
export function lineEditors(args: { text: string; parsed?: ParsedInput }): () => LineEditor {
  // Split once: a document gets an editor per candidate fix.
  const lines = splitLines(args.text);
  if (!args.parsed || args.parsed.units.length === 0) return () => new TextEditor(lines);
  const index = patchLineIndex(args.parsed);
  return () => new PatchEditor(args.text, index, lines);
}

type LineIndex = ReadonlyMap<number, HunkRef & { code: string; removed: boolean }>;

function patchLineIndex(parsed: ParsedInput): LineIndex {
  const byLine = new Map<number, HunkRef & { code: string; removed: boolean }>();
  for (const u of parsed.units) {
    for (const file of u.files) {
      file.hunks.forEach((h, hunkIndex) => h.lines.forEach((l, index) => {
        const line = l.segments[0]?.input.line;
        if (line !== undefined && !byLine.has(line)) byLine.set(line, { file, hunkIndex, index, code: l.text, removed: l.kind === 'removed' });
      }));
    }
  }
  return byLine;
}

export function indentOf(code: string): string {
  return /^[ \t]*/.exec(code)![0];
}

class TextEditor implements LineEditor {
  private readonly edits: Edit[] = [];

  constructor(private readonly lines: readonly string[]) {}

  code(line: number): string | undefined {
    return this.lines[line - 1];
  }

  kept(line: number): boolean {
    return line >= 1 && line <= this.lines.length;
  }

  insertBefore(line: number, code: string | readonly string[]): void {
    const lines = typeof code === 'string' ? [code] : code;
    this.edits.push({ range: { line, col: 1, endLine: line, endCol: 1 }, newText: lines.map((l) => `${l}\n`).join('') });
  }

  remove(line: number): void {
    this.edits.push({ range: { line, col: 1, endLine: line + 1, endCol: 1 }, newText: '' });
  }

  replace(line: number, code: string): void {
    const old = this.code(line) ?? '';
    this.edits.push({ range: { line, col: 1, endLine: line, endCol: old.length + 1 }, newText: code });
  }

  finish(): Edit[] {
    return this.edits;
  }
}

interface HunkRef {
  readonly file: FilePatch;
  readonly hunkIndex: number;
  readonly index: number;
}

class PatchEditor implements LineEditor {
  private readonly ops = new Map<string, { file: FilePatch; hunkIndex: number; insert: Array<{ before: number; lines: string[] }>; remove: number[] }>();

  constructor(private readonly text: string, private readonly byLine: LineIndex, private readonly lines: readonly string[]) {}

  code(line: number): string | undefined {
    return this.byLine.get(line)?.code;
  }

  kept(line: number): boolean {
    const ref = this.byLine.get(line);
    return ref !== undefined && !ref.removed;
  }

  private opsFor(ref: HunkRef) {
    const key = `${ref.file.headerLine ?? ''}|${ref.file.newPath}|${ref.hunkIndex}`;
    let o = this.ops.get(key);
    if (!o) { o = { file: ref.file, hunkIndex: ref.hunkIndex, insert: [], remove: [] }; this.ops.set(key, o); }
    return o;
  }

  insertBefore(line: number, code: string | readonly string[]): void {
    const ref = this.byLine.get(line);
    if (ref) this.opsFor(ref).insert.push({ before: ref.index, lines: typeof code === 'string' ? [code] : [...code] });
  }

  remove(line: number): void {
    const ref = this.byLine.get(line);
    if (ref) this.opsFor(ref).remove.push(ref.index);
  }

  replace(line: number, code: string): void {
    const ref = this.byLine.get(line);
    if (!ref) return;
    const o = this.opsFor(ref);
    o.remove.push(ref.index);
    o.insert.push({ before: ref.index + 1, lines: [code] });
  }

  finish(): Edit[] {
    const out: Edit[] = [];
    for (const o of this.ops.values()) {
      for (const e of editHunk({ text: this.text, lines: this.lines, file: o.file, hunkIndex: o.hunkIndex, insert: o.insert, remove: o.remove })) {
        out.push({ range: { line: e.line, col: e.col, endLine: e.endLine, endCol: e.endCol }, newText: e.newText });
      }
    }
    return out;
  }
}
