// What extraction keeps across runs. Parsing and copying the syntax tree, then walking each
// function, is all of extraction's cost, and most of it is repeated work: each architecture
// profile extracts the same text again, a re-check after a keystroke re-reads every hunk but
// the edited one, and the workspace files paired with a document do not change between its
// analyses.
// - A unit's parse depends only on its text and how it was prepared (fragment or file, the
//   hunk's section, the knowledge base's iterator macros): that is its key.
// - A function's thread depends on its text, the unit's file-scope names, the profile and
//   knowledge base, where it sits (file, image, mail) and the callees it summarized; the
//   callees are checked on reuse (see Extractor), and a function that only moved is reused
//   with its positions shifted (see relocate.ts), so typing Enter above it costs nothing.
import type { SyntaxNode } from '../c/parser';
import type { PreparedSource } from '../c/prepare';
import type { Problem } from '../patch/types';
import { FileMemo, memoFromSaved, type SavedListing } from './file-memo';
import { Lru } from './lru';
import type { Thread } from './types';

export interface ParsedUnit {
  readonly prepared: PreparedSource;
  /** The plain-JS syntax tree; read-only once built, so it can serve many extractions. */
  readonly root: SyntaxNode;
  readonly functions: readonly SyntaxNode[];
  readonly globals: ReadonlySet<string>;
  /** The file-scope names as one string, for thread keys. */
  readonly globalsKey: string;
}

export interface ParseKey {
  readonly text: string;
  readonly fragment: boolean;
  readonly section?: string;
  readonly iterators: readonly string[];
}

/** A function's thread as extracted once, with what it depended on. */
export interface CachedThread {
  readonly thread: Thread;
  /** Problems the walk of this function reported (not its callees'). */
  readonly problems: readonly Problem[];
  /** Each callee summarized from a body (or looked up and not found), and the thread it gave. */
  readonly callees: ReadonlyArray<readonly [string, Thread | undefined]>;
  /** Input line and source-file line of the function's first row, to shift positions by. */
  readonly base: { readonly line: number; readonly src: number };
}

export class ParseCache {
  private readonly units: Lru<ParsedUnit>;
  private readonly threads: Lru<CachedThread>;
  private readonly files: Lru<FileMemo> | undefined;
  /** What a file's memo needs before any thread: its listing, kept longer than the threads. */
  private readonly skeletons: Lru<FileMemo> | undefined;
  private readonly threadLimit: number;
  /** Listings made elsewhere (whole-tree mode's index), by path. */
  private readonly listings: ((path: string) => SavedListing | undefined) | undefined;

  /**
   * Bounds in characters of text held: the tree copies and threads grow with their text.
   * `fileEvents`: keep whole files' threads (see file-memo.ts) up to this many events, for
   * callers that read the same unchanged files again and again (whole-tree mode); none without.
   */
  constructor(limits: { unitChars?: number; threadChars?: number; fileEvents?: number; listings?: (path: string) => SavedListing | undefined } = {}) {
    this.listings = limits.listings;
    this.units = new Lru(limits.unitChars ?? 64 * 1024 * 1024);
    this.threadLimit = limits.threadChars ?? 32 * 1024 * 1024;
    this.threads = new Lru(this.threadLimit);
    this.files = limits.fileEvents ? new Lru(limits.fileEvents) : undefined;
    // Listings cost little next to the threads (names, and the file's text the caller reads
    // anyway): one evicted from the memo still spares the next extraction a whole-file parse.
    this.skeletons = limits.fileEvents ? new Lru(limits.fileEvents * 128) : undefined;
  }

  get fileHits(): number { return this.files?.hits ?? 0; }
  get fileMisses(): number { return this.files?.misses ?? 0; }

  /** Whether threads are kept by their text (a bound of 0 keeps none: whole-tree mode has the file memo). */
  get keepsThreads(): boolean { return this.threadLimit > 0; }

  /** Whether whole files are kept (see file-memo.ts). */
  get keepsFiles(): boolean { return this.files !== undefined; }

  /** The memo of a file extracted before under the same key with the same text. */
  file(key: string, path: string, text: string): FileMemo | undefined {
    const hit = this.files?.get(key);
    if (hit && hit.text === text) return hit;
    // Its threads were let go: a new memo from its listing walks what it is asked for again.
    const skeleton = this.skeletons?.get(key);
    if (skeleton && skeleton.text === text) return new FileMemo(text, skeleton.listing, skeleton.parseProblems);
    const saved = this.files && this.listings?.(path);
    return saved ? memoFromSaved(saved, text) : undefined;
  }

  /** The memo kept under a key, if any, without counting a hit or refreshing it. */
  keptFile(key: string, text: string): FileMemo | undefined {
    const hit = this.files?.peek(key);
    return hit && hit.text === text ? hit : undefined;
  }

  /** Keeps (or re-weighs, after more of its functions were walked) a file's memo. */
  keepFile(key: string, memo: FileMemo): void {
    // The text is weighed too: a memo of a file none of whose functions was walked still holds it.
    this.files?.set(key, memo, memo.events + Math.ceil(memo.text.length / 64));
    if (this.skeletons?.get(key) === undefined) this.skeletons?.set(key, new FileMemo(memo.text, memo.listing, memo.parseProblems), memo.text.length);
  }

  get hits(): number { return this.units.hits; }
  get misses(): number { return this.units.misses; }
  get threadHits(): number { return this.threads.hits; }
  get threadMisses(): number { return this.threads.misses; }

  unit(key: ParseKey, parse: () => ParsedUnit | undefined): ParsedUnit | undefined {
    // The text goes last, so no separator inside it can make two keys collide.
    const k = `${key.fragment ? 'F' : 'C'}\0${key.section ?? ''}\0${key.iterators.join(',')}\0${key.text}`;
    const hit = this.units.get(k);
    if (hit) return hit;
    const unit = parse();
    if (unit) this.units.set(k, unit, key.text.length);
    return unit;
  }

  private readonly kbIds = new WeakMap<object, number>();
  private nextKbId = 0;

  /** A number per knowledge-base object (a new `.hvbarrier.json` gives a new one). */
  kbId(kb: object): number {
    let id = this.kbIds.get(kb);
    if (id === undefined) {
      id = this.nextKbId++;
      this.kbIds.set(kb, id);
    }
    return id;
  }

  thread(key: string): CachedThread | undefined {
    return this.threads.get(key);
  }

  keepThread(key: string, entry: CachedThread): void {
    this.threads.set(key, entry, key.length);
  }
}
