// The engine's per-file summaries for pairing across files, built by the engine's own tree
// index (worker threads, its own on-disk cache keyed by size and mtime), so a restart or an
// update re-summarizes only the files that changed.
import { buildTreeIndex } from '../../../engine/cli/tree-index';
import type { PeerSummarizer } from './types';

export function enginePeerSummarizer(cacheDir: string | undefined): PeerSummarizer {
  return async (files) => (await buildTreeIndex({ files, cacheDir })).summaries;
}
