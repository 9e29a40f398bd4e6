// One function's text, read once for what construction.ts asks of each variable in it: where
// the variable (or an address inside its object) is stored, the publishing calls, which names
// the function declares as locals and which are globals. Asked per variable with a regex over
// the whole text each time, these were most of construction.ts's time in the index.
import { callArgs } from './lock-paths';
import { PUBLISHERS } from '../kb/lifecycle';

export const IDENT = String.raw`[A-Za-z_]\w*`;
/** An optional cast (`(struct foo *)`, `(const char *)`) before a value. */
export const CAST = String.raw`(?:\(\s*(?:const\s+)?(?:struct\s+)?\w+[\s*]*\)\s*)?`;

/**
 * One function's text, read once for what publication() asks of each name: its stores by the
 * variable they store, its publishing calls, which names it declares and which are global.
 * (Scanned per name, the text was read again for every parameter and argument root.)
 */
export class FunctionText {
  private storesBy?: Map<string, Array<{ readonly eq: number; readonly end: number }>>;
  private publishing?: ReadonlyArray<{ readonly index: number; readonly callee: string; readonly args: readonly string[] }>;
  private readonly locals = new Map<string, boolean>();
  private readonly globals = new Map<string, boolean>();
  constructor(readonly code: string) {}

  /**
   * Assignments of the object `name` points to or of an address inside it: where each starts
   * and its left side, as the pattern `([\w\]\[\)>.\s*-]*?)(?<![=!<>+\-*\/%&|^])=(?!=)\s*CAST
   * (?:&\s*\(?\s*name\b[^,;)]*|name)\s*[;,)]` matches them, left to right. The left side holds
   * no `=`, so it is the run of its characters just before the `=`, from the end of the
   * previous match on; what follows an `=` names one variable at most, so every `=` is read
   * once for all names and each name's matches are taken left to right, as the pattern's.
   */
  stores(name: string): Array<{ index: number; lhs: string }> {
    const code = this.code;
    const out: Array<{ index: number; lhs: string }> = [];
    let last = 0;
    for (const s of this.storeIndex().get(name) ?? []) {
      if (s.eq < last) continue;
      let start = s.eq;
      while (start > last && LHS_CHAR.test(code[start - 1]!)) start--;
      out.push({ index: start, lhs: code.slice(start, s.eq) });
      last = s.end;
    }
    return out;
  }

  private storeIndex(): Map<string, Array<{ eq: number; end: number }>> {
    if (this.storesBy) return this.storesBy;
    const code = this.code;
    const by = new Map<string, Array<{ eq: number; end: number }>>();
    for (let i = code.indexOf('='); i >= 0; i = code.indexOf('=', i + 1)) {
      if (i > 0 && NOT_BEFORE_STORE.test(code[i - 1]!)) continue;
      STORE_HEAD.lastIndex = i;
      const m = STORE_HEAD.exec(code);
      if (!m) continue;
      let end = m.index + m[0].length;
      // `&name...`: up to the first `,`, `;` or `)` after the name, if there is one.
      if (m[1] !== undefined) {
        STORE_END.lastIndex = end;
        if (!STORE_END.exec(code)) continue;
        end = STORE_END.lastIndex;
      }
      const name = m[1] ?? m[2]!;
      (by.get(name) ?? by.set(name, []).get(name)!).push({ eq: i, end });
    }
    return (this.storesBy = by);
  }

  /** Calls of the knowledge base's publishers, with their arguments. */
  publishingCalls(): ReadonlyArray<{ readonly index: number; readonly callee: string; readonly args: readonly string[] }> {
    return (this.publishing ??= callsOf(this.code, Object.keys(PUBLISHERS)));
  }

  declaredLocal(name: string): boolean {
    let v = this.locals.get(name);
    if (v === undefined) this.locals.set(name, (v = declaredLocal(this.code, name)));
    return v;
  }

  isGlobal(name: string): boolean {
    let v = this.globals.get(name);
    if (v === undefined) this.globals.set(name, (v = isGlobal(this.code, name)));
    return v;
  }
}

/**
 * Where `name` stands as a whole word (`\bname\b`), left to right. A word is found with
 * indexOf and its ends looked at: a regex starting with `\b` was tried at every offset of the
 * text, once per name.
 */
export function* wordsAt(text: string, name: string): Generator<number> {
  if (!/^\w+$/.test(name)) {
    for (const m of text.matchAll(new RegExp(String.raw`\b${name}\b`, 'g'))) yield m.index!;
    return;
  }
  for (let i = text.indexOf(name); i >= 0;) {
    if ((i === 0 || !WORD_CHAR.test(text[i - 1]!)) && !WORD_CHAR.test(text[i + name.length] ?? ' ')) {
      yield i;
      i = text.indexOf(name, i + name.length);
    } else i = text.indexOf(name, i + 1);
  }
}

const WORD_CHAR = /\w/;

/** What must not stand just before a store's `=` (`==`, `!=`, `<=`, `+=`, ...). */
const NOT_BEFORE_STORE = /[=!<>+\-*/%&|^]/;
/** A store's `=` and what it stores: `&name` (an address inside its object) or `name` (group 1 or 2). */
const STORE_HEAD = new RegExp(String.raw`=(?!=)\s*${CAST}(?:&\s*\(?\s*(${IDENT})|(${IDENT})\s*[;,)])`, 'y');
const STORE_END = /[,;)]/g;

/** The calls of `names` in `code`, left to right, with their arguments. */
export function callsOf(code: string, names: readonly string[]): Array<{ index: number; callee: string; args: string[] }> {
  const call = namedRe(String.raw`\b(${names.join('|')})\s*\(`, 'g');
  call.lastIndex = 0;
  const out: Array<{ index: number; callee: string; args: string[] }> = [];
  for (let m = call.exec(code); m; m = call.exec(code)) out.push({ index: m.index, callee: m[1]!, args: callArgs(code.slice(m.index + m[0].length)) });
  return out;
}

/** What may stand left of a store's `=` (a variable, members, elements, a dereference). */
const LHS_CHAR = /[\w\]\[\)>.\s*-]/;

/** Not a local and not one of the function's parameters: the header names those. */
function isGlobal(code: string, name: string): boolean {
  const header = code.slice(0, code.indexOf('{') >= 0 ? code.indexOf('{') : code.length);
  return !namedRe(String.raw`\b${name}\s*[,)\[]`, '').test(header);
}

/** The function body declares `name` as a local (`struct vcpu *v, *prev;`, `int i = 0;`). */
function declaredLocal(code: string, name: string): boolean {
  // In the body: a parameter on a header line of its own looks like a declaration too.
  const body = code.indexOf('{') >= 0 ? code.slice(code.indexOf('{')) : code;
  const declares = namedRe(String.raw`(?:^|[;{}])\s*(?!return\b|goto\b|case\b|else\b|do\b)(?:(?:const|volatile|unsigned|signed)\s+)*(?:(?:struct|union|enum)\s+)?[A-Za-z_]\w*(?:\s+|\s*\*+\s*)(?:[^;{}()]*?,\s*\**\s*)?${name}\b\s*(?:\[[^\]]*\]\s*)*[=;,]`, 'my');
  if (!/^\w+$/.test(name)) return namedRe(declares.source, 'm').test(body);
  // A match names the variable as a whole word, and nothing from where it starts (a line start
  // or one of `;{}`) to that word is one of `;{}()`: it is tried only from those starts before
  // each occurrence, not at every line and statement of the body.
  const tried = new Set<number>();
  for (const at of wordsAt(body, name)) {
    let q = at - 1;
    while (q >= 0 && !STATEMENT_EDGE.test(body[q]!)) q--;
    const starts = q < 0 ? [0] : ';{}'.includes(body[q]!) ? [q] : [];
    for (let nl = body.indexOf('\n', q + 1); nl >= 0 && nl < at; nl = body.indexOf('\n', nl + 1)) starts.push(nl + 1);
    for (const from of starts) {
      if (tried.has(from)) continue;
      tried.add(from);
      declares.lastIndex = from;
      if (declares.test(body)) return true;
    }
  }
  return false;
}

const STATEMENT_EDGE = /[;{}()]/;

/**
 * A pattern built around a variable's name, compiled once per worker: the same names (`d`, `v`,
 * `p`) come back in function after function, and compiling such a pattern cost more than
 * running it. Callers of a sticky or global one set its lastIndex before each use.
 */
export function namedRe(source: string, flags: string): RegExp {
  const key = `${flags}/${source}`;
  let re = compiled.get(key);
  if (!re) {
    // A long-lived process (the language server) meets ever new names: start afresh now and then.
    if (compiled.size >= 20000) compiled.clear();
    compiled.set(key, (re = new RegExp(source, flags)));
  }
  return re;
}

const compiled = new Map<string, RegExp>();
