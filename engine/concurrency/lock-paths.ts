// Where the lock of a lock wrapper or lock test lives, relative to its parameters, read from
// the text of its definition: `spin_lock(&(d)->arch.vpl011.lock)` in a macro over `d` takes
// the lock at `arch.vpl011.lock` under what `d` points to; `_mm_lock(d, l, ...)` takes the one
// at `lock` under its second parameter. Calls of such definitions compose: a macro that passes
// `&(d)->arch.paging.lock` to a wrapper taking `lock` under that argument takes
// `arch.paging.lock.lock` under `d`. Only plain access paths are read this way; a lock reached
// through a call, an index or arithmetic has no place under a parameter.
import { stripOuterParens } from '../c/lexical';

/** The lock is `field` under the object parameter `arg` points to (the object itself when `field` is empty). */
export interface LockAt {
  readonly arg: number;
  readonly field: string;
}

const PATH = /^[A-Za-z_]\w*(?:(?:\.|->)[A-Za-z_]\w*)*$/;

/**
 * The lock a lock pointer names, under a parameter: `l` → the object `l` points to,
 * `&l->lock` and `&(d)->arch.paging.lock` → that field under the parameter.
 */
export function lockAt(pointer: string, params: readonly string[]): LockAt | undefined {
  const text = stripOuterParens(pointer.replace(/\s+/g, ''));
  const param = (name: string): number => params.indexOf(name);
  if (/^[A-Za-z_]\w*$/.test(text)) return param(text) >= 0 ? { arg: param(text), field: '' } : undefined;
  if (!text.startsWith('&')) return undefined;
  const m = /^\(?([A-Za-z_]\w*)\)?->(.+)$/.exec(stripOuterParens(text.slice(1)));
  if (!m || !PATH.test(m[2]!) || param(m[1]!) < 0) return undefined;
  return { arg: param(m[1]!), field: m[2]! };
}

/** A lock `field` under the object the pointer `pointer` names: the lock, under a parameter. */
export function fieldUnder(pointer: string, field: string, params: readonly string[]): LockAt | undefined {
  const at = lockAt(pointer, params);
  if (!at) return undefined;
  return { arg: at.arg, field: [at.field, field].filter((f) => f !== '').join('.') };
}

/** The arguments of a call, from the text after its `(`, split at commas at depth 0, up to its `)`. */
export function callArgs(afterParen: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of afterParen) {
    if (ch === ')' && depth === 0) break;
    if (ch === ',' && depth === 0) { out.push(cur.trim()); cur = ''; continue; }
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    cur += ch;
  }
  out.push(cur.trim());
  return out;
}

/**
 * The lock a call of a located definition names in the caller: `callee` takes (or tests)
 * `callee.field` under its argument `callee.arg`, and the caller passes `args`.
 */
export function throughCall(callee: LockAt, args: readonly string[], params: readonly string[]): LockAt | undefined {
  const arg = args[callee.arg < 0 ? args.length + callee.arg : callee.arg];
  return arg === undefined ? undefined : fieldUnder(arg, callee.field, params);
}

export function sameLockAt(a: LockAt, b: LockAt): boolean {
  return a.arg === b.arg && a.field === b.field;
}
