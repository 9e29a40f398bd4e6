// Candidate repairs for an access that needs ordering, strongest-cheapest first, and how each
// one is written in the document. Which of them are offered is decided by re-simulation.
import type { Event, Thread } from '../extract/types';
import type { SideEdit } from '../checks/litmus-build';
import type { Fault } from '../checks/ordering';
import { ownFences } from '../checks/ordering';
import { compatible } from '../pair/peers';
import type { Edit } from '../checks/types';
import { indentOf, type LineEditor } from './source-edit';

export interface Candidate {
  readonly title: string;
  readonly edits: readonly SideEdit[];
}

const PRIM = { mb: 'smp_mb', wmb: 'smp_wmb', rmb: 'smp_rmb' } as const;
type FenceName = keyof typeof PRIM;

/** The barrier kinds that can order this side's two accesses, weakest first. */
function fenceKinds(f: Fault): FenceName[] {
  const shape = f.cases[0]!.scenario.shape;
  if (shape === 'MP') return f.sideIndex === 0 ? ['wmb', 'mb'] : ['rmb', 'mb'];
  return ['mb'];
}

export function candidatesFor(f: Fault): Candidate[] {
  const shape = f.cases[0]!.scenario.shape;
  const { first, second } = f.side;
  const out: Candidate[] = [];
  const kinds = fenceKinds(f);
  const there = `before \`${shortText(second)}\``;
  // Moving a barrier the function already has comes first: it can repair more than one finding.
  for (const fence of ownFences(f.thread)) {
    const outside = fence.id > second.id || (first !== undefined && fence.id < first.id);
    if (!outside || !compatible(fence, second)) continue;
    for (const k of kinds) {
      out.push({ title: `Move ${PRIM[fence.fence as FenceName]}() ${there}${k !== fence.fence ? ` as ${PRIM[k]}()` : ''}`, edits: [{ kind: 'remove-fence', event: fence.id }, { kind: 'insert-fence', fence: k }] });
    }
  }
  const releaseOk = second.kind === 'W' && splitAssignment(second.text) !== undefined;
  const acquireOk = first !== undefined && first.kind === 'R' && first.annot !== 'acquire';
  const writerSide = (shape === 'MP' && f.sideIndex === 0) || shape === 'LB';
  const readerSide = (shape === 'MP' && f.sideIndex === 1) || shape === 'LB';
  if (writerSide) out.push({ title: `Insert ${PRIM[kinds[0]!]}() ${there}`, edits: [{ kind: 'insert-fence', fence: kinds[0]! }] });
  if (readerSide && acquireOk) out.push({ title: `Read \`${shortText(first!)}\` with smp_load_acquire()`, edits: [{ kind: 'acquire-first' }] });
  if (writerSide && releaseOk) out.push({ title: `Write \`${shortText(second)}\` with smp_store_release()`, edits: [{ kind: 'release-second' }] });
  if (!writerSide) for (const k of kinds) out.push({ title: `Insert ${PRIM[k]}() ${there}`, edits: [{ kind: 'insert-fence', fence: k }] });
  else if (kinds.includes('mb') && kinds[0] !== 'mb') out.push({ title: `Insert smp_mb() ${there}`, edits: [{ kind: 'insert-fence', fence: 'mb' }] });
  return out;
}

/** The comment block (`/* ... */` lines or `//` lines) that ends on the line right above `line`. */
function commentAbove(editor: LineEditor, line: number): { lines: number[]; text: string[] } {
  // Only lines of the result count: a patch's removed comment is already gone.
  const at = (l: number): string | undefined => (editor.kept(l) ? editor.code(l)?.trim() : undefined);
  const last = at(line - 1);
  if (last === undefined) return { lines: [], text: [] };
  let first = line - 1;
  if (last.startsWith('//')) {
    while (at(first - 1)?.startsWith('//')) first--;
  } else if (last.endsWith('*/')) {
    // Up to the line that opens the block; a block that never opens (a hunk cut it) is left alone.
    while (!at(first)!.startsWith('/*')) {
      const up = at(first - 1);
      if (up === undefined || up.includes('*/')) return { lines: [], text: [] };
      first--;
    }
  } else {
    return { lines: [], text: [] };
  }
  const lines = Array.from({ length: line - first }, (_, i) => first + i);
  return { lines, text: lines.map((l) => editor.code(l)!) };
}

/** A comment block at a new indentation, its inner lines keeping their alignment. */
function reindent(lines: readonly string[], indent: string): string[] {
  if (lines.length === 0) return [];
  const old = indentOf(lines[0]!);
  return lines.map((l) => (l.startsWith(old) ? indent + l.slice(old.length) : indent + l.trimStart()));
}

function shortText(e: Event): string {
  const t = e.text.replace(/\s+/g, ' ');
  return t.length > 40 ? `${t.slice(0, 37)}...` : t;
}

function splitAssignment(text: string): { lhs: string; rhs: string } | undefined {
  const m = /^([^=]+?)\s*=\s*([^=].*)$/.exec(text.trim());
  return m && !/[-+*/|&^<>!]$/.test(m[1]!) ? { lhs: m[1]!.trim(), rhs: m[2]!.trim() } : undefined;
}

/**
 * Writes side edits into the document. Returns undefined when an edit cannot be written
 * faithfully (the statement spans lines, or is not a simple assignment): such a fix is not offered.
 */
export function writeEdits(a: {
  thread: Thread; first?: Event; second: Event; edits: readonly SideEdit[]; editor: LineEditor; docLines: readonly string[]; comment?: string;
}): Edit[] | undefined {
  const { editor } = a;
  // The comment written directly above a barrier that moves is about that barrier: it moves too.
  let moved: string[] = [];
  for (const e of a.edits) {
    if (e.kind === 'insert-fence') {
      const line = a.second.stmt.line;
      const code = editor.code(line);
      if (code === undefined) return undefined;
      const indent = indentOf(code);
      editor.insertBefore(line, [...reindent(moved, indent), `${indent}${PRIM[e.fence]}();${a.comment ? ` ${a.comment}` : ''}`]);
      moved = [];
    } else if (e.kind === 'remove-fence' || e.kind === 'replace-fence') {
      const f = a.thread.events[e.event]!;
      const code = editor.code(f.stmt.line);
      if (code === undefined || f.stmt.line !== f.stmt.endLine) return undefined;
      if (e.kind === 'remove-fence') {
        if (!/^\s*smp_[rw]?mb\(\)\s*;\s*(\/\*.*\*\/)?\s*$/.test(code)) return undefined;
        const above = commentAbove(editor, f.stmt.line);
        for (const l of above.lines) editor.remove(l);
        moved = above.text;
        editor.remove(f.stmt.line);
      } else {
        editor.replace(f.stmt.line, code.replace(/\bsmp_[rw]?mb\(\)/, `${PRIM[e.fence]}()`));
      }
    } else if (e.kind === 'release-second') {
      const s = a.second;
      const code = editor.code(s.stmt.line);
      const parts = splitAssignment(s.text);
      if (code === undefined || !parts || s.stmt.line !== s.stmt.endLine || code.trim() !== `${s.text.trim()};`) return undefined;
      editor.replace(s.stmt.line, `${indentOf(code)}smp_store_release(&${parts.lhs}, ${parts.rhs});`);
    } else if (e.kind === 'acquire-first') {
      const r = a.first;
      if (!r || r.span.line !== r.span.endLine) return undefined;
      const code = editor.code(r.span.line);
      const raw = a.docLines[r.span.line - 1];
      if (code === undefined || raw === undefined) return undefined;
      const start = r.span.col - 1 - (raw.replace(/\r$/, '').length - code.length);
      const end = start + (r.span.endCol - r.span.col);
      const inner = /^READ_ONCE\((.*)\)$/.exec(r.text)?.[1] ?? r.text;
      if (start < 0 || code.slice(start, end) !== r.text) return undefined;
      editor.replace(r.span.line, `${code.slice(0, start)}smp_load_acquire(&${inner})${code.slice(end)}`);
    }
  }
  return editor.finish();
}
