// Today's per-file summary: what the patch front end can say about a file without the
// checks. It counts lines and patches and keeps the number of input problems.
import { documentKind } from '../../../engine/analyze';
import { parseInput } from '../../../engine/patch/index';
import type { Summarizer } from './types';

export const frontEndSummary: Summarizer = ({ path, text, mtimeMs, size }) => {
  const kind = documentKind({ path });
  let lines = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  const parsed = kind === 'patch' ? parseInput(text, { path }) : undefined;
  return { path, mtimeMs, size, kind, lines, patches: parsed?.units.length ?? 0, problems: parsed?.problems.length ?? 0 };
};
