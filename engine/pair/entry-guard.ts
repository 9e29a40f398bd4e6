// A reader its callers enter only after checking the flag: `if (!ready) return; smp_rmb();
// ... consume();`. Judged alone, consume()'s own read of `ready` and its later reads look
// unordered; but every path into it has already read `ready`, seen it set, and issued a read
// barrier (or read it with acquire), and that read is what orders consume()'s reads after the
// flag on Arm and in LKMM. The judged reader side then starts with that guard (see
// litmus-build.ts). Only when every caller is in view: the function is `static`, its file never
// uses its name as a value, and every call site in the file is guarded, directly or because
// its caller is entered the same way.
import { addressTaken } from '../concurrency/facts';
import type { Event, Thread } from '../extract/types';
import { compact, unwrapCondition } from '../extract/scope';
import { hasGuard } from './ordering-events';
import type { Scenario } from './scenario';

export interface EntryGuard {
  /** The caller's read of the flag that every path into the function passes. */
  readonly read: Event;
  readonly caller: Thread;
  /** What orders the guard read before the function's accesses. */
  readonly by: 'rmb' | 'mb' | 'acquire';
}

export class EntryGuards {
  private readonly memo = new Map<string, EntryGuard | null>();
  private readonly taken = new Map<string, Set<string>>();

  constructor(private readonly a: { all: readonly Thread[]; textOf?: (t: Thread) => string | undefined }) {}

  /** The guard on location `key` every caller in view passes before calling `t`, if there is one. */
  of(t: Thread, key: string): EntryGuard | undefined {
    return this.find(t, key, new Set()) ?? undefined;
  }

  private find(t: Thread, key: string, visiting: Set<Thread>): EntryGuard | null {
    const id = `${t.file ?? ''}|${t.side ?? ''}|${t.name}|${key}`;
    if (this.memo.has(id)) return this.memo.get(id)!;
    // A call cycle proves nothing about how it is entered.
    if (visiting.has(t)) return null;
    visiting.add(t);
    const found = this.closed(t) ? this.everyCallGuarded(t, key, visiting) : null;
    visiting.delete(t);
    this.memo.set(id, found);
    return found;
  }

  /** Every caller of `t` is in view: static, and its name never used as a value in its file. */
  private closed(t: Thread): boolean {
    if (!t.static) return false;
    const text = this.a.textOf?.(t);
    if (text === undefined) return false;
    let names = this.taken.get(text);
    if (!names) this.taken.set(text, (names = new Set(addressTaken(text))));
    return !names.has(t.name);
  }

  private everyCallGuarded(t: Thread, key: string, visiting: Set<Thread>): EntryGuard | null {
    let witness: EntryGuard | null = null;
    let calls = 0;
    // Every place the file names the function followed by `(`, but its definition: a call in a
    // function that is not in view (or a prototype, or a macro) makes the callers unknown.
    const named = (this.a.textOf?.(t)?.match(new RegExp(`\\b${t.name}\\s*\\(`, 'g'))?.length ?? 0) - 1;
    for (const c of this.a.all) {
      if (c === t || c.file !== t.file || c.side !== t.side) continue;
      for (const call of c.events) {
        if (call.kind !== 'CALL' || call.callee !== t.name || call.via?.length) continue;
        calls++;
        const g = guardAt(c, call, key) ?? this.find(c, key, visiting);
        if (!g) return null;
        witness ??= g;
      }
    }
    return calls > 0 && calls === named ? witness : null;
  }
}

/**
 * The caller reads `key`, goes on (to the call) only when it saw it set, and orders that read
 * before the call: an acquire read, or smp_rmb()/smp_mb() between them on every path to it.
 */
function guardAt(c: Thread, call: Event, key: string): EntryGuard | null {
  for (const read of c.events) {
    if (read.id >= call.id) break;
    if (read.kind !== 'R' || read.loc.key !== key) continue;
    const checked = call.guards.some((g) => {
      const cond = c.conds[g.cond];
      return cond !== undefined && cond.reads.includes(read.id) && goesOnWhenSet(cond.text, read.text, g.value);
    });
    if (!checked) continue;
    if (read.annot === 'acquire') return { read, caller: c, by: 'acquire' };
    const fence = c.events.find((e) => e.id > read.id && e.id < call.id && e.kind === 'F' && (e.fence === 'rmb' || e.fence === 'mb')
      && e.guards.every((g) => hasGuard(call.guards, g)));
    if (fence && fence.kind === 'F') return { read, caller: c, by: fence.fence === 'mb' ? 'mb' : 'rmb' };
  }
  return null;
}

/**
 * The branch is taken (`value`) only when the flag read as non-zero: `if (flag)` taken, or
 * `if (!flag) return;` not taken. Conditions that test anything else say nothing.
 */
export function goesOnWhenSet(condText: string, readText: string, value: boolean): boolean {
  const read = unwrapCondition(compact(readText));
  let cond = unwrapCondition(compact(condText));
  let negated = false;
  if (cond.startsWith('!')) {
    negated = true;
    cond = unwrapCondition(cond.slice(1));
  }
  return cond === read && value !== negated;
}

/** A store of a non-zero constant: what a guard that goes on when the flag is set can have seen. */
function storesSet(e: Event): boolean {
  return e.kind === 'W' && e.value !== undefined && /^(?:[1-9]\d*[uUlL]*|true)$/.test(compact(e.value));
}

/**
 * Message passing whose reader is entered only past a guard on the flag (EntryGuards), when the
 * writer sets the flag to a non-zero constant: the reader side carries the guard. Only the flag
 * itself: a guard on a location outside the cycle has no writer in the test.
 */
export function withEntryGuard(s: Scenario, guards: EntryGuards): Scenario {
  const [writer, reader] = s.sides;
  if (s.shape !== 'MP' || reader.synthesized || !reader.first || !('loc' in reader.first) || !storesSet(writer.second)) return s;
  const entryGuard = guards.of(reader.thread, reader.first.loc.key);
  return entryGuard ? { ...s, sides: [writer, { ...reader, entryGuard }] } : s;
}
