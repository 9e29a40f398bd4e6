// Objects under construction, read from one function's text: an object the function allocated
// (a local set once from an allocator's result) or was handed by its callers under
// construction, before the function makes it reachable by other CPUs. Until then no other CPU
// can touch it, so nothing it does to the object races (`vgic_rank_init(&d->arch.vgic.
// shared_irqs[i], ...)` from domain_vgic_init(), itself called on a domain that domain_create()
// has allocated and not yet linked into the domain list).
//
// What counts as making it reachable (its publication): storing its address into a global or
// into what another parameter points to (not into its own members, not into a local), a
// publishing call (kb/lifecycle.ts PUBLISHERS: rcu_assign_pointer(), list insertion, ...), or an
// earlier call of a function that does one of these with it (model.ts solvePublishers, where a
// store into another argument's object publishes only when that argument is not new memory of
// the caller's own); a knowledge-base constructor names its one publishing step instead
// (PUBLISHED_ONLY_BY). Escape through a local that is stored away later is not seen.
//
// Facts only record what the text says: which allocating call a local or a pointer member comes
// from. Which calls allocate is the model's question (model.ts: the knowledge base's allocators
// and functions that return what one of them returned).
import type { Event, Thread } from '../extract/types';
import { escapeRe } from '../c/lexical';
import { CAST, callsOf, FunctionText, IDENT, namedRe } from './function-text';
import { PUBLISHED_ONLY_BY, PUBLISHERS, type Publication } from '../kb/lifecycle';

/** An argument that points into an object under construction, as far as the caller's text shows. */
export interface BuiltArg {
  readonly arg: number;
  /** From a local set once from the result of this call (an allocator, if the model says so). */
  readonly alloc?: string;
  /** From this parameter of the caller (under construction, if every caller of it passes one). */
  readonly param?: number;
  /** The calls that set each pointer member it goes through (`d->arch.vgic.shared_irqs = xzalloc_array(...)`). */
  readonly members: readonly string[];
  /** The variable the argument starts from. */
  readonly root: string;
  /**
   * Earlier calls handed the object itself, as a range [from, to) of the function's `handings`
   * (those of this root count): if one publishes it, it is not under construction.
   */
  readonly handed?: readonly [number, number];
}

export interface ConstructionFacts {
  /** Per call event id: its arguments that point into an object under construction. */
  readonly built: ReadonlyMap<number, readonly BuiltArg[]>;
  /** The calls that are handed a parameter's or a new local's object itself, in program order. */
  readonly handings: readonly Handed[];
  /** Parameters (by position) whose object the function itself publishes. */
  readonly publishes: readonly number[];
  /** [p, q]: it stores parameter p's object into what parameter q points to (published if that is). */
  readonly storesInto: ReadonlyArray<readonly [number, number]>;
  /** The calls whose results the function returns, when every return is one of them or NULL. */
  readonly returnsFrom?: readonly string[];
}

interface Assigned { readonly callee: string; readonly at: number }

/**
 * A call handed the object `root` points to as argument `arg`. `owned`: that call's arguments
 * that point into objects under construction here too (a store of the object into one of those
 * publishes nothing yet).
 */
export interface Handed { readonly root: string; readonly callee: string; readonly arg: number; readonly owned: readonly number[] }


/**
 * `code`: the function's text from its first line, comments and strings blanked (same length,
 * same lines), so that offsets follow event positions; `firstLine`: the file line it starts on.
 */
export function constructionFacts(t: Thread, code: string, firstLine: number): ConstructionFacts {
  const lineStarts = [0];
  for (let i = code.indexOf('\n'); i >= 0; i = code.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const offsetOf = (line: number, col: number): number => (lineStarts[line - firstLine] ?? code.length) + col;
  const locals = callResults(code, localAssignments(code));
  const members = callResults(code, [...code.matchAll(MEMBER_ASSIGNMENT)].map((m) => ({ target: m[1]!, callee: m[2], call: m[3] !== undefined, at: m.index! })));
  const params = new Map(t.params.flatMap((p, i) => (p.name ? [[p.name, i] as const] : [])));
  const publishedOnlyBy = Object.hasOwn(PUBLISHED_ONLY_BY, t.name) ? PUBLISHED_ONLY_BY[t.name] : undefined;
  const text = new FunctionText(code);
  const publications = new Map<string, readonly number[]>();
  const publishedAt = (name: string): readonly number[] => {
    let p = publications.get(name);
    if (!p) publications.set(name, (p = publication(text, name, publishedOnlyBy).offsets));
    return p;
  };
  const ctx = { locals, members, params, publishedAt };
  // Each call with its arguments (spaces out) and what each points into, judged once at the call.
  const calls: Array<{ e: Extract<Event, { kind: 'CALL' }>; at: number; args: Array<{ text: string; built: ReturnType<typeof builtArg> }> }> = [];
  for (const e of t.events) {
    if (e.kind !== 'CALL' || e.resolution === 'kb' || e.via?.length) continue;
    const at = offsetOf(e.span.line, e.span.col);
    calls.push({ e, at, args: e.args.map((a) => { const text = a.replace(/\s+/g, ''); return { text, built: builtArg(text, at, ctx) }; }) });
  }
  // A call's arguments that are the object itself or inside it, or inside an object this function
  // allocated and has not published: storing the object there publishes nothing yet. (One of its
  // callers' objects is not known to be unpublished here.)
  const owned = (args: typeof calls[number]['args'], root: string): number[] => args.flatMap((a, i) => (
    a.built && (a.built.alloc !== undefined || ROOT.exec(a.text)?.[1] === root) ? [i] : []));
  const handings: Array<Handed & { readonly at: number }> = [];
  // A knowledge-base constructor names its publication: what its callees do is not asked.
  if (publishedOnlyBy === undefined) {
    for (const { e, at, args } of [...calls].sort((x, y) => x.at - y.at)) {
      args.forEach((a, i) => {
        const m = SELF.exec(a.text);
        const root = m?.[1] ?? m?.[2];
        if (root !== undefined && (params.has(root) || locals.has(root))) handings.push({ root, callee: e.callee, arg: i, owned: owned(args, root), at });
      });
    }
  }
  const built = new Map<number, BuiltArg[]>();
  for (const { e, at, args } of calls) {
    const out = args.flatMap(({ text, built: b }, i) => {
      if (!b) return [];
      const root = ROOT.exec(text)![1]!;
      const from = b.param !== undefined ? -1 : locals.get(root)!.at;
      const lo = handings.findIndex((h) => h.at > from);
      const hi = handings.findIndex((h) => h.at >= at);
      const range = [lo < 0 ? handings.length : lo, hi < 0 ? handings.length : hi] as const;
      const handed = handings.slice(range[0], range[1]).some((h) => h.root === root);
      return [{ arg: i, ...b, root, ...(handed ? { handed: range } : {}) }];
    });
    if (out.length) built.set(e.id, out);
  }
  const publishes: number[] = [];
  const storesInto: Array<readonly [number, number]> = [];
  for (const [name, i] of params) {
    const { offsets, into } = publication(text, name, undefined, true);
    if (offsets.length) publishes.push(i);
    for (const q of new Set(into)) if (params.has(q)) storesInto.push([i, params.get(q)!]);
  }
  const returnsFrom = returnedCalls(code, locals, (name, from) => publishedAt(name).some((p) => p > from));
  const used = [...built.values()].some((bs) => bs.some((b) => b.handed));
  return { built, handings: used ? handings.map(({ at: _at, ...h }) => h) : [], publishes, storesInto, ...(returnsFrom ? { returnsFrom } : {}) };
}

const ROOT = new RegExp(String.raw`^&?\(?(${IDENT})`);

/** An argument that is an object itself (`root`, `&root->f`, `&root[i]`), not a value read from it. */
const SELF = new RegExp(String.raw`^(?:(${IDENT})|&\(?(${IDENT})(?:->|\.|\[).*)$`);

/** An assignment: its target, the name its value starts with, whether a `(` follows that name, where the target starts. */
interface Assignment { readonly target: string; readonly callee: string | undefined; readonly call: boolean; readonly at: number }

/** What an assignment's `=` may be followed by: a cast, a name, a `(` (a call's result). */
const VALUE = String.raw`\s*${CAST}(${IDENT})?\s*(\()?`;
const MEMBER_ASSIGNMENT = new RegExp(String.raw`\b(${IDENT}(?:\s*(?:->|\.)\s*\w+)+)\s*=(?!=)${VALUE}`, 'g');
const VALUE_AT = new RegExp(VALUE, 'y');

/**
 * Assignments to a plain variable, as the pattern `(?<![\w.>]\s*)\b(IDENT)\s*=(?!=)VALUE`
 * matches them left to right: found from each `=` back to the word before it, where the pattern
 * with its look-behind was tried at every offset of the text.
 */
export function* localAssignments(code: string): Generator<Assignment> {
  let last = 0;
  for (let eq = code.indexOf('='); eq >= 0; eq = code.indexOf('=', eq + 1)) {
    if (code[eq + 1] === '=') continue;
    let end = eq - 1;
    while (end >= 0 && SPACE.test(code[end]!)) end--;
    let start = end + 1;
    while (start > 0 && WORD.test(code[start - 1]!)) start--;
    // A whole word, a name (not a number), not a member nor a declaration's second word, and
    // not inside the last match.
    if (start > end || start < last || !/[A-Za-z_]/.test(code[start]!)) continue;
    let before = start - 1;
    while (before >= 0 && SPACE.test(code[before]!)) before--;
    if (before >= 0 && /[\w.>]/.test(code[before]!)) continue;
    VALUE_AT.lastIndex = eq + 1;
    const v = VALUE_AT.exec(code)!;
    last = VALUE_AT.lastIndex;
    yield { target: code.slice(start, end + 1), callee: v[1], call: v[2] !== undefined, at: start };
  }
}

const SPACE = /\s/;
const WORD = /\w/;

/** Targets (locals, or member paths without spaces) set exactly once, from a call's result. */
function callResults(code: string, assignments: Iterable<Assignment>): Map<string, Assigned> {
  const out = new Map<string, Assigned>();
  const twice = new Set<string>();
  for (const a of assignments) {
    const name = a.target.replace(/\s+/g, '');
    if (out.has(name) || twice.has(name)) { out.delete(name); twice.add(name); continue; }
    if (a.callee && a.call) out.set(name, { callee: a.callee, at: a.at });
    else twice.add(name);
  }
  // A local also changed by `x += ...`, `x++` or a second plain assignment is not the result.
  // Asked only of names whose last word stands before such an operator or whose first word
  // after `++`/`--`: one scan of the text instead of one per name.
  const changed = out.size > 0 ? changedWords(code) : undefined;
  for (const name of [...out.keys()]) {
    if (!changed!.before.has(/\w+$/.exec(name)?.[0] ?? '') && !changed!.after.has(/^\w+/.exec(name)?.[0] ?? '')) continue;
    if (namedRe(String.raw`(?<![\w.>]\s*)\b${escapeRe(name)}\s*(?:[-+*/%&|^]|<<|>>)=|\b${escapeRe(name)}\s*(?:\+\+|--)|(?:\+\+|--)\s*${escapeRe(name)}\b`, '').test(code)) out.delete(name);
  }
  return out;
}

/**
 * The words a compound assignment, `++` or `--` may change: each last word before one of them
 * (`x` of `p->x |= m`, `i++`), each first word after `++` or `--` (`--p->n`).
 */
function changedWords(code: string): { before: Set<string>; after: Set<string> } {
  const before = new Set<string>();
  const after = new Set<string>();
  for (const m of code.matchAll(/\b(\w+)(?=\s*(?:(?:[-+*\/%&|^]|<<|>>)=|\+\+|--))/g)) before.add(m[1]!);
  for (const m of code.matchAll(/(?:\+\+|--)(?=\s*(\w+))/g)) after.add(m[1]!);
  return { before, after };
}

/**
 * Offsets where the object `name` points to becomes reachable: an assignment of `name` or of an
 * address inside its object (`&name->list`) into memory others may reach (a global, or what
 * another parameter points to; not its own members, not a local), or a publishing call with such
 * an argument; only the named call for a knowledge-base constructor. A local that is itself
 * stored away later is not followed (escape through locals is not seen).
 */
function publication(text: FunctionText, name: string, onlyBy: Publication | undefined, summary = false): { offsets: number[]; into: string[] } {
  const { code } = text;
  const out: number[] = [];
  const into: string[] = [];
  if (onlyBy === undefined) {
    for (const m of text.stores(name)) {
      // The left side starts on the assignment's own line (not a `#endif` above it).
      const lhs = m.lhs.split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? '';
      if (DECLARATION.test(lhs)) continue;
      const root = /^[*(\s]*([A-Za-z_]\w*)/.exec(lhs)?.[1];
      if (root === undefined || root === name || text.declaredLocal(root)) continue;
      if (!text.isGlobal(root)) {
        // A parameter variable itself is no memory; what it points to is published when that
        // object is: the caller knows (summary), or it is the caller's own, which may be
        // anywhere (`d->vcpu[i] = v` publishes v).
        if (lhs === root) continue;
        if (summary) { into.push(root); continue; }
      }
      out.push(m.index);
    }
  }
  if (onlyBy !== undefined && 'storeInto' in onlyBy) {
    const store = new RegExp(String.raw`->\s*${onlyBy.storeInto}\s*\[[^\]]*\]\s*=(?!=)\s*${CAST}${name}\s*;`, 'g');
    for (let m = store.exec(code); m; m = store.exec(code)) out.push(m.index);
    return { offsets: out, into };
  }
  const carriers = onlyBy !== undefined ? { [onlyBy.call]: PUBLISHERS[onlyBy.call] } : PUBLISHERS;
  const mentions = namedRe(String.raw`\b${name}\b`, '');
  for (const { index, callee, args } of onlyBy !== undefined ? callsOf(code, [onlyBy.call]) : text.publishingCalls()) {
    const carried = carriers[callee];
    if (carried === undefined ? args.some((a) => mentions.test(a)) : mentions.test(args[carried] ?? '')) out.push(index);
  }
  return { offsets: out.sort((a, b) => a - b), into };
}

/** `struct foo *p`, `unsigned long x`: the left side declares a local. */
const DECLARATION = /^(?:(?:const|volatile|unsigned|signed)\s+)*(?:(?:struct|union|enum)\s+)?[A-Za-z_]\w*(?:\s+|\s*\*+\s*)\**\s*[A-Za-z_]\w*$/;

/** `&x->a.b[i]`, `x`, `p->ptr`: a root variable, then members and elements. */
const ARG_PATH = new RegExp(String.raw`^(&)?\(?(${IDENT})((?:->\w+|\.\w+|\[[^\]]*\])*)\)?$`);

/**
 * The argument points into an object under construction at offset `at`: its root is a local
 * set once from a call before `at`, or a parameter, neither published before `at`; every
 * pointer it goes through below the root is a member set from a call before `at`.
 */
function builtArg(
  arg: string, at: number,
  ctx: {
    locals: ReadonlyMap<string, Assigned>; members: ReadonlyMap<string, Assigned>;
    params: ReadonlyMap<string, number>; publishedAt: (name: string) => readonly number[];
  },
): Omit<BuiltArg, 'arg' | 'root' | 'handed'> | undefined {
  const m = ARG_PATH.exec(arg);
  if (!m) return undefined;
  const [, addr, root, path] = m as unknown as [string, string | undefined, string, string];
  const local = ctx.locals.get(root);
  const param = ctx.params.get(root);
  if (local ? local.at > at : param === undefined) return undefined;
  const from = local?.at ?? -1;
  if (ctx.publishedAt(root).some((p) => p > from && p < at)) return undefined;
  const via: string[] = [];
  let prefix = root;
  for (const seg of path.match(/->\w+|\.\w+|\[[^\]]*\]/g) ?? []) {
    // `->` and `[i]` below the root read a pointer member: it must be one set from a call here.
    if (prefix !== root && (seg.startsWith('->') || seg.startsWith('['))) {
      const member = ctx.members.get(prefix);
      if (!member || member.at > at) return undefined;
      via.push(member.callee);
    }
    prefix += seg;
  }
  // Passed by value, a member path is the pointer it holds: the member must be such a one too.
  if (!addr && prefix !== root) {
    const member = ctx.members.get(prefix);
    if (!member || member.at > at) return undefined;
    via.push(member.callee);
  }
  return { ...(local ? { alloc: local.callee } : { param }), members: via };
}

const DIRECT_CALL = new RegExp(String.raw`^(${IDENT})\s*\(`);

/**
 * The calls whose result every `return` hands back (directly, or through a local set once from
 * it and not published before), NULL aside.
 */
function returnedCalls(code: string, locals: ReadonlyMap<string, Assigned>, published: (name: string, from: number) => boolean): string[] | undefined {
  const out = new Set<string>();
  const re = /\breturn\b\s*([^;]*);/g;
  let any = false;
  for (let m = re.exec(code); m; m = re.exec(code)) {
    any = true;
    const v = m[1]!.trim().replace(/^\((.*)\)$/s, '$1').trim();
    if (/^(?:NULL|0|ERR_PTR\s*\(.*\))$/s.test(v)) continue;
    const direct = DIRECT_CALL.exec(v);
    const local = locals.get(v);
    if (local && !published(v, local.at)) out.add(local.callee);
    else if (direct && /\)$/.test(v)) out.add(direct[1]!);
    else return undefined;
  }
  return any && out.size > 0 ? [...out].sort() : undefined;
}
