// What one function tells the concurrency model about itself, read from its extracted thread
// and its source text: whom it calls and under which locks, whether it is boot-time code, and
// whether it is a lock wrapper (returns with a lock taken, or releases one it did not take).
// Small and serializable: it is kept in the workspace index beside the function's summary.
import type { Event, Thread } from '../extract/types';
import { matchKeys } from '../pair/peers';
import { callerDrops, droppedBefore, standInLocks, type Drop } from '../extract/query';
import { eventPhase, type DomainPhase } from './domain-phase';
import { blankNonCode } from '../c/lexical';
import { blankDisabled } from '../c/disabled';
import { stackObjects } from './stack-objects';
import { constructionFacts, type BuiltArg, type Handed } from './construction';
import { HYP_CALLS, HYP_HANDLER_TABLE, hypHandler } from '../kb/kvm';
import { atomicallyUpdated, splitUpdated } from './updates';
import { unlockedTests } from './unlocked-tests';
import { wordsAt } from './function-text';

/** Changes whenever FunctionFacts changes shape or meaning: cached indexes are rebuilt. */
export const FACTS_VERSION = 23;

export interface CallSite {
  readonly callee: string;
  /** Keys of the locks the caller holds at the call. */
  readonly held: readonly string[];
  /**
   * Arguments that are the vCPU running the caller: `current`, or a local the caller sets to
   * `current` and never reassigns (by position).
   */
  readonly running?: readonly number[];
  /**
   * Arguments that are the address of an object on the caller's own stack (`&op`,
   * `&common[i]`, an array `buf`), by position.
   */
  readonly stack?: readonly number[];
  /** Arguments that pass one of the caller's own parameters on unchanged: [argument, parameter]. */
  readonly passes?: ReadonlyArray<readonly [number, number]>;
  /** The call is on every path through the caller (no branch, no earlier exit guards it). */
  readonly always?: true;
  /** Arguments that point into an object the caller allocated or was given, not yet published (construction.ts). */
  readonly built?: readonly BuiltArg[];
  /** Locks held on the caller's entry that it has released before the call (see TakenLock). */
  readonly dropped?: readonly string[];
  /** The call happens only while its domain is being built or torn down (domain-phase.ts). */
  readonly phase?: DomainPhase;
}

/** A lock a function takes (callees in view inlined), for lock-order summaries across files. */
export interface TakenLock {
  readonly key: string;
  /** Unset for an exclusive lock. */
  readonly mode?: 'read' | 'try';
  /** Locks held on entry it has released on every path to this acquisition (its caller's). */
  readonly dropped?: readonly string[];
  /** Taken only while its domain is being built or torn down (domain-phase.ts). */
  readonly phase?: DomainPhase;
}

export interface FunctionFacts {
  readonly name: string;
  /** Declared `__init` (or another boot-only section attribute). */
  readonly init: boolean;
  /** Declared `static`: only its translation unit calls it by name or uses it as a value. */
  readonly static?: true;
  /** Calls of functions that are not knowledge-base primitives, in program order, deduplicated. */
  readonly calls: readonly CallSite[];
  /**
   * A lock wrapper: the function takes a lock and returns without releasing it (`lock`), or
   * releases one it did not take (`unlock`); `pcpu_schedule_lock()` and friends.
   */
  readonly wrapper?: 'lock' | 'unlock';
  /** The function orders memory itself: a barrier (not an RCU marker) or an atomic of its own. */
  readonly orders: boolean;
  /** Match keys of the locations it accesses with marked accesses (ONCE, acquire/release, RMW). */
  readonly marked: readonly string[];
  /**
   * It reaches a primitive that must not run under a lock or with interrupts off (softirqs,
   * sleeping calls) while holding one or with interrupts off: what lock-context looks at.
   */
  readonly risky?: boolean;
  /** Events of its thread, callees inlined: the work a file's analysis starts from. */
  readonly events?: number;
  /** Parameters (by position) the body never assigns: what a caller passes stays what they are. */
  readonly fixedParams?: readonly number[];
  /** Keys of locks it takes (or asserts held) in read mode: holding one excludes no reader. */
  readonly readLocks?: readonly string[];
  /** Keys of the locks it asserts its caller holds (`ASSERT(spin_is_locked(&d->lock))`, extract/lock-asserts.ts). */
  readonly asserts?: readonly string[];
  /** Keys of the locks it takes or releases itself, callees in view inlined. */
  readonly locks?: readonly string[];
  /** The locks it takes, each once per mode and locks dropped before it (model.ts locksTaken). */
  readonly takes?: readonly TakenLock[];
  /** For each of those keys, the primitives (lock wrappers) that take or release it there. */
  readonly lockedBy?: Readonly<Record<string, readonly string[]>>;
  /** The calls whose result it returns, when every return is one of them or NULL (an allocator's wrapper, maybe). */
  readonly returnsFrom?: readonly string[];
  /** Parameters (by position) whose object it stores where others find it or hands to a publishing call (construction.ts). */
  readonly publishes?: readonly number[];
  /** [p, q]: it stores parameter p's object into what parameter q points to. */
  readonly storesInto?: ReadonlyArray<readonly [number, number]>;
  /** Calls handed a parameter's or a new local's object itself, in program order (BuiltArg.handed ranges into it). */
  readonly handings?: readonly Handed[];
  /** Keys of shared locations it updates with an atomic read-modify-write of its own (updates.ts). */
  readonly atomicUpdates?: readonly string[];
  /** Keys of shared locations it updates with a separate load and store, on some architecture (updates.ts). */
  readonly splitUpdates?: readonly string[];
  /**
   * Match keys of shared locations it tests with no lock and then acts on under a lock it takes
   * on the test's outcome (unlocked-tests.ts): their writers are what check-outside-lock asks.
   */
  readonly unlockedTests?: readonly string[];
}

/**
 * Written in the function itself, or by a knowledge-base primitive it calls directly: also
 * what that primitive is known to do through the primitives the knowledge base says it calls
 * (`vcpu_pause()` → `vcpu_sleep_sync()` → `sync_vcpu_execstate()`'s smp_mb()), every frame a
 * knowledge-base one. A callee with a body in view speaks for its own code, not the caller's.
 */
export function ownOrKb(e: Event): boolean {
  return !e.via?.length || e.via.every((v) => v.resolution === 'kb');
}

/** `v->field`, `v->arch.regs[2]`: a member of what the variable points to, no further pointer. */
const MEMBER_OF = /^([A-Za-z_]\w*)->\w+(?:\.\w+|\[[^\]]*\])*$/;

/**
 * The parameter (one of `params`, by position) whose pointee's own member the event touches,
 * written in the function itself or by a knowledge-base primitive it calls (a callee's names
 * are its own); undefined for anything else, a pointer member's pointee included.
 */
export function paramMember(t: Thread, e: Event, params: ReadonlySet<number>): string | undefined {
  if (params.size === 0 || !('loc' in e) || !ownOrKb(e)) return undefined;
  const root = MEMBER_OF.exec(e.loc.text.replace(/\s+/g, ''))?.[1];
  return root !== undefined && [...params].some((i) => t.params[i]?.name === root) ? root : undefined;
}

/** READ_ONCE/WRITE_ONCE, acquire/release, or an atomic RMW. */
export function isMarked(e: Event | undefined): boolean {
  return !!e && (e.kind === 'RMW' || ((e.kind === 'R' || e.kind === 'W') && e.annot !== 'plain'));
}

/** Fences that order memory between CPUs (not compiler barriers, not RCU section markers). */
export const ORDERING_FENCES: ReadonlySet<string> = new Set(['mb', 'rmb', 'wmb', 'before-atomic', 'after-atomic', 'after-spinlock', 'after-unlock-lock', 'sync-rcu']);
/** Those that also order a store before a later load. */
export const FULL_FENCES: ReadonlySet<string> = new Set(['mb', 'before-atomic', 'after-atomic', 'after-spinlock', 'after-unlock-lock', 'sync-rcu']);

/** A barrier or a fully ordered atomic. */
export function ordersMemory(e: Event, full = false): boolean {
  return (e.kind === 'F' && (full ? FULL_FENCES : ORDERING_FENCES).has(e.fence)) || (e.kind === 'RMW' && e.annot === 'mb');
}

/** Section attributes of code that runs only while the system boots, before other CPUs run it. */
const BOOT_ATTRS = /\b(?:__init|__initcall|__boot|__cpuinit|__init_or_module|__head)\b/;

/** The text of a function's header: from its first line up to the opening brace. */
function headerText(t: Thread, lines: readonly string[]): string {
  const out: string[] = [];
  for (let l = t.span.line - 1; l < Math.min(lines.length, t.span.line + 8); l++) {
    const line = lines[l]!;
    const brace = line.indexOf('{');
    out.push(brace >= 0 ? line.slice(0, brace) : line);
    if (brace >= 0) break;
  }
  return out.join(' ');
}

/** The body of a function, without comments (empty when its text is not given). */
function bodyText(t: Thread, lines: readonly string[]): string {
  return lines.slice(t.span.line - 1, t.span.endLine).join('\n').replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ');
}

/** Assignments to a name (`v = ...`, not `v == ...`, not `x->v = ...`), counted. */
export function assignments(body: string, name: string): number {
  // Each whole-word occurrence, then what stands around it (one regex with a look-behind at
  // every offset cost a twentieth of the index's time). `consumed`: where the last assignment
  // counted ends, as the pattern's matches never overlap (`o-- - o` is one).
  let n = 0;
  let consumed = 0;
  for (const at of wordsAt(body, name)) {
    let before = at - 1;
    while (before >= 0 && /\s/.test(body[before]!)) before--;
    const op = before >= 1 ? body.slice(before - 1, before + 1) : '';
    if ((op === '++' || op === '--') && before - 1 >= consumed) {
      n++;
      consumed = at + name.length;
      continue;
    }
    // Not a member (`x->v`, `x.v`) nor the second word of a declaration.
    if (before >= 0 && /[\w.>]/.test(body[before]!)) continue;
    ASSIGNED_AFTER.lastIndex = at + name.length;
    if (ASSIGNED_AFTER.test(body)) {
      n++;
      consumed = ASSIGNED_AFTER.lastIndex;
    }
  }
  return n;
}

/** What follows a name it assigns: `=` (not `==`), a compound assignment, `++` or `--`. */
const ASSIGNED_AFTER = /\s*(?:(?:[-+*/%&|^]|<<|>>)?=(?!=)|\+\+|--)/y;

/**
 * Locals set to `current` (Xen's and Linux's running vCPU or task, a knowledge-base fact:
 * xen/arch/x86/include/asm/current.h, xen/arch/arm/include/asm/current.h) once and never again.
 */
function runningLocals(body: string): Set<string> {
  const out = new Set<string>();
  // Most bodies never name `current`: the pattern would be tried at every offset for nothing.
  if (!body.includes('current')) return out;
  for (const m of body.matchAll(/\b([A-Za-z_]\w*)\s*=\s*current\s*[;,]/g)) if (assignments(body, m[1]!) === 1) out.add(m[1]!);
  return out;
}

/** Parameters the body never assigns (nor takes the address of, which would let a callee). */
function fixedParams(t: Thread, body: string): number[] {
  if (body === '') return [];
  // `&p` (not `&p->x`): the whole word after `&`, read once for all parameters.
  const addressed = new Set<string>();
  for (const m of body.matchAll(/&\s*(\w+)\b(?!\s*->)/g)) addressed.add(m[1]!);
  return t.params.flatMap((p, i) => (p.name && assignments(body, p.name) === 0 && !addressed.has(p.name) ? [i] : []));
}

/** `&x`, `&x[i]`, `&x.f`, or an array `x` itself, where `x` is an object on the caller's stack. */
function stackAddress(arg: string, onStack: ReadonlyMap<string, { readonly array: boolean }>): boolean {
  const addr = /^&\(?([A-Za-z_]\w*)(?:\.\w+|\[[^\]]*\])*\)?$/.exec(arg);
  if (addr) return onStack.has(addr[1]!);
  return onStack.get(arg)?.array ?? false;
}

/** What a function does to order memory itself, each field as functionFacts() gives it. */
type OrderingFacts = Pick<FunctionFacts, 'orders' | 'marked' | 'splitUpdates' | 'unlockedTests'>;

function orderingFacts(t: Thread): OrderingFacts {
  const mine = t.events.filter(ownOrKb);
  const split = splitUpdated(t);
  const tested = [...new Set(unlockedTests(t).flatMap((u) => matchKeys(u.test.loc)))].sort();
  return {
    orders: mine.some((e) => ordersMemory(e)),
    marked: [...new Set(mine.flatMap((e) => (isMarked(e) && 'loc' in e ? matchKeys(e.loc) : [])))].sort(),
    ...(split.length ? { splitUpdates: split } : {}),
    ...(tested.length ? { unlockedTests: tested } : {}),
  };
}

/**
 * A hypercall runs the function its first argument names on this CPU: on VHE directly, on nVHE
 * through its handler (kb/kvm.ts HYP_CALLS). Those two, or none for another call.
 */
function hypCallees(callee: string, firstArg: string | undefined): string[] {
  const hyp = HYP_CALLS.has(callee) ? /^[A-Za-z_]\w*$/.exec(firstArg?.replace(/\s+/g, '') ?? '')?.[0] : undefined;
  return hyp ? [hyp, hypHandler(hyp)] : [];
}

/**
 * What whole-tree mode asks of a document's own functions to choose its peers (relevant.ts),
 * each field as functionFacts() gives it: the rest of the facts (construction, lock summaries,
 * parameters) need the file's text and cost most of the time.
 */
export type PairingFacts = Pick<FunctionFacts, 'name'> & OrderingFacts & { readonly callees: ReadonlySet<string> };

export function pairingFacts(t: Thread): PairingFacts {
  const callees = new Set<string>();
  for (const e of t.events) {
    if (e.via?.length || e.kind !== 'CALL' || e.resolution === 'kb') continue;
    callees.add(e.callee);
    for (const h of hypCallees(e.callee, e.args[0])) callees.add(h);
  }
  return { name: t.name, callees, ...orderingFacts(t) };
}

export function functionFacts(t: Thread, lines: readonly string[]): FunctionFacts {
  const seen = new Set<string>();
  const calls: CallSite[] = [];
  const locked = new Set<string>();
  const unlocked = new Set<string>();
  const body = bodyText(t, lines);
  const running = body === '' ? new Set<string>() : runningLocals(body);
  const params = new Map(t.params.map((p, i) => [p.name, i] as const));
  const onStack = body === '' ? new Map<string, { readonly array: boolean }>() : stackObjects(body);
  const drops = callerDrops(t);
  const construction = body === '' ? undefined : constructionFacts(t, blankNonCode(lines.slice(t.span.line - 1, t.span.endLine).join('\n')), t.span.line);
  for (const e of t.events) {
    // Only the function's own events: a callee's inlined body speaks for the callee.
    if (e.via?.length) continue;
    if (e.kind === 'CALL' && e.resolution !== 'kb') {
      const args = e.args.map((a) => a.replace(/\s+/g, ''));
      const self = args.flatMap((a, i) => (a === 'current' || running.has(a) ? [i] : []));
      const passes = args.flatMap((a, i) => (params.has(a) ? [[i, params.get(a)!] as const] : []));
      const stack = args.flatMap((a, i) => (stackAddress(a, onStack) ? [i] : []));
      const always = e.guards.length === 0;
      const built = construction?.built.get(e.id) ?? [];
      const dropped = droppedBefore(e, drops);
      const phase = eventPhase(t, e);
      const key = `${e.callee}|${e.held.join(',')}|${self.join(',')}|${passes.join(';')}|${stack.join(',')}|${always}|${JSON.stringify(built)}|${dropped.join(',')}|${phase ?? ''}`;
      if (!seen.has(key)) {
        seen.add(key);
        calls.push({
          callee: e.callee, held: [...e.held], ...(self.length ? { running: self } : {}), ...(passes.length ? { passes } : {}),
          ...(stack.length ? { stack } : {}), ...(always ? { always } : {}), ...(built.length ? { built } : {}), ...(dropped.length ? { dropped } : {}), ...(phase ? { phase } : {}),
        });
      }
      for (const callee of hypCallees(e.callee, args[0])) {
        const key = `${callee}|${e.held.join(',')}|hyp`;
        if (!seen.has(key)) { seen.add(key); calls.push({ callee, held: [...e.held], ...(always ? { always } : {}) }); }
      }
    } else if (e.kind === 'LOCK') locked.add(e.lock.key);
    else if (e.kind === 'UNLOCK') unlocked.add(e.lock.key);
  }
  // Per lock: taken and never released here, or released and never taken (paths aside).
  const takesOnly = [...locked].some((k) => !unlocked.has(k));
  const releasesOnly = [...unlocked].some((k) => !locked.has(k));
  const wrapper = takesOnly && !releasesOnly ? 'lock' : releasesOnly && !takesOnly ? 'unlock' : undefined;
  const { orders, marked, splitUpdates: split = [], unlockedTests: tested = [] } = orderingFacts(t);
  const risky = t.events.some((e) => e.kind === 'CALL' && (e.held.length > 0 || e.irqsOff)
    && e.tags.some((g) => g === 'sleeps' || g === 'softirq' || g === 'must-not-hold-lock'));
  const fixed = fixedParams(t, body);
  const header = headerText(t, lines);
  const readLocks = [...new Set([
    ...t.events.flatMap((e) => (e.kind === 'LOCK' && e.mode === 'read' ? [e.lock.key] : [])),
    ...(t.callerHolds ?? []).filter((h) => h.mode === 'read').map((h) => h.lock.key),
  ])].sort();
  const asserts = [...new Set((t.callerHolds ?? []).map((h) => h.lock.key))].sort();
  const atomic = atomicallyUpdated(t);
  // Each lock key with the primitives that take or release it, in one pass over the events.
  const primsOf = new Map<string, Set<string>>();
  for (const e of t.events) if (e.kind === 'LOCK' || e.kind === 'UNLOCK') (primsOf.get(e.lock.key) ?? primsOf.set(e.lock.key, new Set()).get(e.lock.key)!).add(e.prim ?? '');
  const locks = [...primsOf.keys()].sort();
  const takes = takenLocks(t, drops);
  const lockedBy = Object.fromEntries(locks.map((k) => [k, [...primsOf.get(k)!].sort()]));
  return {
    name: t.name, init: BOOT_ATTRS.test(header), ...(/\bstatic\b/.test(header) ? { static: true as const } : {}), calls, ...(wrapper ? { wrapper } : {}), orders, marked,
    ...(risky ? { risky } : {}), events: t.events.length, ...(fixed.length ? { fixedParams: fixed } : {}),
    ...(readLocks.length ? { readLocks } : {}), ...(asserts.length ? { asserts } : {}), ...(locks.length ? { locks, lockedBy } : {}), ...(takes.length ? { takes } : {}),
    ...(construction?.returnsFrom ? { returnsFrom: construction.returnsFrom } : {}),
    ...(construction?.publishes.length ? { publishes: construction.publishes } : {}),
    ...(construction?.storesInto.length ? { storesInto: construction.storesInto } : {}),
    ...(construction?.handings.length ? { handings: construction.handings } : {}),
    ...(atomic.length ? { atomicUpdates: atomic } : {}), ...(split.length ? { splitUpdates: split } : {}),
    ...(tested.length ? { unlockedTests: tested } : {}),
  };
}

/** The locks `t` takes, with the locks held on entry it released first. */
function takenLocks(t: Thread, drops: readonly Drop[]): TakenLock[] {
  const out = new Map<string, TakenLock>();
  const standIn = standInLocks(t);
  for (const e of t.events) {
    if (e.kind !== 'LOCK' || standIn(e)) continue;
    const dropped = droppedBefore(e, drops);
    const mode = e.mode === 'read' || e.mode === 'try' ? e.mode : undefined;
    const phase = eventPhase(t, e);
    const taken: TakenLock = { key: e.lock.key, ...(mode ? { mode } : {}), ...(dropped.length ? { dropped } : {}), ...(phase ? { phase } : {}) };
    out.set(`${taken.key}|${mode ?? ''}|${dropped.join(',')}|${phase ?? ''}`, taken);
  }
  return [...out.values()];
}

/**
 * Names a file uses as values rather than calling them (`.fn = foo,`, `register(foo)`,
 * `&foo`): such a function has callers the call graph cannot see.
 */
export function addressTaken(text: string): string[] {
  // A name an object-like macro stands for another is that other one (`#define fault fault_xen`).
  const renamed = /#\s*define/.test(text) ? objectRenames(text) : new Map<string, string>();
  return [...new Set([...valueUses(text).keys()].map((n) => renamed.get(n) ?? n))].sort();
}

/** A file's object-like macros that stand for another name (`#define a_fault a_fault_xen`). */
export function objectRenames(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of directives(text, /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)[ \t]+([A-Za-z_]\w*)[ \t]*$/my)) if (m[1] !== m[2]) out.set(m[1]!, m[2]!);
  return out;
}

/**
 * The matches of `directive` (sticky and multiline, `^[ \t]*#...`), left to right as its
 * global form finds them: tried only at the lines whose first non-blank is `#`, where the
 * global form was tried at every offset of the file.
 */
export function* directives(text: string, directive: RegExp): Generator<RegExpExecArray> {
  let last = 0;
  for (let hash = text.indexOf('#'); hash >= 0; hash = text.indexOf('#', hash + 1)) {
    let line = hash;
    while (line > 0 && (text[line - 1] === ' ' || text[line - 1] === '\t')) line--;
    if (line < last || (line > 0 && !LINE_END.test(text[line - 1]!))) continue;
    directive.lastIndex = line;
    const m = directive.exec(text);
    if (!m) continue;
    last = directive.lastIndex;
    yield m;
  }
}

/** What ends a line for a multiline `^`. */
const LINE_END = /[\n\r\u2028\u2029]/;

const HYP_NAMED = new RegExp(String.raw`\b(?:${[...HYP_CALLS, HYP_HANDLER_TABLE].join('|')})\s*\(\s*([A-Za-z_]\w*)`, 'g');

/** How many times the text uses each name as a value (see addressTaken). */
export function valueUses(text: string): Map<string, number> {
  const out = new Map<string, number>();
  // Comments, strings and `#if 0` bodies take no address (an ops table kept under `#if 0`).
  // The function a hypercall names is called, not taken (kb/kvm.ts HYP_CALLS, HYP_HANDLER_TABLE).
  const code = blankDisabled(blankNonCode(text)).replace(HYP_NAMED, (m, name: string) => m.slice(0, m.length - name.length) + ' '.repeat(name.length));
  const re = /(?:[=,(?:]|\breturn)\s*&?\s*([A-Za-z_]\w*)\s*(?=[,;)}])/g;
  for (let m = re.exec(code); m; m = re.exec(code)) out.set(m[1]!, (out.get(m[1]!) ?? 0) + 1);
  return out;
}

export { lockWrappers } from './lock-wrappers';
