// What whole-tree mode decides from the index alone, before reading a document again: files
// with nothing that can give a finding (TreePeers.mayReport) and files past the work bound
// (TreePeers.tooLarge) are reported as they are; the rest are analysed. One analysis worker
// does it with the model it builds anyway (tree-analysis.ts), so the main thread builds none.
import { basename } from 'node:path';
import { TreePeers } from '../concurrency/index';
import type { FileSummary } from '../pair/summary';
import type { TreeReport } from './tree-check';

export interface Triage {
  /** Reports of the documents not analysed: quiet (skipped) or past the bound (not judged). */
  readonly triaged: TreeReport[];
  /** The documents to analyse, in the order given. */
  readonly todo: string[];
}

export function triage(documents: readonly string[], summaries: readonly FileSummary[], peers: TreePeers): Triage {
  const indexed = new Map(summaries.map((s) => [s.path, s]));
  const triaged: TreeReport[] = [];
  const todo: string[] = [];
  for (const file of documents) {
    const entry = indexed.get(file);
    if (entry && !peers.mayReport(entry)) { triaged.push({ file, analysis: { findings: [], notes: [], problems: [] }, excluded: {}, skipped: true }); continue; }
    const events = entry && peers.tooLarge(entry);
    if (events) {
      const message = `unsupported: ${basename(file)}: not judged: budget: its functions have ${events} events with callees inlined, more than the ${TreePeers.MAX_DOCUMENT_EVENTS} whole-tree mode analyses in one file`;
      triaged.push({ file, analysis: { findings: [], notes: [], problems: [{ severity: 'warning', line: 1, col: 1, message }] }, excluded: {} });
      continue;
    }
    todo.push(file);
  }
  return { triaged, todo };
}
