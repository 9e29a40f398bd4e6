// What the workspace index keeps per file: each function's shared locations (under every key
// they can be matched by) and lock orders, so a check reads and extracts only the files that
// can pair with the document. Pure: the CLI and the server own reading, caching and workers.
import type { CParser } from '../c/parser';
import { addressTaken, functionFacts, type FunctionFacts } from '../concurrency/facts';
import { launchedOnly } from '../concurrency/launch';
import { extractC } from '../extract/index';
import { saveListing, type SavedListing } from '../extract/file-memo';
import { lockOrders, memoryEvents } from '../extract/query';
import type { KnowledgeBase } from '../kb/types';
import { guessOs, type Os } from '../kb/index';
import type { Thread } from '../extract/types';
import type { Problem } from '../patch/types';
import { matchKeys } from './peers';

export interface FunctionSummary {
  readonly name: string;
  readonly line: number;
  readonly keys: readonly string[];
  readonly locks: readonly string[];
  /** Its lock orders, [held, taken], each once (callees of its file inlined). */
  readonly orders?: ReadonlyArray<readonly [string, string]>;
}

export interface FileSummary {
  readonly path: string;
  readonly lines: number;
  readonly functions: readonly FunctionSummary[];
  /** What the file tells the tree's concurrency model (engine/concurrency), when asked for. */
  readonly concurrency?: { readonly functions: readonly FunctionFacts[]; readonly addressTaken: readonly string[]; readonly launched?: Readonly<Record<string, string>> };
  /** Whole-tree mode: where the file's functions are, so a peer is never parsed whole again (extract/file-memo.ts). */
  readonly listing?: SavedListing;
  /**
   * Whole-tree mode: what extracting the whole file reported (generic profile, as the analysis
   * reports it), for a document whose analysis walks only the functions that can give a finding.
   */
  readonly problems?: readonly Problem[];
}

export function summarizeThreads(threads: readonly Thread[]): FunctionSummary[] {
  return threads.map((t) => {
    const orders = lockOrders(t);
    const pairs = [...new Map(orders.map((o) => [`${o.held}\u2192${o.taken}`, [o.held, o.taken] as const])).values()];
    return {
      name: t.name,
      line: t.span.line,
      keys: [...new Set(memoryEvents(t).filter((e) => !e.loc.cpuLocal).flatMap((e) => matchKeys(e.loc)))].sort(),
      locks: [...new Set(orders.flatMap((o) => [o.held, o.taken]))].sort(),
      ...(pairs.length ? { orders: pairs } : {}),
    };
  });
}

/**
 * `os`: whose primitive definitions apply; unset, the file's own guess. The analysis reads the
 * file the same way (checks/sources.ts), so what the index says a function does (its facts,
 * its locks) is what the analysis will find there.
 */
export function summarizeFile(parser: CParser, a: { path: string; text: string; kb?: KnowledgeBase; concurrency?: boolean; os?: Os }): FileSummary {
  let listing: SavedListing | undefined;
  const res = extractC(parser, { text: a.text, path: a.path, kb: a.kb, profile: { os: a.os ?? guessOs(a.path, a.text) }, ...(a.concurrency ? { listed: (l, problems) => { listing = saveListing(l, problems, a.text); } } : {}) });
  const lines = a.text.split('\n');
  const launched = a.concurrency ? launchedOnly(res.value, a.text) : {};
  const concurrency = a.concurrency ? { functions: res.value.map((t) => functionFacts(t, lines)), addressTaken: addressTaken(a.text), ...(Object.keys(launched).length ? { launched } : {}) } : undefined;
  return {
    path: a.path, lines: lines.length, functions: summarizeThreads(res.value),
    ...(concurrency ? { concurrency, problems: res.problems } : {}), ...(listing ? { listing } : {}),
  };
}

/** The files whose functions share a location or a lock with the document's threads. */
export function relevantFiles(index: readonly FileSummary[], document: readonly Thread[]): string[] {
  const mine = summarizeThreads(document);
  const keys = new Set(mine.flatMap((f) => f.keys));
  const locks = new Set(mine.flatMap((f) => f.locks));
  return index.filter((file) => file.functions.some((f) => f.keys.some((k) => keys.has(k)) || f.locks.some((l) => locks.has(l)))).map((f) => f.path);
}
