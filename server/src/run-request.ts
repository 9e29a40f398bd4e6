// One analysis request against the engine, as both analyzers run it (in the worker thread, or
// inline when there is no worker): open documents' unsaved text wins over the file on disk
// when the engine reads workspace peers, and the caller's cache is kept across requests.
import { readFileSync } from 'node:fs';
import type { AnalysisCache } from '../../engine/analysis-cache';
import { analyzeDocument } from '../../engine/analyze';
import type { Analysis } from '../../engine/checks/types';
import type { FileSummary } from '../../engine/pair/summary';
import type { AnalysisRequest } from './analyzer';

export function runRequest(request: AnalysisRequest, state: { index: readonly FileSummary[]; cache: AnalysisCache }): Promise<Analysis> {
  const { input, openTexts = {} } = request;
  const read = (path: string): string | undefined => {
    if (path in openTexts) return openTexts[path];
    try { return readFileSync(path, 'utf8'); } catch { return undefined; }
  };
  return analyzeDocument({ ...input, cache: state.cache, ...(state.index.length > 0 ? { workspace: { index: state.index, read } } : {}) });
}
