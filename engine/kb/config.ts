// `.hvbarrier.json`: users extend the knowledge base without code. The engine receives the
// text (the CLI or server reads the file); anything malformed becomes a problem, never a throw.
//
// {
//   "barriers":  { "my_wmb": "wmb" },                               // fence kind
//   "accessors": { "MY_READ": { "access": "read", "order": "once" }, // read|write|lvalue,
//                  "my_store_rel": { "access": "write", "order": "release", "pointer": true } },
//   "locks":     { "my_lock": "lock", "my_unlock": { "op": "unlock", "irq": "restore" } },
//                (the lock is the object the first argument points to; "arg": N names another,
//                 -1 the last; "field": "arch.lock" names that field under what it points to;
//                 "result": "lock" names that field of the pointer the call returns, NULL when
//                 it took nothing; "op": "held" is a lock test, `my_is_locked(l)`, that says
//                 the lock is held where an assertion states it true; with "unread": WHY, one
//                 not understood, which an assertion reports as such; "like": "write_lock"
//                 says which primitive it ends in: its mode, unless "mode" is given, and what
//                 it implies per architecture, per code base (Xen's locks are full barriers on
//                 Arm))
//   "functions": { "my_sleepy_wait": { "tags": ["sleeps"] } },
//   "shared":    ["^pcpu_", "->pending$"],                          // regexes on access paths
//   "iterators": ["for_every_widget"],                               // loop macros
//   "pointers":  { "struct vcpu->domain": "struct domain" }          // pointer fields: a lock
//                (reached through one is the lock of the struct it points to)
// }
import type { Problem } from '../patch/types';
import { makeKnowledgeBase } from './base';
import { F, HELD, IRQ, LOCK, R, UNLOCK, W, field, lval, ptr } from './build';
import type { Effect, FenceKind, KnowledgeBase, LockMode, Primitive, Tag } from './types';

export interface ConfigResult {
  readonly kb: KnowledgeBase;
  readonly problems: readonly Problem[];
}

const FENCES: readonly FenceKind[] = [
  'mb', 'rmb', 'wmb', 'barrier', 'before-atomic', 'after-atomic', 'after-spinlock', 'after-unlock-lock',
  'after-srcu-read-unlock', 'rcu-lock', 'rcu-unlock', 'sync-rcu',
];
const TAGS: readonly Tag[] = ['sleeps', 'softirq', 'must-not-hold-lock', 'kick', 'wake', 'reinject', 'pause', 'hidden-lock', 'transparent'];
const KEYS = ['barriers', 'accessors', 'locks', 'functions', 'shared', 'iterators', 'pointers'];
/** The file name the CLI and the server look for, from a directory upwards. */
export const CONFIG_FILE_NAME = '.hvbarrier.json';
const SOURCE = `config: ${CONFIG_FILE_NAME}`;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isObject(v: Json | undefined): v is { [k: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function loadConfig(text: string): ConfigResult {
  const problems: Problem[] = [];
  const at = (needle: string, message: string): void => {
    problems.push({ severity: 'error', message, ...positionOf(text, text.indexOf(needle)) });
  };
  let root: Json;
  try {
    root = JSON.parse(text) as Json;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const pos = /position (\d+)/.exec(msg);
    problems.push({ severity: 'error', message: `.hvbarrier.json is not valid JSON: ${msg}`, ...positionOf(text, pos ? Number(pos[1]) : 0) });
    return { kb: makeKnowledgeBase(), problems };
  }
  if (!isObject(root)) {
    at('', '.hvbarrier.json must hold an object');
    return { kb: makeKnowledgeBase(), problems };
  }
  for (const key of Object.keys(root)) if (!KEYS.includes(key)) at(`"${key}"`, `unknown key '${key}' (expected one of ${KEYS.join(', ')})`);

  const primitives: Primitive[] = [];
  const add = (name: string, kind: Primitive['kind'], effects: Effect[], extra: Partial<Primitive> = {}): void => {
    primitives.push({ name, os: ['linux', 'xen'], kind, effects, source: SOURCE, ...extra });
  };
  forEntries(root.barriers, 'barriers', at, (name, v) => {
    if (typeof v === 'string' && (FENCES as readonly string[]).includes(v)) add(name, 'fence', [F(v as FenceKind)]);
    else at(`"${name}"`, `barrier '${name}': expected one of ${FENCES.join(', ')}`);
  });
  forEntries(root.accessors, 'accessors', at, (name, v) => {
    const access = isObject(v) ? v.access : undefined;
    const order = isObject(v) ? v.order ?? 'once' : undefined;
    const loc = isObject(v) && v.pointer === true ? ptr(0) : lval(0);
    if (access === 'read' && (order === 'once' || order === 'acquire' || order === 'plain')) add(name, 'access', [R(loc, order)]);
    else if (access === 'write' && (order === 'once' || order === 'release' || order === 'plain')) add(name, 'access', [W(loc, order, 1)]);
    else if (access === 'lvalue' && (order === 'once' || order === 'plain')) add(name, 'access', [R(loc, order)], { lvalue: true });
    else at(`"${name}"`, `accessor '${name}': expected {"access": "read"|"write"|"lvalue", "order": "once"|"acquire"|"release"|"plain"}`);
  });
  forEntries(root.locks, 'locks', at, (name, v) => {
    const spec = typeof v === 'string' ? { op: v } : isObject(v) ? v : {};
    const mode = (['spin', 'read', 'write', 'mutex'] as const).find((m) => m === (spec.mode ?? 'spin'));
    const irq = spec.irq;
    const result = spec.result;
    const path = spec.field;
    if ((spec.op !== 'lock' && spec.op !== 'unlock' && spec.op !== 'held') || !mode || (irq !== undefined && irq !== 'off' && irq !== 'on' && irq !== 'restore')
      || (result !== undefined && (spec.op !== 'lock' || typeof result !== 'string' || !/^\w+(?:\.\w+)*$/.test(result)))
      || (path !== undefined && (typeof path !== 'string' || !/^\w+(?:(?:\.|->)\w+)*$/.test(path)))) {
      at(`"${name}"`, `lock '${name}': expected "lock", "unlock" or {"op": lock|unlock|held, "mode"?: spin|read|write|mutex, "irq"?: off|on|restore, "arg"?: N, "field"?: PATH, "result"?: FIELD (lock only)}`);
      return;
    }
    const arg = Number.isInteger(spec.arg) ? (spec.arg as number) : 0;
    const loc = typeof result === 'string' ? { arg: 0, result: true, field: result } : typeof path === 'string' ? field(arg, path) : ptr(arg);
    if (spec.op === 'held') {
      if (typeof spec.unread === 'string') add(name, 'lock', [], { tags: ['predicate'], note: `not understood: ${spec.unread}` });
      else add(name, 'lock', [HELD(loc, mode as LockMode)], { tags: ['predicate'] });
      return;
    }
    const like = spec.like;
    if (like !== undefined && (typeof like !== 'string' || !likeLock(like, spec.op))) {
      at(`"${name}"`, `lock '${name}': "like" must name a knowledge-base ${spec.op} primitive (spin_lock, write_unlock, ...)`);
      return;
    }
    const shape = (m: LockMode): Effect[] => {
      const effects: Effect[] = spec.op === 'lock' ? [LOCK(loc, m)] : [UNLOCK(loc, m)];
      if (irq === 'off') effects.unshift(IRQ('off'));
      else if (irq === 'on' || irq === 'restore') effects.push(IRQ(irq));
      return effects;
    };
    const tags: Tag[] | undefined = spec.sleeps === true ? ['sleeps'] : undefined;
    if (typeof like !== 'string') {
      add(name, 'lock', shape(mode as LockMode), { tags });
      return;
    }
    // One entry per code base: the primitive may mean different things in each.
    for (const os of ['linux', 'xen'] as const) {
      const base = builtIn(like, os);
      if (!base) continue;
      const m = spec.mode === undefined ? lockEffectOf(base.effects)?.mode ?? 'spin' : (mode as LockMode);
      const arch = Object.fromEntries(Object.entries(base.arch ?? {}).map(([a, list]) => [a, alongside(list, shape(m))]));
      primitives.push({
        name, os: [os], kind: 'lock', effects: shape(m), source: `${SOURCE} (like ${like}: ${base.source})`,
        ...(Object.keys(arch).length > 0 ? { arch } : {}), ...(tags ? { tags } : {}),
      });
    }
  });
  forEntries(root.functions, 'functions', at, (name, v) => {
    const tags = isObject(v) && Array.isArray(v.tags) ? v.tags : undefined;
    if (!tags || !tags.every((t) => typeof t === 'string' && (TAGS as readonly string[]).includes(t))) {
      at(`"${name}"`, `function '${name}': expected {"tags": [${TAGS.join(', ')}]}`);
      return;
    }
    add(name, 'function', [], { tags: tags as Tag[] });
  });
  const shared: RegExp[] = [];
  forStrings(root.shared, 'shared', at, (s) => {
    try {
      shared.push(new RegExp(s));
    } catch {
      at(JSON.stringify(s), `shared pattern ${JSON.stringify(s)} is not a valid regular expression`);
    }
  });
  const iterators: string[] = [];
  forStrings(root.iterators, 'iterators', at, (s) => {
    if (/^[A-Za-z_]\w*$/.test(s)) iterators.push(s);
    else at(JSON.stringify(s), `iterator ${JSON.stringify(s)} is not a macro name`);
  });
  const pointers = new Map<string, string>();
  forEntries(root.pointers, 'pointers', at, (name, v) => {
    if (/^struct \w+->\w+$/.test(name) && typeof v === 'string' && /^struct \w+$/.test(v)) pointers.set(name, v);
    else at(`"${name}"`, `pointer '${name}': expected "struct NAME->field": "struct TYPE"`);
  });
  return { kb: makeKnowledgeBase({ primitives, iterators, shared, pointers }), problems };
}

type At = (needle: string, message: string) => void;

let builtIns: KnowledgeBase | undefined;

/** The built-in entry of a primitive for one code base. */
function builtIn(name: string, os: 'linux' | 'xen'): Primitive | undefined {
  const list = (builtIns ??= makeKnowledgeBase()).primitives.get(name) ?? [];
  return [...list].reverse().find((p) => p.os.includes(os));
}

/** A built-in lock primitive taking (op lock) or releasing (op unlock) a lock, in some code base. */
function likeLock(name: string, op: 'lock' | 'unlock'): boolean {
  return (['linux', 'xen'] as const).some((os) => {
    const p = builtIn(name, os);
    return p !== undefined && lockEffectOf(p.effects)?.op === (op === 'lock' ? 'LOCK' : 'UNLOCK');
  });
}

function lockEffectOf(effects: readonly Effect[]): Extract<Effect, { op: 'LOCK' | 'UNLOCK' }> | undefined {
  return effects.find((e): e is Extract<Effect, { op: 'LOCK' | 'UNLOCK' }> => e.op === 'LOCK' || e.op === 'UNLOCK');
}

/**
 * What a primitive does on one architecture, around our own effects instead of its own: the
 * fences it adds before and after its lock operation stay where they are (`LOCK; F(mb)` for
 * a Xen lock on Arm), its lock operation and interrupt changes become ours.
 */
function alongside(list: readonly Effect[], own: readonly Effect[]): Effect[] {
  const at = list.findIndex((e) => e.op === 'LOCK' || e.op === 'UNLOCK');
  const keep = (e: Effect): boolean => e.op !== 'IRQ' && e.op !== 'LOCK' && e.op !== 'UNLOCK';
  if (at < 0) return [...own];
  const lockAt = own.findIndex((e) => e.op === 'LOCK' || e.op === 'UNLOCK');
  return [...own.slice(0, lockAt), ...list.slice(0, at).filter(keep), own[lockAt]!, ...list.slice(at + 1).filter(keep), ...own.slice(lockAt + 1)];
}

function forEntries(v: Json | undefined, key: string, at: At, fn: (name: string, v: Json) => void): void {
  if (v === undefined) return;
  if (!isObject(v)) return at(`"${key}"`, `'${key}' must be an object of name → definition`);
  for (const [name, def] of Object.entries(v)) fn(name, def);
}

function forStrings(v: Json | undefined, key: string, at: At, fn: (s: string) => void): void {
  if (v === undefined) return;
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) return at(`"${key}"`, `'${key}' must be an array of strings`);
  for (const s of v as string[]) fn(s);
}

function positionOf(text: string, offset: number): { line: number; col: number } {
  const o = Math.max(0, Math.min(offset, text.length));
  const before = text.slice(0, o);
  const line = before.split('\n').length;
  return { line, col: o - (before.lastIndexOf('\n') + 1) + 1 };
}
