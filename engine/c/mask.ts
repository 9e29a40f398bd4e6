// Same-length rewrites of kernel and Xen idioms that the C grammar cannot read, so that every
// byte offset in the masked text is the offset in the original and no access is lost.
import { blankNonCode, escapeRe, matchParen, type BlankOptions } from './lexical';
import { disabledRanges } from './disabled';

/** Annotations that only matter to the compiler or sparse: replaced by spaces. */
const ATTRIBUTE_WORDS = [
  '__read_mostly', '__ro_after_init', '__init', '__initdata', '__exit', '__cacheline_aligned',
  '__always_inline', 'noinline', '__maybe_unused', '__must_check', '__user', '__iomem', '__rcu',
  '__percpu', '__used', '__force', 'cf_check', '__cold', '__hot', 'noreturn', '__noreturn',
];

/** Branch hints whose argument is the real condition: the name is blanked, the parens kept. */
const TRANSPARENT_CALLS = ['likely', 'unlikely'];

/**
 * Declarations written as macros (`DEFINE_PER_CPU(type, name);`): rewritten to `int name`
 * at the same offsets. The number is the argument holding the declared name (-1 = last).
 */
const DECLARATOR_MACROS: Record<string, number> = {
  DEFINE_PER_CPU: -1, DEFINE_PER_CPU_READ_MOSTLY: -1, DECLARE_PER_CPU: -1,
  DEFINE_SPINLOCK: 0, DEFINE_RWLOCK: 0, DEFINE_MUTEX: 0, LIST_HEAD: 0, DECLARE_BITMAP: 0,
};

/** Type macros (`XEN_GUEST_HANDLE_PARAM(xen_domctl_t)`): rewritten to `int` plus spaces. */
const TYPE_MACRO = /\b(?:XEN_GUEST_HANDLE(?:_PARAM|_64)?|__guest_handle_\w+)\s*\(/g;

/** Loop macros (`for_each_vcpu(d, v)`, `list_for_each_entry(...)`) become `while (...)`. */
const ITERATOR_MACRO = /\b\w*for_each\w*(?=\s*\()/g;

export interface MaskOptions extends BlankOptions {
  /** Extra iterator macro names from the user's config. */
  readonly iterators?: readonly string[];
}

function spaces(n: number): string {
  return ' '.repeat(Math.max(0, n));
}

/** Returns text of the same length, with the idioms above rewritten in place. */
export function maskIdioms(text: string, opts: MaskOptions = {}): string {
  const code = blankNonCode(text, opts);
  // Most texts need no rewrite at all; the others get their code units copied once and
  // overwritten in place (splitting the text into one string per character cost more than
  // the regexes below).
  let out: Uint16Array | undefined;
  const put = (at: number, s: string): void => {
    out ??= codeUnits(text);
    for (let k = 0; k < s.length; k++) out[at + k] = s.charCodeAt(k);
  };
  // `#if 0` bodies are not code: blanked before anything reads them (see disabled.ts).
  for (const r of disabledRanges(code)) {
    out ??= codeUnits(text);
    for (let k = r.start; k < r.end; k++) if (out[k] !== 10) out[k] = 32;
  }
  for (const m of code.matchAll(WORD_RE)) put(m.index, spaces(m[0].length));
  for (const m of code.matchAll(HINT_RE)) put(m.index, spaces(m[0].length));
  for (const m of code.matchAll(TYPE_MACRO)) {
    const close = matchParen(code, m.index + m[0].length - 1);
    if (close < 0) continue;
    put(m.index, 'int' + spaces(close + 1 - m.index - 3));
  }
  const iterRe = iteratorRe(opts.iterators ?? []);
  for (const m of code.matchAll(iterRe)) {
    if (m[0].length >= 5 && !isDefinedHere(code, m.index)) put(m.index, 'while' + spaces(m[0].length - 5));
  }
  for (const m of code.matchAll(/\b([A-Z_]+)\s*\(/g)) {
    const nameArg = DECLARATOR_MACROS[m[1]!];
    if (nameArg === undefined) continue;
    const open = m.index + m[0].length - 1;
    const close = matchParen(code, open);
    if (close < 0) continue;
    const args = splitArgs(code, open + 1, close);
    const arg = args[nameArg < 0 ? args.length + nameArg : nameArg];
    if (!arg) continue;
    const repl = ('int' + spaces(close + 1 - m.index - 3)).split('');
    for (let k = arg.start; k < arg.end; k++) repl[k - m.index] = text[k]!;
    put(m.index, repl.join(''));
  }
  return out ? fromCodeUnits(out) : text;
}

/**
 * Back to a string. Node's UTF-16 decoding copies the code units as they are (a lone surrogate
 * stays one, where a TextDecoder would replace it) and is about ten times faster than
 * String.fromCharCode over slices; a big-endian machine takes the slow way.
 */
function fromCodeUnits(units: Uint16Array): string {
  if (LITTLE_ENDIAN) return Buffer.from(units.buffer, units.byteOffset, units.byteLength).toString('utf16le');
  const parts: string[] = [];
  for (let k = 0; k < units.length; k += 8192) parts.push(String.fromCharCode(...units.subarray(k, k + 8192)));
  return parts.join('');
}

function codeUnits(text: string): Uint16Array {
  const out = new Uint16Array(text.length);
  for (let k = 0; k < text.length; k++) out[k] = text.charCodeAt(k);
  return out;
}

/** Whether a Uint16Array holds its units as UTF-16LE bytes. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// Built once, not per call: a patch series masks hundreds of fragments. (`matchAll` works on a
// copy of a global regex, so sharing one is safe.)
const WORD_RE = new RegExp(`\\b(?:${ATTRIBUTE_WORDS.join('|')})\\b`, 'g');
const HINT_RE = new RegExp(`\\b(?:${TRANSPARENT_CALLS.join('|')})(?=\\s*\\()`, 'g');
const iteratorRes = new Map<string, RegExp>();

/** The loop-macro pattern plus the user's iterator names, one regex per distinct list. */
function iteratorRe(iterators: readonly string[]): RegExp {
  if (iterators.length === 0) return ITERATOR_MACRO;
  const key = iterators.join('\n');
  let re = iteratorRes.get(key);
  if (!re) {
    re = new RegExp(`${ITERATOR_MACRO.source}|\\b(?:${iterators.map(escapeRe).join('|')})(?=\\s*\\()`, 'g');
    iteratorRes.set(key, re);
  }
  return re;
}

/** `#define for_each_foo(...)` must keep its name, or the macro definition turns to noise. */
function isDefinedHere(code: string, at: number): boolean {
  const lineStart = code.lastIndexOf('\n', at) + 1;
  return /^\s*#\s*define\s+$/.test(code.slice(lineStart, at));
}

function splitArgs(code: string, from: number, to: number): { start: number; end: number }[] {
  const args: { start: number; end: number }[] = [];
  let depth = 0;
  let start = from;
  for (let k = from; k <= to; k++) {
    const c = code[k];
    if (c === '(') depth++;
    else if (c === ')' && k < to) depth--;
    if (k === to || (c === ',' && depth === 0)) {
      let s = start;
      let e = k;
      while (s < e && /\s/.test(code[s]!)) s++;
      while (e > s && /\s/.test(code[e - 1]!)) e--;
      args.push({ start: s, end: e });
      start = k + 1;
    }
  }
  return args;
}
