// The front-end summary of a file: what the patch front end says about it without the checks
// (lines, patches, input problems). Pairing uses the engine's own summaries (peer-summaries.ts).
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
