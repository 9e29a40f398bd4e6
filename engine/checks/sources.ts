// The code the checks reason about: the document and, when given, a workspace tree. Each
// source is extracted once per knowledge-base profile (generic, x86, arm64), because what a
// primitive implies can differ per architecture (Xen's spin_lock is a full barrier on Arm).
import type { CParser } from '../c/parser';
import { extractC, extractPatch } from '../extract/index';
import { ParseCache } from '../extract/parse-cache';
import type { Event, Thread } from '../extract/types';
import { guessOs, lookup, type KnowledgeBase, type Os, type Profile } from '../kb/index';
import type { Primitive } from '../kb/types';
import type { ModelName } from '../models/model';
import { parseInput } from '../patch/index';
import type { ParsedInput } from '../patch/types';
import type { Problem } from './types';

export interface SourceText {
  readonly path?: string;
  readonly text: string;
  readonly kind: 'patch' | 'c';
  /** Findings are reported only in the document; tree sources supply peers. */
  readonly role: 'document' | 'tree';
  /** The patch already read (e.g. with whole functions rebuilt from the tree), instead of `text`. */
  readonly parsed?: ParsedInput;
  /**
   * Whole-tree mode: only these functions of a C file are threads (of a tree file: the ones that
   * can pair with the document; of the document: the ones that can take part in a finding).
   * The others are walked only where one of these calls them.
   */
  readonly only?: ReadonlySet<string>;
}

export type ArchProfile = 'generic' | 'x86' | 'arm64';

export function archFor(model: ModelName): ArchProfile {
  return model === 'x86-tso' ? 'x86' : model === 'armv8' ? 'arm64' : 'generic';
}

interface Extracted {
  readonly threads: readonly Thread[];
  readonly problems: readonly Problem[];
}

export class Sources {
  private readonly cache = new Map<string, Extracted>();
  private readonly owner = new Map<Thread, { source: number; index: number }>();
  readonly parsed: Array<ParsedInput | undefined> = [];
  private readonly list: SourceText[] = [];

  private readonly parses: ParseCache;

  constructor(private readonly args: { parser: CParser; kb: KnowledgeBase; sources: readonly SourceText[]; os?: Os; parses?: ParseCache }) {
    // Even without a cache from the caller, the profiles of one analysis share their parses.
    this.parses = args.parses ?? new ParseCache();
    this.add(args.sources);
  }

  /** More sources (workspace files chosen once the document's own functions are known). */
  add(more: readonly SourceText[]): void {
    for (const s of more) {
      this.list.push(s);
      this.parsed.push(s.kind === 'patch' ? s.parsed ?? parseInput(s.text, { path: s.path }) : undefined);
    }
  }

  get sources(): readonly SourceText[] {
    return this.list;
  }

  private readonly oses: Os[] = [];

  osOf(i: number): Os {
    // Guessed once per source: the guess scans the whole text.
    const s = this.list[i]!;
    return (this.oses[i] ??= this.args.os ?? guessOs(s.path ?? '', s.text));
  }

  /** The code base whose primitive definitions apply to a function. */
  osOfThread(t: Thread): Os {
    const o = this.owner.get(t);
    return o ? this.osOf(o.source) : this.args.os ?? 'linux';
  }

  extracted(i: number, arch: ArchProfile): Extracted {
    const key = `${i}|${arch}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const s = this.list[i]!;
    // Most code uses no primitive whose meaning differs per architecture: then the generic
    // extraction serves every profile and the file is parsed once, not three times.
    if (arch !== 'generic') {
      const generic = this.extracted(i, 'generic');
      if (!generic.threads.some((t) => this.readsOtherwise(t, i, arch))) {
        this.cache.set(key, generic);
        return generic;
      }
    }
    const under = arch === 'generic' ? undefined : this.underProfile(i, arch);
    const profile: Profile = under?.profile ?? { os: this.osOf(i) };
    const res = s.kind === 'patch'
      ? extractPatch(this.args.parser, { patch: this.parsed[i]!, kb: this.args.kb, profile, cache: this.parses })
      : extractC(this.args.parser, { text: s.text, path: s.path, kb: this.args.kb, profile, cache: this.parses, ...(s.only ? { only: (n: string) => s.only!.has(n) } : {}), ...(under ? { sameAs: under.sameAs } : {}) });
    const out = { threads: res.value, problems: res.problems.map((p) => ({ ...p })) };
    out.threads.forEach((t, index) => this.owner.set(t, { source: i, index }));
    this.cache.set(key, out);
    return out;
  }

  /** Whether the knowledge base gives this event's primitive (or callee) another meaning on `arch`. */
  private archSpecific(e: Event, i: number, arch: 'x86' | 'arm64'): boolean {
    const names = [e.prim, e.kind === 'CALL' ? e.callee : undefined, ...(e.via ?? []).map((v) => v.callee)];
    return names.some((n) => n !== undefined && lookup(this.args.kb, n, { os: this.osOf(i) })?.arch?.[arch] !== undefined);
  }

  /** What the knowledge base says a primitive called in this thread is, for the thread's OS. */
  primitive(t: Thread, name: string): Primitive | undefined {
    return lookup(this.args.kb, name, { os: this.osOfThread(t) });
  }

  /** Every thread of every source under a profile. */
  threads(arch: ArchProfile, role?: SourceText['role']): Thread[] {
    return this.list.flatMap((s, i) => (role && s.role !== role ? [] : this.extracted(i, arch).threads));
  }

  sourceOf(t: Thread): SourceText | undefined {
    const o = this.owner.get(t);
    return o ? this.list[o.source] : undefined;
  }

  /** The same function extracted under another profile. */
  counterpartThread(t: Thread, arch: ArchProfile): Thread | undefined {
    const o = this.owner.get(t);
    if (!o) return undefined;
    // A patch's images are extracted whole: their functions are told apart by side, not by name.
    if (arch === 'generic' || this.list[o.source]!.kind !== 'c') return this.extracted(o.source, arch).threads[o.index];
    return this.counterpartInC(t, o, arch);
  }

  private readonly counterparts = new Map<string, Thread | undefined>();

  /**
   * A C function under an architecture profile, extracted alone. One that uses no primitive the
   * profile defines otherwise reads the same: it is its own counterpart. Another is walked under
   * the profile, its callees that read the same lent by the generic file memo, as an extraction
   * of the whole file under the profile would do it. Judging asks for a few functions of a file;
   * extracting every function of it that takes a lock (Xen's spin_lock is a full barrier on Arm)
   * was an eighth of whole-tree mode's walks and a fifth of the events they made.
   */
  private counterpartInC(t: Thread, o: { source: number; index: number }, arch: 'x86' | 'arm64'): Thread | undefined {
    const i = o.source;
    if (!this.readsOtherwise(t, i, arch)) return t;
    const key = `${i}|${o.index}|${arch}`;
    if (this.counterparts.has(key)) return this.counterparts.get(key);
    const s = this.list[i]!;
    const res = extractC(this.args.parser, { text: s.text, path: s.path, kb: this.args.kb, ...this.underProfile(i, arch), cache: this.parses, only: (n: string) => n === t.name });
    const found = res.value.find((x) => x.name === t.name && x.span.line === t.span.line && x.span.col === t.span.col);
    if (found) this.owner.set(found, o);
    this.counterparts.set(key, found);
    return found;
  }

  /**
   * Source `i` read under an architecture profile. A generic thread that uses no primitive the
   * profile defines otherwise reads the same: kept file memos lend it (`sameAs`).
   */
  private underProfile(i: number, arch: 'x86' | 'arm64'): { profile: Profile; sameAs: { profile: Profile; same: (t: Thread) => boolean } } {
    return { profile: { os: this.osOf(i), arch }, sameAs: { profile: { os: this.osOf(i) }, same: (t) => !this.readsOtherwise(t, i, arch) } };
  }

  private readonly otherwise = { x86: new WeakMap<Thread, boolean>(), arm64: new WeakMap<Thread, boolean>() };

  /** The thread uses a primitive (or callee) the knowledge base gives another meaning on `arch`. */
  private readsOtherwise(t: Thread, i: number, arch: 'x86' | 'arm64'): boolean {
    let r = this.otherwise[arch].get(t);
    if (r === undefined) this.otherwise[arch].set(t, (r = t.events.some((e) => this.archSpecific(e, i, arch))));
    return r;
  }

  private readonly eventIndex = new WeakMap<Thread, { keys: string[]; byKey: Map<string, Event[]> }>();

  private indexOf(t: Thread): { keys: string[]; byKey: Map<string, Event[]> } {
    let ix = this.eventIndex.get(t);
    if (!ix) {
      const keys = t.events.map(eventKey);
      const byKey = new Map<string, Event[]>();
      t.events.forEach((e, i) => { const l = byKey.get(keys[i]!) ?? []; l.push(e); byKey.set(keys[i]!, l); });
      ix = { keys, byKey };
      this.eventIndex.set(t, ix);
    }
    return ix;
  }

  /** The same event in the same function under another profile (matched by kind, span and location). */
  counterpartEvent(t: Thread, e: Event, arch: ArchProfile): Event | undefined {
    const other = this.counterpartThread(t, arch);
    if (!other) return undefined;
    const mine = this.indexOf(t);
    const key = mine.keys[e.id]!;
    const nth = mine.byKey.get(key)!.indexOf(e);
    return this.indexOf(other).byKey.get(key)?.[nth];
  }
}

function eventKey(e: Event): string {
  const loc = e.kind === 'R' || e.kind === 'W' || e.kind === 'RMW' ? e.loc.key : e.kind === 'LOCK' || e.kind === 'UNLOCK' ? e.lock.key : e.kind === 'F' ? e.fence : '';
  return `${e.kind}|${e.span.line}:${e.span.col}-${e.span.endLine}:${e.span.endCol}|${loc}|${(e.via ?? []).map((f) => f.callee).join('>')}`;
}
