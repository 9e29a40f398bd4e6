// Today's per-file summary: what the patch front end can say about a file without the
// checks (lines, patches, input problems), and the member names it touches, which is how the
// index picks the files worth handing to the engine as peers of a document.
import { documentKind } from '../../../engine/analyze';
import { parseInput } from '../../../engine/patch/index';
import type { Summarizer } from './types';

const MEMBER = /(?:->|\.)\s*([A-Za-z_]\w*)/g;

/** Member names accessed in C text (`v->is_initialised`, `d.lock`), deduplicated. */
export function memberNames(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(MEMBER)) names.add(m[1]!);
  return [...names];
}

export const frontEndSummary: Summarizer = ({ path, text, mtimeMs, size }) => {
  const kind = documentKind({ path });
  let lines = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  const parsed = kind === 'patch' ? parseInput(text, { path }) : undefined;
  const fields = kind === 'c' ? memberNames(text) : [];
  return { path, mtimeMs, size, kind, lines, patches: parsed?.units.length ?? 0, problems: parsed?.problems.length ?? 0, fields };
};
