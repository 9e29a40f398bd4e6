// Calls through a struct of function pointers (`s->wake(s, unit)`), resolved to the functions
// designated initializers assign to that field (`.wake = csched_unit_wake`), for the call graph
// of the concurrency model (model.ts): such a function's callers are then in view, and it can
// hold locks on entry. Read from the tree's text. The rule is sound only when every use of the
// field and of the function is seen, so a field is resolved only when, in the whole tree:
// - each designated initializer of it assigns a function name (or NULL/0);
// - each other use of it is a call (`->F(`, `.F(`) or a test of the pointer (`if ( s->F )`,
//   `!s->F`, `s->F ? ... :`, `s->F || ...`): never copied, assigned, nor passed on;
// - no macro body calls it, nor calls a member named by a macro parameter (`ops->f(...)` in a
//   `#define` over `f`) with it as the argument: such calls are in no function of the index;
// - each file's calls of it are all call sites of the file's functions in the index (a call the
//   extraction did not see would be a caller missing from the intersection);
// - it is assigned at most MAX_HOOK_TARGETS functions.
// A function's address is then explained when every use of its name other than a call (or
// its declaration) is such a designated initializer, or a macro argument the macro uses only as a
// member name (`sched_test_func(do_schedule)` → `if ( !ops->do_schedule )`): its callers are
// the hook's call sites and its direct ones, all in view.
import { blankNonCode } from '../c/lexical';
import { blankDisabled } from '../c/disabled';
import { callArgs } from './lock-paths';

/**
 * Functions assigned to one field past which the field is a generic interface (file
 * operations, device tables), left unresolved: its call sites are dispatchers over unrelated
 * tables, and their intersection says little.
 */
export const MAX_HOOK_TARGETS = 16;

export interface HookFacts {
  /** Resolved field → the functions designated initializers assign to it. */
  readonly targets: Readonly<Record<string, readonly string[]>>;
  /** Names used as values only in ways explained above: not address-taken after all. */
  readonly explained: readonly string[];
}

export interface HookFile {
  readonly path: string;
  readonly text: string;
  /** Callees of the file's call sites in the index (facts.ts CallSite.callee), one per site. */
  readonly callees: readonly string[];
}

const NOT_A_FUNCTION = /^(?:NULL|0|nullptr)$/;
const MACRO = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)(\(([^)]*)\))?((?:[^\n]*\\\n)*[^\n]*)/gm;

/** The field a call site's callee names (`s->wake`, `ops.wake`), if it is one. */
export function calledField(callee: string): string | undefined {
  return /(?:->|\.)\s*([A-Za-z_]\w*)$/.exec(callee.replace(/\s+/g, ''))?.[1];
}

export function hookFacts(files: readonly HookFile[]): HookFacts {
  const targets = new Map<string, Set<string>>();
  const unresolved = new Set<string>();
  const designated = new Map<string, Map<string, number>>();
  const memberArgs = new Map<string, number>();
  const textCalls = new Map<string, Map<string, number>>();
  const codes = files.map((f) => ({ f, code: blankDisabled(blankNonCode(f.text)) }));
  // Macros: their bodies are no function's; a parameter used as a member name makes each use's
  // argument there a member name (a call through it: a field called where no function shows).
  const memberParams = new Map<string, Array<{ index: number; called: boolean }>>();
  for (const { code } of codes) {
    for (const m of code.matchAll(MACRO)) {
      const body = m[4]!.replace(/\\\n/g, '\n');
      for (const c of body.matchAll(/(?:->|\.)\s*([A-Za-z_]\w*)\s*\(/g)) unresolved.add(c[1]!);
      if (m[3] === undefined) continue;
      const params = m[3].split(',').map((p) => p.trim());
      const uses = params.flatMap((p, index) => {
        if (!/^[A-Za-z_]\w*$/.test(p)) return [];
        const member = new RegExp(String.raw`(?:->|\.)\s*${p}\b(?!\s*##)(\s*\()?`, 'g');
        const found = [...body.matchAll(member)];
        return p !== '' && found.length > 0 ? [{ index, called: found.some((x) => x[1] !== undefined) }] : [];
      });
      if (uses.length > 0) memberParams.set(m[1]!, uses);
    }
  }
  const bodies = codes.map(({ f, code }) => ({ f, body: code.replace(MACRO, (m) => m.replace(/[^\n]/g, ' ')) }));
  // Designated initializers: `{ .F = f, .G = NULL }`.
  for (const { body } of bodies) {
    if (!body.includes('.')) continue;
    for (const m of body.matchAll(/[{,]\s*\.\s*([A-Za-z_]\w*)\s*=(?!=)\s*([^,}]*)/g)) {
      const field = m[1]!;
      const value = m[2]!.trim().replace(/^&\s*/, '');
      if (NOT_A_FUNCTION.test(value)) continue;
      if (!/^[A-Za-z_]\w*$/.test(value)) { unresolved.add(field); continue; }
      (targets.get(field) ?? targets.set(field, new Set()).get(field)!).add(value);
      const per = designated.get(value) ?? designated.set(value, new Map()).get(value)!;
      per.set(field, (per.get(field) ?? 0) + 1);
    }
  }
  // Uses of the macros above, and every other use of a field some initializer assigns: a call,
  // a test of the pointer, or something that lets it go. One pattern each over every file.
  const macroUse = memberParams.size > 0 ? new RegExp(String.raw`\b(${[...memberParams.keys()].join('|')})\s*\(`, 'g') : undefined;
  const fields = [...targets.keys()].filter((f) => !unresolved.has(f));
  const memberUse = fields.length > 0 ? new RegExp(String.raw`(?:->|(?<![{,]\s*)\.)\s*(${fields.join('|')})\b`, 'g') : undefined;
  for (const { f, body } of bodies) {
    for (const m of macroUse ? body.matchAll(macroUse) : []) {
      const args = callArgs(body.slice(m.index! + m[0].length));
      for (const u of memberParams.get(m[1]!)!) {
        const arg = args[u.index]?.trim() ?? '';
        if (!/^[A-Za-z_]\w*$/.test(arg)) continue;
        if (u.called) unresolved.add(arg);
        else memberArgs.set(arg, (memberArgs.get(arg) ?? 0) + 1);
      }
    }
    const calls = new Map<string, number>();
    for (const m of memberUse ? body.matchAll(memberUse) : []) {
      const field = m[1]!;
      const after = body.slice(m.index! + m[0].length, m.index! + m[0].length + 40);
      if (/^\s*\(/.test(after)) calls.set(field, (calls.get(field) ?? 0) + 1);
      else if (!isTest(body.slice(Math.max(0, m.index! - 120), m.index!), after)) unresolved.add(field);
    }
    textCalls.set(f.path, calls);
  }
  // Per file, the calls seen in the text must be the index's call sites of the field.
  for (const f of files) {
    const seen = new Map<string, number>();
    for (const c of f.callees) {
      const field = calledField(c);
      if (field !== undefined) seen.set(field, (seen.get(field) ?? 0) + 1);
    }
    for (const [field, n] of textCalls.get(f.path) ?? []) if ((seen.get(field) ?? 0) !== n) unresolved.add(field);
  }
  const resolved = new Map([...targets].filter(([field, fns]) => !unresolved.has(field) && fns.size <= MAX_HOOK_TARGETS));
  // Names whose every use other than a call is explained. Every such use is counted, not only
  // those facts.ts valueUses sees (`f ? a : b` is one it does not): a use left out would let
  // a function whose address escapes count as closed.
  const candidates = new Set([...designated.keys(), ...memberArgs.keys()]);
  const bare = new Map<string, number>();
  for (const { code } of codes) {
    // Not a member name (`->f`, `.f`), not called (`f(`), not a function pointer declared or
    // called by that name (`void (*f)(int);`, `(*f)(x)`). Every identifier is looked up; only
    // a candidate's neighbours are read.
    for (const m of code.matchAll(/[A-Za-z_]\w*/g)) {
      if (!candidates.has(m[0])) continue;
      let i = m.index! - 1;
      while (i >= 0 && /\s/.test(code[i]!)) i--;
      if (code[i] === '.' || (code[i] === '>' && code[i - 1] === '-')) continue;
      let j = i - 1;
      while (j >= 0 && /\s/.test(code[j]!)) j--;
      const pointer = code[i] === '*' && code[j] === '(';
      const after = code.slice(m.index! + m[0].length, m.index! + m[0].length + 8);
      if (/^\s*\(/.test(after) || (pointer && /^\s*\)\s*\(/.test(after))) continue;
      bare.set(m[0], (bare.get(m[0]) ?? 0) + 1);
    }
  }
  const explained = [...candidates].filter((name) => {
    const per = designated.get(name);
    if (per && [...per.keys()].some((field) => !resolved.has(field))) return false;
    const inits = per ? [...per.values()].reduce((a, b) => a + b, 0) : 0;
    return inits + (memberArgs.get(name) ?? 0) === bare.get(name);
  }).sort();
  return { targets: Object.fromEntries([...resolved].map(([field, fns]) => [field, [...fns].sort()])), explained };
}

/**
 * A member use that only tests the pointer: followed by `&&`, `||`, `?`, `==` or `!=`, or the
 * whole condition of an `if`/`while` or an assertion (`if ( s->F )`, `ASSERT(!s->F)`), or
 * negated. `foo(s->F)` passes it on and is no test.
 */
function isTest(before: string, after: string): boolean {
  if (/^\s*(?:&&|\|\||\?|==|!=)/.test(after)) return true;
  // The object the member is read from (`schedulers[i]`, `s`), then what comes before it.
  const head = before.replace(/[\w\s\]\[]*(?:(?:->|\.)[\w\s\]\[]*)*$/, '');
  if (/(?:!|&&|\|\|)\s*$/.test(head)) return true;
  return /\b(?:if|while|ASSERT|BUG_ON|WARN_ON)\s*\(\s*$/.test(head) && /^\s*\)(?!\s*\()/.test(after);
}
