// What whole-tree mode keeps of a file between documents: its functions' threads, without the
// syntax trees they came from. A peer file is read again for every document it pairs with (for
// Xen's domain.c, dozens of times), each time for a few of its functions; parsing the whole file
// again to find those functions cost more than walking them. A memo is keyed by everything an
// extraction of the file depends on (its path and whole text, the profile, the knowledge base),
// so positions never move and a function is known by where it sits (its unit and index); a
// function not kept yet is walked from its own chunk, parsed alone (chunks parse the same alone
// as in the file, see c/chunks.ts), seeing the file-scope names of the whole file.
// A kept thread is reused only while its callees resolve to the very threads it summarized, as
// in the thread cache (parse-cache.ts): a function walked while a caller of a recursion was in
// progress is walked again when asked alone.
import type { Problem } from '../patch/types';
import type { Thread } from './types';

/** One function definition of a file, in unit order, as far as extraction needs it without the tree. */
export interface ListedFunction {
  /** The name its header declares (undefined: no declarator, never extracted). */
  readonly name?: string;
  /** It has a header, a name and a body: extraction gives it a thread. */
  readonly extractable: boolean;
  /** The synthetic function of a wrapped fragment (never stands for a whole body). */
  readonly wrapped: boolean;
}

/** The functions of each parsed unit of a file, and the group each unit resolves names in. */
export interface FileListing {
  readonly units: ReadonlyArray<{
    readonly group: string;
    /** Which source (chunk) of the file the unit was parsed from. */
    readonly source: number;
    /** The file-scope names the unit's functions see (the whole file's, for a chunk), and their key. */
    readonly globals: ReadonlySet<string>;
    readonly globalsKey: string;
    readonly functions: readonly ListedFunction[];
  }>;
}

export interface MemoThread {
  /** Undefined: the function was extracted and gave no thread. */
  readonly thread: Thread | undefined;
  readonly problems: readonly Problem[];
  readonly callees: ReadonlyArray<readonly [string, Thread | undefined]>;
}

export class FileMemo {
  readonly threads = new Map<string, MemoThread>();
  /** Events held by the kept threads (callees inlined): what the memo costs in memory. */
  events = 0;

  constructor(
    readonly text: string,
    readonly listing: FileListing,
    /** Problems of parsing the file (the walks' own are kept per thread). */
    readonly parseProblems: readonly Problem[],
  ) {}

  keep(key: string, entry: MemoThread): void {
    if (this.threads.has(key)) return;
    this.threads.set(key, entry);
    this.events += entry.thread?.events.length ?? 0;
  }

  /**
   * Takes the threads of the same file under another profile that read the same under this one
   * (`same`), where this memo has none: they are reused as any kept thread is, while their
   * callees resolve to the very threads they summarized, so a function whose callee reads
   * differently here is walked again. Not weighed: the other memo holds them already.
   */
  adopt(other: FileMemo, same: (t: Thread) => boolean): void {
    if (other === this || !sameListing(this.listing, other.listing)) return;
    for (const [key, entry] of other.threads) {
      if (entry.thread && !this.threads.has(key) && same(entry.thread)) this.threads.set(key, entry);
    }
  }
}

/** Two listings of one text name the same functions at the same places (memo keys agree). */
function sameListing(a: FileListing, b: FileListing): boolean {
  return a === b || (a.units.length === b.units.length && a.units.every((u, i) => {
    const v = b.units[i]!;
    return u.source === v.source && u.group === v.group && u.functions.length === v.functions.length && u.functions.every((f, j) => f.name === v.functions[j]!.name && f.extractable === v.functions[j]!.extractable && f.wrapped === v.functions[j]!.wrapped);
  }));
}

/**
 * A file's listing as JSON can carry it (whole-tree mode's index ships it to the analysis
 * workers, so no peer is ever parsed whole just to find its functions), with the parse's
 * problems and what identifies the text it was read from.
 */
export interface SavedListing {
  readonly hash: string;
  /** The distinct sets of file-scope names, each unit naming its own by index. */
  readonly globals: ReadonlyArray<readonly string[]>;
  readonly units: ReadonlyArray<{ readonly group: string; readonly source: number; readonly globals: number; readonly functions: readonly ListedFunction[] }>;
  readonly problems: readonly Problem[];
}

export function saveListing(listing: FileListing, problems: readonly Problem[], text: string): SavedListing {
  const sets: Array<ReadonlySet<string>> = [];
  const units = listing.units.map((u) => {
    let i = sets.indexOf(u.globals);
    if (i < 0) i = sets.push(u.globals) - 1;
    return { group: u.group, source: u.source, globals: i, functions: u.functions };
  });
  return { hash: textHash(text), globals: sets.map((g) => [...g]), units, problems };
}

/** The memo a saved listing starts, when it was read from this very text. */
export function memoFromSaved(saved: SavedListing, text: string): FileMemo | undefined {
  if (saved.hash !== textHash(text)) return undefined;
  // The same objects where the parse shared them (a chunked file's units share the file's names).
  const sets = saved.globals.map((g) => ({ globals: new Set(g), globalsKey: [...g].sort().join(',') }));
  const units = saved.units.map((u) => ({ group: u.group, source: u.source, ...sets[u.globals]!, functions: u.functions }));
  return new FileMemo(text, { units }, saved.problems);
}

/** Length and FNV-1a of the text: which text a saved listing belongs to. */
export function textHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return `${text.length}:${(h >>> 0).toString(16)}`;
}
