// Lock-order edges of a function: "lock B is taken while lock A is held", one per pair, each
// at the statement that takes B. Three sources of acquisitions:
// - the LOCK events extraction made (spin_lock(), a callee whose body was inlined);
// - calls the lock facts describe (engine/kb/lock-facts.ts): get_gfn() takes the host p2m lock
//   and keeps it until put_gfn(), hvm_gsi_assert() takes and drops the HVM IRQ lock;
// - calls to a function in view that extraction left opaque, or that a fact says may happen
//   (put_page() may reach free_domheap_pages()): every lock that function takes, transitively.
// Locks from facts are tracked along the events by their guards: a lock counts as held at a
// later event only when every branch that took it encloses that event too, and no release of
// it can have run on that event's path.
// Not acquisitions: a lock a function asserts its caller holds (the caller's lock, held from
// entry), and the stand-in lock of a knowledge-base function tagged `hidden-lock`
// (irq_set_affinity() takes the GIC driver's own lock on Arm, none on x86; the knowledge base
// models it for its barrier, not for which lock it is).
// A callee is one of the same architecture: code under arch/A/ never calls a definition under
// arch/B/, and common code calls each architecture's definition, one build at a time, so every
// edge records the architecture its path went through (ABBA pairs only edges of one build).
import { archOf, sameBuild } from '../../concurrency/arch';
import type { CallerHeld, Event, Guard, Thread } from '../../extract/types';
import { callerDrops, droppedBefore, guardsContradict, guardsWithin, standInLocks } from '../../extract/query';
import { lockFact, type FactLock, type LockFact } from '../../kb/lock-facts';
import { callerReleases } from './releases';
import type { LockMode, Os } from '../../kb/types';
import type { SummarizedLock } from '../../concurrency/lock-summaries';
import { eventPhase, type DomainPhase } from '../../concurrency/domain-phase';
import { instanceOf, mayBeOne } from './instances';

export interface LockRef {
  /** Type-rooted, as extraction keys locks (`struct domain->event_lock`). */
  readonly key: string;
  /** As written at the acquisition. */
  readonly text: string;
  readonly mode: LockMode;
  /** Taking it again on the owning CPU does not block. */
  readonly recursive: boolean;
  /** Classes in the mm lock hierarchy (lock facts), empty for other locks. */
  readonly classes: readonly string[];
  /** The lock fact behind it, for the explanation. */
  readonly source?: string;
  /** Named by a lock fact at a call (engine/kb/lock-facts.ts), not by a LOCK event. */
  readonly fact?: true;
}

export interface Holding {
  readonly lock: LockRef;
  /** Where this function took it (undefined when the caller holds it). */
  readonly event?: Event;
  /** The assertion saying the caller holds it. */
  readonly byCaller?: CallerHeld;
}

export interface Edge {
  readonly thread: Thread;
  /** The event of `thread` that takes the second lock (the call site for a callee's lock). */
  readonly event: Event;
  readonly held: Holding;
  readonly taken: LockRef;
  /** Callees from the event to the acquisition, outermost first. */
  readonly via: readonly string[];
  /** Every lock held at the event, keys (a lock both sides hold serializes them). */
  readonly holding: readonly string[];
  /** The `arch/` directory of the code the path runs through, if any (common code has none). */
  readonly arch?: string;
  /** The order is taken only while its domain is being built or torn down: its vCPUs do not run. */
  readonly phase?: DomainPhase;
}

/** A lock a function takes somewhere, with the call chain to it (for summaries). */
interface Taken {
  readonly lock: LockRef;
  readonly via: readonly string[];
  /** Where in the function: the event of the function itself. */
  readonly event: Event;
  readonly arch?: string;
  /**
   * Locks held on entry that the function has released on the way to this acquisition
   * (`vgic_queue_irq_unlock()` drops its caller's `irq->irq_lock` before it takes the list
   * lock): the caller's edge from them to this lock is not an order.
   */
  readonly dropped: readonly string[];
  /** Taken only while its domain is being built or torn down (concurrency/domain-phase.ts). */
  readonly phase?: DomainPhase;
}


interface FactHeld {
  readonly holding: Holding;
  readonly guards: readonly Guard[];
  /** Guards of each release that may have run since. */
  readonly releases: (readonly Guard[])[];
}

const MAX_SUMMARY_DEPTH = 4;


/** `&(d)->a.b` → `d->a.b`. */
function lockExpr(text: string): string {
  return text.replace(/\s+/g, '').replace(/^&/, '').replace(/^\((\w+)\)/, '$1');
}

/** The type of a variable of `t`: a parameter's declared type, else what extraction typed its accesses with. */
function rootType(t: Thread, root: string): string | undefined {
  const param = t.params.find((p) => p.name === root);
  if (param) return param.type.replace(/\bconst\b|\*/g, '').replace(/\s+/g, ' ').trim();
  for (const e of t.events) {
    const loc = e.kind === 'LOCK' || e.kind === 'UNLOCK' ? e.lock : 'loc' in e ? e.loc : undefined;
    if (loc?.root === root && loc.rootType) return loc.rootType;
  }
  return undefined;
}

/**
 * The lock a fact names at a call of `t`, keyed like extraction keys locks. `own`: the call is
 * in `t`'s own body, where its argument may show which of several locks it is (instances.ts).
 */
export function factLockRef(t: Thread, fact: FactLock, args: readonly string[], source: string, own = false): LockRef | undefined {
  const arg = args[fact.arg];
  if (arg === undefined) return undefined;
  const base = { mode: fact.mode, recursive: fact.recursive, classes: fact.classes ?? [], source, fact: true as const };
  if (fact.key) return { ...base, key: fact.key, text: (fact.text ?? fact.key).replace(/\$(\d)/g, (_, i: string) => args[Number(i)] ?? '?') };
  const expr = lockExpr(arg);
  const text = fact.path ? `${expr}->${fact.path}` : expr;
  const one = own ? instanceOf(t, fact, arg) : undefined;
  if (one) return { ...base, key: one.key, classes: one.classes, text, source: `${source}; ${expr} is ${one.what}` };
  // The declared parameter type roots the key, whatever expression the caller passes.
  if (fact.argType && fact.path) return { ...base, key: `${fact.argType}->${fact.path}`, text };
  const m = /^(\w+)(.*)$/.exec(expr);
  if (!m) return { ...base, key: `?${text}`, text };
  const [, root, rest] = m;
  const type = fact.argType ?? rootType(t, root!);
  const tail = fact.path ? `${rest}->${fact.path}` : rest!;
  // A global (`heap_lock`) keys as itself; a path under a typed root as `struct x->path`.
  if (!tail) return { ...base, key: root!, text };
  return { ...base, key: type ? `${type}${tail}` : `?${text}`, text };
}

/**
 * The definitions a call may reach, by name: the one in the caller's own file (and image) if
 * there is one; else, among those of the caller's image, the caller's architecture's (or a
 * common one) for code under arch/, and one per architecture for common code.
 */
export function calleesByName(threads: readonly Thread[]): (name: string, from: Thread) => Thread[] {
  const byName = new Map<string, Thread[]>();
  for (const t of threads) byName.set(t.name, [...(byName.get(t.name) ?? []), t]);
  return (name, from) => {
    const list = byName.get(name);
    if (!list) return [];
    const here = list.find((t) => t.file === from.file && t.side === from.side);
    if (here) return [here];
    const image = [list.filter((t) => t.side === from.side), list.filter((t) => t.side === undefined), list].find((l) => l.length > 0)!;
    const arch = archOf(from.file);
    const fits = image.filter((t) => sameBuild(arch, archOf(t.file)));
    if (arch !== undefined) {
      const one = fits.find((t) => archOf(t.file) === arch) ?? fits[0];
      return one ? [one] : [];
    }
    const perArch = new Map<string | undefined, Thread>();
    for (const t of fits) if (!perArch.has(archOf(t.file))) perArch.set(archOf(t.file), t);
    return [...perArch.values()];
  };
}

export interface EdgeView {
  readonly os: (t: Thread) => Os;
  /**
   * The functions of this name in view that a call from `from` may reach, for summaries (same
   * image as the caller; one per architecture it can be built for).
   */
  readonly body: (name: string, from: Thread) => readonly Thread[];
  /**
   * Whole-tree mode: what a call takes when no definition of the callee is in view, from the
   * tree's lock summaries (engine/concurrency/lock-summaries.ts).
   */
  readonly summary?: (name: string, from: Thread) => readonly SummarizedLock[];
}

/** What a walk reads of a thread whatever else is in view (see lockEvents). */
interface ThreadView {
  /** Its releases of a lock it did not take (its caller's), as the index's facts read them. */
  readonly drops: ReturnType<typeof callerDrops>;
  /** lockEvents per OS. */
  readonly events: Map<Os, ReadonlyArray<{ readonly e: Event; readonly via: readonly string[] }>>;
}

/**
 * Kept with the thread: whole-tree mode walks each peer thread again for every document it
 * pairs with (the walk's results depend on what else is in view; this part does not).
 */
const threadViews = new WeakMap<Thread, ThreadView>();

function threadView(t: Thread): ThreadView {
  let v = threadViews.get(t);
  if (!v) threadViews.set(t, (v = { drops: callerDrops(t), events: new Map() }));
  return v;
}

/**
 * The events a walk acts on, with the callees each comes through: acquisitions and calls, but
 * those inside an inlined body a lock fact describes (what a fact describes is its own
 * business) and the stand-in locks of knowledge-base functions. Most of a thread's events (its
 * accesses) are none of these.
 */
function lockEvents(t: Thread, os: Os): ReadonlyArray<{ readonly e: Event; readonly via: readonly string[] }> {
  const byOs = threadView(t).events;
  let out = byOs.get(os);
  if (!out) {
    const standIn = standInLocks(t);
    const factNames = (e: Event): boolean => (e.via ?? []).some((v) => lockFact(v.callee, os) !== undefined);
    out = t.events.filter((e) => (e.kind === 'LOCK' || e.kind === 'CALL') && !factNames(e) && !standIn(e)).map((e) => ({ e, via: (e.via ?? []).map((v) => v.callee) }));
    byOs.set(os, out);
  }
  return out;
}

/** Lock-order edges and acquisitions of every function, memoized per thread. */
export class LockEdges {
  private readonly edgesOf = new Map<Thread, Edge[]>();
  private readonly takenOf = new Map<Thread, Taken[]>();
  private readonly busy = new Set<Thread>();

  constructor(private readonly view: EdgeView) {}

  edges(t: Thread): readonly Edge[] {
    this.walk(t, 0);
    return this.edgesOf.get(t) ?? [];
  }

  /** Every lock `t` takes, directly or through what it calls. */
  private taken(t: Thread, depth: number): readonly Taken[] {
    this.walk(t, depth);
    return this.takenOf.get(t) ?? [];
  }

  private walk(t: Thread, depth: number): void {
    if (this.edgesOf.has(t) || this.busy.has(t)) return;
    this.busy.add(t);
    const edges: Edge[] = [];
    const taken: Taken[] = [];
    const os = this.view.os(t);
    const own = archOf(t.file);
    const lockAt = new Map<string, Holding>();
    for (const h of t.callerHolds ?? []) lockAt.set(h.lock.key, { lock: { key: h.lock.key, text: h.lock.text, mode: h.mode, recursive: false, classes: [] }, byCaller: h });
    const facts: FactHeld[] = [];
    // Locks a callee of another file released for this function (releases.ts), until retaken.
    const released: { key: string; at: Event; retaken: Event[] }[] = [];
    const gone = (k: string, e: Event): boolean => released.some((r) => r.key === k && r.at.id < e.id && guardsWithin(r.at.guards, e.guards)
      && !r.retaken.some((x) => x.id < e.id && guardsWithin(x.guards, e.guards)));
    const heldAt = (e: Event): Holding[] => [
      ...e.held.flatMap((k) => (gone(k, e) ? [] : lockAt.get(k) ?? [])),
      ...facts.filter((f) => guardsWithin(f.guards, e.guards) && f.releases.every((r) => guardsContradict(r, e.guards))).map((f) => f.holding),
    ];
    // One entry per lock, path and build: a caller's summary repeats nothing.
    const seen = new Set<string>();
    const { drops } = threadView(t);
    const droppedAt = (e: Event, more: readonly string[]): string[] => [...new Set([...more, ...droppedBefore(e, drops)])];
    // A call's summary brings every lock its callees take, all acquired at that one event: the
    // event's phase and what is held there (nothing changes until the next event) are read
    // once per event, not once per lock.
    const phases = new Map<Event, DomainPhase | undefined>();
    const phaseOf = (e: Event): DomainPhase | undefined => (phases.has(e) ? phases.get(e) : phases.set(e, eventPhase(t, e)).get(e));
    const withKeys = (held: Holding[]): { held: Holding[]; holding: string[] } => ({ held, holding: [...new Set(held.map((h) => h.lock.key))] });
    let heldEvent: Event | undefined;
    let heldHere: Holding[] = [];
    let undropped: { held: Holding[]; holding: string[] } | undefined;
    const heldBy = (e: Event, dropped: readonly string[]): { held: Holding[]; holding: string[] } => {
      if (heldEvent !== e) { heldEvent = e; heldHere = heldAt(e); undropped = undefined; }
      // A lock the callee released before this acquisition is not held at it.
      return dropped.length === 0 ? (undropped ??= withKeys(heldHere)) : withKeys(heldHere.filter((h) => !dropped.includes(h.lock.key)));
    };
    const take = (e: Event, lock: LockRef, via: readonly string[], arch = own, dropped: readonly string[] = [], below?: DomainPhase): void => {
      const phase = phaseOf(e) ?? below;
      const id = `${lock.key}\0${lock.text}\0${lock.mode}\0${arch ?? ''}\0${via.join('\0')}\0${dropped.join('\0')}\0${phase ?? ''}`;
      if (!seen.has(id)) {
        seen.add(id);
        taken.push({ lock, via, event: e, ...(arch ? { arch } : {}), dropped: droppedAt(e, dropped), ...(phase ? { phase } : {}) });
      }
      if (lock.mode === 'try') return; // a trylock fails instead of waiting
      const { held, holding } = heldBy(e, dropped);
      // Taking a recursive lock this CPU already holds (or may: a p2m lock of any table while
      // it holds the host's) neither waits nor orders anything.
      if (lock.recursive && holding.some((k) => mayBeOne(k, lock.key))) return;
      for (const h of held) {
        const during = phase ?? (h.event ? phaseOf(h.event) : undefined);
        edges.push({ thread: t, event: e, held: h, taken: lock, via, holding, ...(arch ? { arch } : {}), ...(during ? { phase: during } : {}) });
      }
    };
    const summarize = (e: Event, callees: readonly Thread[], via: readonly string[]): void => {
      if (depth >= MAX_SUMMARY_DEPTH) return;
      for (const callee of callees) {
        if (callee === t) continue;
        // A path of one build only: Arm code never reaches x86's definitions through common code.
        for (const x of this.taken(callee, depth + 1)) if (sameBuild(own, x.arch)) take(e, x.lock, [...via, callee.name, ...x.via], x.arch ?? own, x.dropped, x.phase);
      }
    };
    // A callee of another file the check does not read: what the tree's summaries say it takes.
    const fromTree = (e: Event, callee: string, via: readonly string[]): void => {
      for (const x of this.view.summary?.(callee, t) ?? []) {
        if (!sameBuild(own, x.arch)) continue;
        const lock: LockRef = { key: x.key, text: x.key, mode: x.mode ?? 'spin', recursive: false, classes: [] };
        take(e, lock, [...via, ...x.via], x.arch ?? own, x.dropped, x.phase);
      }
    };
    for (const { e, via } of lockEvents(t, os)) {
      if (e.kind === 'LOCK') {
        const lock: LockRef = { key: e.lock.key, text: e.lock.text, mode: e.mode, recursive: false, classes: [] };
        take(e, lock, via);
        for (const r of released) if (r.key === e.lock.key) r.retaken.push(e);
        if (!lockAt.has(e.lock.key) || lockAt.get(e.lock.key)!.byCaller) lockAt.set(e.lock.key, { lock, event: e });
        continue;
      }
      if (e.kind !== 'CALL') continue; // (never: lockEvents keeps acquisitions and calls)
      const fact: LockFact | undefined = lockFact(e.callee, os);
      if (fact?.effect === 'calls') {
        summarize(e, this.view.body(fact.callee, t), [...via, e.callee]);
        continue;
      }
      if (fact) {
        const lock = factLockRef(t, fact.lock, e.args, fact.source, !e.via?.length);
        if (!lock) continue;
        if (fact.effect === 'release') {
          const open = [...facts].reverse().find((f) => mayBeOne(f.holding.lock.key, lock.key) && guardsWithin(f.guards, e.guards) && f.releases.every((r) => guardsContradict(r, e.guards)))
            ?? [...facts].reverse().find((f) => mayBeOne(f.holding.lock.key, lock.key));
          open?.releases.push(e.guards);
          continue;
        }
        // A lock primitive is not a step of the path; an API that takes a lock inside is.
        take(e, lock, fact.lock.path || fact.lock.key ? [...via, e.callee] : via);
        if (fact.effect === 'acquire') facts.push({ holding: { lock, event: e }, guards: e.guards, releases: [] });
        continue;
      }
      if (e.resolution !== 'opaque') continue;
      const callees = this.view.body(e.callee, t);
      summarize(e, callees, via);
      if (callees.length === 0 && depth < MAX_SUMMARY_DEPTH) fromTree(e, e.callee, via);
      // Released by the callee, whichever definition runs.
      for (const k of new Set(e.held)) if (callees.length > 0 && callees.every((c) => callerReleases(c).includes(k))) released.push({ key: k, at: e, retaken: [] });
    }
    this.busy.delete(t);
    this.edgesOf.set(t, edges);
    this.takenOf.set(t, taken);
  }
}
