// Entry points: a C file, a set of hunk fragments, or a whole parsed patch input → threads.
// Functions are extracted in source order; a call to a function defined in the same input
// (same file, or same side of the same patch) is summarized from that function's body.
import { liteTree } from '../c/lite';
import type { CParser, SyntaxNode } from '../c/parser';
import { topLevelChunks } from '../c/chunks';
import { prepareSource } from '../c/prepare';
import { DEFAULT_KB } from '../kb/index';
import type { KnowledgeBase, Profile } from '../kb/types';
import type { Fragment, ParsedInput, Problem } from '../patch/types';
import { FileMemo, type FileListing, type ListedFunction, type MemoThread } from './file-memo';
import type { ParseCache, ParsedUnit } from './parse-cache';
import { relocateProblem, relocateThread } from './relocate';
import { CallContext } from './calls';
import { functionHeader, topLevel } from './functions';
import { paramTaint, Scope } from './scope';
import { fileMap, fragmentMap, spanOf, type SourceMap } from './spans';
import type { CallerHeld, Result, Thread } from './types';
import { Walker } from './walker';

export * from './types';

export interface ExtractOptions {
  readonly kb?: KnowledgeBase;
  /** Code base and architecture whose primitive definitions apply (default: Linux, generic). */
  readonly profile?: Profile;
  /**
   * Summaries of functions defined elsewhere (a workspace index), consulted after the knowledge
   * base and the bodies in the same input.
   */
  readonly summaries?: (name: string) => Thread | undefined;
  /** Parsed units kept across extractions (profiles, re-checks); without one, every unit is parsed. */
  readonly cache?: ParseCache;
  /** Parse a C file as one unit instead of chunk by chunk (to check that both agree). */
  readonly wholeFile?: boolean;
  /**
   * Only these functions are wanted (whole-tree mode reads a peer file for a few of its
   * functions): the others are walked only when a wanted one calls them.
   */
  readonly only?: (name: string) => boolean;
  /** Told the file's listing and parse problems when it was parsed whole (whole-tree mode's index keeps them). */
  readonly listed?: (listing: FileListing, problems: readonly Problem[]) => void;
  /**
   * The file as extracted under another profile, kept in the file memo: its threads that
   * `same` says read the same under this profile are reused instead of walked again (an
   * architecture profile reads the generic threads that use no primitive it defines otherwise).
   */
  readonly sameAs?: { readonly profile: Profile; readonly same: (t: Thread) => boolean };
}

/** One parsed source: a whole file, or one fragment of a patch. */
interface Unit {
  readonly original: { readonly text: string; readonly shift: number };
  readonly map: SourceMap;
  readonly globals: ReadonlySet<string>;
  readonly functions: readonly SyntaxNode[];
  /** The file-scope names as one string, for thread cache keys. */
  readonly globalsKey: string;
  /** Offset bound of the synthetic function when the fragment was wrapped. */
  readonly wrapped?: { readonly name: string };
  readonly meta: { readonly file?: string; readonly side?: 'pre' | 'post'; readonly unit?: number };
  /** Summaries resolve within units of the same group (one file, or one side of a patch). */
  readonly group: string;
  /** One of several chunks of a file: its file-scope names are the whole file's. */
  readonly chunked?: boolean;
}

interface SourceText {
  readonly text: string;
  readonly fragment?: Fragment;
  /** For a chunk of a file: the 0-based file line its text starts on. */
  readonly startLine?: number;
  readonly meta: Unit['meta'];
  readonly group: string;
}

/** Every function of a C file. */
export function extractC(parser: CParser, input: ExtractOptions & { text: string; path?: string }): Result<Thread[]> {
  const meta = { ...(input.path ? { file: input.path } : {}) };
  // Parsed chunk by chunk (see c/chunks.ts), so a re-extraction after an edit parses one chunk.
  const sources = (): SourceText[] => (input.wholeFile ? [{ text: input.text, meta, group: 'file' }]
    : topLevelChunks(input.text).map((c) => ({ text: c.text, startLine: c.startLine, meta, group: 'file' })));
  return run(parser, { sources, opts: input, ...(input.path !== undefined && !input.wholeFile ? { file: { path: input.path, text: input.text } } : {}) });
}

/** Hunk fragments of one file (from engine/patch), e.g. for a single edited hunk. */
export function extractFragments(
  parser: CParser,
  input: ExtractOptions & { fragments: readonly Fragment[]; path?: string; unit?: number },
): Result<Thread[]> {
  return run(parser, { sources: () => input.fragments.map((f) => fragmentSource(f, { file: input.path, unit: input.unit })), opts: input });
}

/** Every C file of every patch in the input: pre-image and post-image threads per function. */
export function extractPatch(parser: CParser, input: ExtractOptions & { patch: ParsedInput }): Result<Thread[]> {
  const sources: SourceText[] = [];
  input.patch.units.forEach((u, unit) => {
    for (const f of u.files) {
      const file = f.newPath ?? f.oldPath ?? undefined;
      if (f.binary || (file !== undefined && !/\.(c|h|inc)$/.test(file))) continue;
      for (const frag of [...f.pre, ...f.post]) sources.push(fragmentSource(frag, { file, unit }));
    }
  });
  return run(parser, { sources: () => sources, opts: input });
}

function fragmentSource(f: Fragment, meta: { file?: string; unit?: number }): SourceText {
  return {
    text: f.text,
    fragment: f,
    meta: { ...(meta.file ? { file: meta.file } : {}), side: f.side, ...(meta.unit !== undefined ? { unit: meta.unit } : {}) },
    group: `${meta.unit ?? 0}:${f.side}`,
  };
}

function run(parser: CParser, job: { sources: () => readonly SourceText[]; opts: ExtractOptions; file?: { path: string; text: string } }): Result<Thread[]> {
  const { opts } = job;
  const problems: Problem[] = [];
  try {
    const kb = opts.kb ?? DEFAULT_KB;
    // A whole file extracted before with the same text (whole-tree mode, see file-memo.ts): its
    // kept threads need no parse; the file is parsed only when a function must be walked.
    const cache = opts.summaries ? undefined : opts.cache;
    const memoKey = cache?.keepsFiles && job.file ? `${runKeyOf(cache, kb, opts.profile ?? {})}\0${job.file.path}` : undefined;
    const memo = memoKey ? cache!.file(memoKey, job.file!.path, job.file!.text) : undefined;
    let files: { memo: FileMemo; listing: FileListing; unit: (u: number) => Unit };
    if (memo) {
      problems.push(...memo.parseProblems);
      // Only the chunk of a function that must be walked is parsed, with the whole file's
      // file-scope names as its first parse saw them (the parse's problems are the memo's).
      let sources: readonly SourceText[] | undefined;
      const parsed = new Map<number, Unit>();
      const unit = (u: number): Unit => {
        let got = parsed.get(u);
        if (!got) {
          const listed = memo.listing.units[u]!;
          const fresh = parseUnit(parser, { source: (sources ??= job.sources())[listed.source]!, kb, problems: [], cache: opts.cache })!;
          got = { ...fresh, globals: listed.globals, globalsKey: listed.globalsKey };
          parsed.set(u, got);
        }
        return got;
      };
      files = { memo, listing: memo.listing, unit };
    } else {
      const units: Unit[] = [];
      const from: number[] = [];
      job.sources().forEach((source, i) => {
        const unit = parseUnit(parser, { source, kb, problems, cache: opts.cache });
        if (unit) { units.push(unit); from.push(i); }
      });
      const merged = withFileGlobals(units);
      const listing = listingOf(merged, from);
      opts.listed?.(listing, [...problems]);
      files = { memo: new FileMemo(job.file?.text ?? '', listing, [...problems]), listing, unit: (u) => merged[u]! };
    }
    if (memoKey && opts.sameAs) {
      const other = cache!.keptFile(`${runKeyOf(cache!, kb, opts.sameAs.profile)}\0${job.file!.path}`, job.file!.text);
      if (other) files.memo.adopt(other, opts.sameAs.same);
    }
    const threads = new Extractor(files, opts, problems).all(opts.only);
    if (memoKey) cache!.keepFile(memoKey, files.memo);
    problems.sort((a, b) => a.line - b.line || a.col - b.col);
    return { value: threads, problems };
  } catch (err) {
    // Extraction is written not to throw; this keeps a bug from taking the caller down with it.
    problems.push({ severity: 'error', message: `internal error in extraction: ${err instanceof Error ? err.message : String(err)}`, line: 1, col: 1 });
    return { value: [], problems };
  }
}

/** What every thread of a run depends on besides its code: profile and knowledge base. */
function runKeyOf(cache: ParseCache, kb: KnowledgeBase, profile: Profile): string {
  return `${profile.os ?? ''}|${profile.arch ?? ''}|${cache.kbId(kb)}`;
}

/** The functions of each unit as extraction sees them without their trees (see file-memo.ts). */
function listingOf(units: readonly Unit[], from: readonly number[]): FileListing {
  return {
    units: units.map((unit, i) => ({
      group: unit.group, source: from[i]!, globals: unit.globals, globalsKey: unit.globalsKey,
      functions: unit.functions.map((node): ListedFunction => {
        const header = functionHeader(node);
        const wrapped = isWrapped(node, unit);
        const name = wrapped ? unit.wrapped!.name : header?.name;
        return { ...(name !== undefined ? { name } : {}), extractable: !!(header && name && header.body), wrapped };
      }),
    })),
  };
}

function isWrapped(node: SyntaxNode, unit: Unit): boolean {
  return unit.wrapped !== undefined && node.startPosition.row === 0;
}

/** The chunks of one file see each other's file-scope names, as the whole file would. */
function withFileGlobals(units: readonly Unit[]): Unit[] {
  const byGroup = new Map<string, Unit[]>();
  for (const u of units) if (u.chunked) (byGroup.get(u.group) ?? byGroup.set(u.group, []).get(u.group)!).push(u);
  const merged = new Map<string, { globals: ReadonlySet<string>; globalsKey: string }>();
  for (const [group, us] of byGroup) {
    if (us.length < 2) continue;
    const globals = new Set(us.flatMap((u) => [...u.globals]));
    merged.set(group, { globals, globalsKey: [...globals].sort().join(',') });
  }
  return units.map((u) => (u.chunked && merged.has(u.group) ? { ...u, ...merged.get(u.group)! } : u));
}

function parseUnit(parser: CParser, job: { source: SourceText; kb: KnowledgeBase; problems: Problem[]; cache?: ParseCache }): Unit | undefined {
  const { source: s, kb, problems } = job;
  const key = { text: s.text, fragment: s.fragment !== undefined, section: s.fragment?.section, iterators: kb.iterators };
  const parsed = job.cache ? job.cache.unit(key, () => parseText(parser, key)) : parseText(parser, key);
  const lineOffset = parsed?.prepared.lineOffset ?? 0;
  const map = s.fragment ? fragmentMap(s.fragment, lineOffset) : fileMap(lineOffset - (s.startLine ?? 0));
  if (!parsed) {
    const p = map.toInput(lineOffset, 0);
    problems.push({ severity: 'error', message: 'the C parser gave up on this text', line: p.line, col: p.col });
    return undefined;
  }
  const { prepared, functions, globals, globalsKey } = parsed;
  const shift = prepared.lineOffset > 0 ? prepared.text.indexOf('\n') + 1 : 0;
  return {
    map, globals, globalsKey, functions, meta: s.meta, group: s.group, original: { text: s.text, shift },
    ...(s.startLine !== undefined ? { chunked: true } : {}),
    ...(prepared.wrapped ? { wrapped: { name: prepared.wrapped.name } } : {}),
  };
}

/** Prepares and parses one unit's text; depends on nothing but the key (see parse-cache.ts). */
function parseText(parser: CParser, key: { text: string; fragment: boolean; section?: string; iterators: readonly string[] }): ParsedUnit | undefined {
  const prepared = prepareSource(key.text, {
    fragment: key.fragment,
    ...(key.section !== undefined ? { section: key.section } : {}),
    iterators: key.iterators,
  });
  const tree = parser.parse(prepared.text);
  if (!tree) return undefined;
  // The wasm tree is copied once and freed at once; extraction walks only the copy.
  let root: SyntaxNode;
  try {
    root = liteTree(tree.root, prepared.text);
  } finally {
    tree.dispose();
  }
  const { functions, globals } = topLevel(root);
  return { prepared, root, functions, globals, globalsKey: [...globals].sort().join(',') };
}

/** A function by where it sits: its unit's index and its index among the unit's functions. */
interface FnRef {
  readonly u: number;
  readonly f: number;
}

/** Section attributes of code that runs only while the system boots (and is freed after). */
const BOOT_ATTRS = /\b(?:__init|__initcall|__boot|__cpuinit|__init_or_module|__head)\b/;

/** The function's header as written: attributes and storage class up to its body. */
function headerText(ref: { node: SyntaxNode; unit: Unit }, body: SyntaxNode): string {
  const { text, shift } = ref.unit.original;
  return text.slice(Math.max(0, ref.node.startIndex - shift), Math.max(0, body.startIndex - shift));
}

/**
 * What the header says of where the function runs: in a boot-only section (the attribute),
 * and `static` (every caller is in its own file).
 */
function headerFacts(ref: { node: SyntaxNode; unit: Unit }, body: SyntaxNode): { boot?: true; static?: true } {
  const header = headerText(ref, body);
  return {
    ...(BOOT_ATTRS.test(header) ? { boot: true as const } : {}),
    ...(/^\s*(?:[A-Za-z_]\w*\s+)*?static\b/.test(header.replace(/\/\*[\s\S]*?\*\//g, '')) ? { static: true as const } : {}),
  };
}

class Extractor {
  private readonly byGroup = new Map<string, Map<string, FnRef>>();
  // Keyed by unit and function index: two units with the same text (a context line shown in
  // both images, a patch quoted twice) share one parse and so the same nodes, but not their threads.
  private readonly done = new Map<string, Thread>();
  private readonly inProgress = new Set<string>();
  private readonly kb: KnowledgeBase;
  private readonly profile: Profile;
  private readonly external: ExtractOptions['summaries'];
  private readonly cache: ParseCache | undefined;
  /** What every thread key of this run shares: profile and knowledge base. */
  private readonly runKey: string;

  constructor(private readonly file: { memo: FileMemo; listing: FileListing; unit: (u: number) => Unit }, opts: ExtractOptions, private readonly problems: Problem[]) {
    this.kb = opts.kb ?? DEFAULT_KB;
    this.profile = opts.profile ?? {};
    this.external = opts.summaries;
    // Summaries from outside cannot be checked on reuse, so a run that has them keeps nothing.
    this.cache = opts.summaries ? undefined : opts.cache;
    this.runKey = this.cache ? runKeyOf(this.cache, this.kb, this.profile) : '';
    file.listing.units.forEach((unit, u) => {
      const index = this.byGroup.get(unit.group) ?? new Map<string, FnRef>();
      this.byGroup.set(unit.group, index);
      unit.functions.forEach((fn, f) => {
        // The first complete definition wins; a wrapped fragment never stands for a whole body.
        if (fn.name && !index.has(fn.name) && !fn.wrapped) index.set(fn.name, { u, f });
      });
    });
  }

  all(only?: (name: string) => boolean): Thread[] {
    const out: Thread[] = [];
    this.file.listing.units.forEach((unit, u) => {
      unit.functions.forEach((fn, f) => {
        if (only && (!fn.name || !only(fn.name))) return;
        const t = this.thread({ u, f });
        if (t) out.push(t);
      });
    });
    return out;
  }

  private readonly headers = new Map<SyntaxNode['id'], ReturnType<typeof functionHeader>>();

  private header(node: SyntaxNode): ReturnType<typeof functionHeader> {
    if (!this.headers.has(node.id)) this.headers.set(node.id, functionHeader(node));
    return this.headers.get(node.id);
  }

  private summary(group: string, name: string): Thread | undefined {
    const ref = this.byGroup.get(group)?.get(name);
    if (!ref) return this.external?.(name);
    if (this.inProgress.has(refKey(ref))) return undefined;
    return this.thread(ref);
  }

  private thread(ref: FnRef): Thread | undefined {
    const key = refKey(ref);
    const cached = this.done.get(key);
    if (cached) return cached;
    const listed = this.file.listing.units[ref.u]!;
    const fn = listed.functions[ref.f]!;
    if (!fn.extractable) return undefined;
    this.inProgress.add(key);
    const kept = this.file.memo.threads.get(key);
    let got: MemoThread;
    if (kept?.thread && kept.callees.every(([n, t]) => this.summary(listed.group, n) === t)) {
      this.report(kept.problems);
      got = kept;
    } else {
      got = this.extract(ref, fn.name!);
      this.file.memo.keep(key, got);
    }
    this.inProgress.delete(key);
    this.done.set(key, got.thread!);
    return got.thread;
  }

  /** Walks a function (or reuses its thread from the thread cache): the file is parsed now if it was not. */
  private extract(at: FnRef, name: string): MemoThread & { thread: Thread } {
    const unit = this.file.unit(at.u);
    const ref = { node: unit.functions[at.f]!, unit };
    const header = this.header(ref.node)!;
    // Where the function sits (its layout), read once: part of the cache key, and the base its
    // positions are shifted from when it moved.
    const placed = this.cache?.keepsThreads ? this.placed(ref, name) : undefined;
    return (placed ? this.reuse(ref, placed) : undefined) ?? this.walk(ref, { name, header, body: header.body!, placed });
  }

  private walk(ref: { node: SyntaxNode; unit: Unit }, a: { name: string; header: NonNullable<ReturnType<typeof functionHeader>>; body: SyntaxNode; placed?: Placed }): MemoThread & { thread: Thread } {
    const { header } = a;
    const scope = new Scope(ref.unit.globals, this.kb.shared);
    header.params.forEach((p, i) => {
      const local = scope.declare(p.name, { type: p.type, pointer: p.pointer, array: p.array, paramOf: a.name, ...(p.outParam ? { outParam: true } : {}) });
      local.taint.add(paramTaint(i));
    });
    // Each callee looked up, and what it gave: a cached thread is valid only while they agree.
    const callees: Array<[string, Thread | undefined]> = [];
    const summary = (n: string): Thread | undefined => {
      const t = this.summary(ref.unit.group, n);
      callees.push([n, t]);
      return t;
    };
    const calls = new CallContext({ kb: this.kb, profile: this.profile, summary });
    const own: Problem[] = [];
    const walker = new Walker({ map: ref.unit.map, scope, problems: own, calls, original: ref.unit.original });
    walker.heldAssertions.push(...this.contextHolds(a.name, ref));
    walker.walk(a.body);
    const thread = walker.finish({
      name: a.name,
      ...ref.unit.meta,
      ...headerFacts(ref, a.body),
      partial: isWrapped(ref.node, ref.unit),
      span: spanOf(ref.node, ref.unit.map),
      params: header.params.map((p) => ({ name: p.name, type: p.pointer ? `${p.type} *` : p.type })),
    });
    this.report(own);
    if (a.placed) this.cache!.keepThread(a.placed.key, { thread, problems: own, callees, base: a.placed.base });
    return { thread, problems: own, callees };
  }

  /** Locks the knowledge base says every caller of this function holds (CallingContext). */
  private contextHolds(name: string, ref: { node: SyntaxNode; unit: Unit }): CallerHeld[] {
    const os = this.profile.os ?? 'linux';
    return (this.kb.contexts ?? []).filter((c) => c.os.includes(os) && c.functions.test(name)).map((c) => ({
      lock: c.lock, mode: c.mode, spins: false, span: spanOf(ref.node, ref.unit.map),
      text: `${name}() runs under ${c.lock.text} (${c.source})`,
    }));
  }

  /** A thread extracted in an earlier run from the same text in the same place, shifted to where it is now. */
  private reuse(ref: { node: SyntaxNode; unit: Unit }, placed: Placed): (MemoThread & { thread: Thread }) | undefined {
    const hit = this.cache!.thread(placed.key);
    if (!hit || !hit.callees.every(([n, t]) => this.summary(ref.unit.group, n) === t)) return undefined;
    const now = placed.base;
    const d = { line: now.line - hit.base.line, src: now.src - hit.base.src };
    const problems = hit.problems.map((p) => relocateProblem(p, d.line));
    this.report(problems);
    if (d.line === 0 && d.src === 0) return { thread: hit.thread, problems, callees: hit.callees };
    const thread = relocateThread(hit.thread, d);
    // Kept at its new place, so callers that summarized it see the same object next time.
    this.cache!.keepThread(placed.key, { ...hit, thread, problems, base: now });
    return { thread, problems, callees: hit.callees };
  }

  private report(own: readonly Problem[]): void {
    for (const p of own) if (!this.problems.some((q) => q.line === p.line && q.message === p.message)) this.problems.push(p);
  }

  /** Everything a function's thread depends on except its callees (checked on reuse), and where it starts. */
  private placed(ref: { node: SyntaxNode; unit: Unit }, name: string): Placed {
    const { node, unit } = ref;
    const layout = unit.map.layout(node.startPosition.row, node.endPosition.row);
    const { text, shift } = unit.original;
    const written = text.slice(Math.max(0, node.startIndex - shift), Math.max(0, node.endIndex - shift));
    const meta = `${unit.meta.file ?? ''}|${unit.meta.side ?? ''}|${unit.meta.unit ?? ''}|${unit.group}`;
    const key = [this.runKey, meta, unit.globalsKey, name, isWrapped(node, unit) ? 'partial' : '', layout.key, node.text, written].join('\0');
    return { key, base: { line: layout.line, src: layout.src } };
  }
}

function refKey(ref: FnRef): string {
  return `${ref.u}:${ref.f}`;
}

/** A function's thread cache key and the input and source lines its first row lands on. */
interface Placed {
  readonly key: string;
  readonly base: { readonly line: number; readonly src: number };
}
export * from './query';
