// non-atomic-rmw: a read-modify-write done as a separate load and store (`__set_bit()`,
// `__clear_bit()`, `x |= m`, `x &= ~m`, `x++`) of a location that other code updates with atomic
// read-modify-writes (`set_bit()`, `clear_bit()`, `test_and_*_bit()`, `atomic_*()`, `cmpxchg()`),
// where the concurrency model says the two may run at the same time.
//
// The split store writes back the whole word as its load found it, so an atomic update another
// CPU makes in between is lost, whatever bit either touches (Xen's e0d92d9bd7: credit2 set
// `_VPF_migrating` with `__set_bit()` under its runqueue lock while vcpu_block() sets
// `_VPF_blocked` with `set_bit()` under no lock; a lost `_VPF_blocked` leaves a vCPU running
// that asked to block, a lost clear leaves it paused for ever). The atomic updaters are the
// evidence that the word is meant to be updated without a lock: a word only ever updated with
// plain operations is protected some other way, or is not a question for this check.
//
// Whole-tree mode only: "can these two run at the same time" is the tree's concurrency model's
// answer (engine/concurrency/rule-out.ts updatesApart: boot-only code, exclusive callers, a
// common lock, per-CPU data, stacks, objects under construction, the running vCPU). Where the
// knowledge base says the primitive is split only on some architectures (Xen's `__set_bit()`
// aliases `set_bit()` on Arm), the finding names them and applies only where the file is built
// for one of them.
import type { Event, Thread } from '../extract/types';
import { atomicByPractice, isAtomicUpdate, splitUpdates, type SplitUpdate } from '../concurrency/updates';
import { namesAnObject, type End } from '../concurrency/rule-out';
import { splitUpdateOn, type SplitOn } from '../kb/atomicity';
import type { ModelName } from '../models/model';
import type { CheckContext } from './context';
import { code } from './explain';
import type { Finding, Related } from './types';

type Rmw = Extract<Event, { kind: 'RMW' }>;
/** An atomic update and its function. */
interface Atomic extends End { readonly e: Rmw }

/** Atomic updaters named beside a finding (the first ones met, in a deterministic order). */
const MAX_RELATED = 3;

export function nonAtomicRmw(ctx: CheckContext): Finding[] {
  const apart = ctx.updatesApart;
  if (!apart) return [];
  const updaters = atomicUpdaters(ctx.all);
  const out: Finding[] = [];
  for (const t of subjects(ctx)) {
    const on = splitArches(ctx.targetsOf?.(t) ?? []);
    const reported = new Set<string>();
    // Where a primitive is split is the thread's own code base's word (Xen's `__set_bit()` is
    // split on x86 only, Linux's everywhere).
    const splitOn = (name: string): SplitOn | undefined => { const p = ctx.sources.primitive(t, name); return p && splitUpdateOn(p); };
    for (const u of splitUpdates(t, splitOn)) {
      const key = u.write.loc.key;
      const arches = where(u.on, on);
      if (reported.has(key) || arches === undefined || !knownObject(u.write) || !(ctx.updatersOf === undefined || atomicByPractice(ctx.updatersOf(key)))) continue;
      const racing = (updaters.get(key) ?? []).filter((y) => !apart({ t, e: u.write }, y));
      if (racing.length === 0) continue;
      reported.add(key);
      out.push(finding(ctx, { t, u, racing, arches }));
    }
  }
  return out;
}

/**
 * The document's functions, and the headers' functions they call: a header is never checked on
 * its own, so its inline functions are judged (in their own calling contexts, as the tree's
 * model has them) with each source file that calls them; the tree report keeps one finding.
 */
function subjects(ctx: CheckContext): Thread[] {
  const mine = ctx.document.filter((t) => t.side !== 'pre');
  const called = new Set(mine.flatMap((t) => t.events.flatMap((e) => (e.kind === 'CALL' && !e.via?.length ? [e.callee] : []))));
  const headers = ctx.all.filter((t) => t.file?.endsWith('.h') && called.has(t.name) && !ctx.isDocument(t));
  return [...mine, ...headers];
}

/** Every atomic update of a shared location in view, by location key (own or a primitive's). */
function atomicUpdaters(threads: readonly Thread[]): Map<string, Atomic[]> {
  const out = new Map<string, Atomic[]>();
  for (const t of threads) {
    if (t.side === 'pre') continue;
    for (const e of t.events) {
      if (!isAtomicUpdate(e) || e.loc.cpuLocal || e.via?.some((v) => v.resolution !== 'kb')) continue;
      (out.get(e.loc.key) ?? out.set(e.loc.key, []).get(e.loc.key)!).push({ t, e });
    }
  }
  return out;
}

/**
 * A member of a known struct type or a global: a path rooted at a variable of unknown type
 * (`p->flags` with `p` untyped) names different memory in different functions, and so does
 * what a pointer of a scalar type points to (`*bitmap`, `*intpte_t`: whatever the caller
 * passes; `namesAnObject` knows the C scalar types, a typedef is told by not being a struct).
 */
function knownObject(e: Extract<Event, { kind: 'W' | 'RMW' }>): boolean {
  const { loc } = e;
  if (!namesAnObject(loc.key)) return false;
  if (loc.rootType === undefined) return !/->|\./.test(loc.key);
  return !(loc.text.startsWith('*') && !/^(?:const )?(?:struct|union) /.test(loc.rootType));
}


/** The knowledge-base architectures a function's target models stand for. */
function splitArches(models: readonly ModelName[]): Set<string> {
  return new Set(models.flatMap((m) => (m === 'x86-tso' ? ['x86'] : m === 'armv8' ? ['arm64', 'arm32'] : [])));
}

/** Where the update is split among the function's targets: every one (''), the names, or nowhere. */
function where(on: SplitOn, targets: ReadonlySet<string>): string | undefined {
  if (on === 'all') return '';
  const hit = on.filter((a) => targets.has(a));
  return hit.length > 0 ? hit.join(', ') : undefined;
}

function finding(ctx: CheckContext, a: { t: Thread; u: SplitUpdate; racing: readonly Atomic[]; arches: string }): Finding {
  const { t, u, racing, arches } = a;
  const loc = u.write.loc.text;
  const first = racing[0]!;
  const on = arches ? ` on ${arches}` : '';
  const others = racing.length > 1 ? ` (and ${racing.length - 1} other atomic update${racing.length > 2 ? 's' : ''})` : '';
  const related: Related[] = racing.slice(0, MAX_RELATED).map((y) => ({
    place: ctx.place(y.t, y.e), message: `${y.t.name}() updates \`${y.e.loc.text}\` atomically with ${primOf(y.e)}, and can run at the same time`,
  }));
  return {
    id: `non-atomic-rmw:${t.name}:${u.write.id}`, code: 'non-atomic-rmw', severity: 'warning', place: ctx.place(t, u.write.stmt),
    message: `${code(u.write, loc)} updates \`${loc}\` with a separate load and store${on}, while ${first.t.name}() updates it atomically with ${primOf(first.e)}${others} and can run at the same time: one of the updates can be lost.`,
    explanation: [
      `${code(u.write, loc)} reads \`${loc}\`, changes it and writes the whole word back${on}; it is not one atomic instruction.`,
      `${first.t.name}() updates the same word with ${primOf(first.e)}, an atomic read-modify-write, which says the word is updated without a common lock.`,
      'The concurrency model finds nothing that keeps the two apart (no lock held at both, not boot-only code, not per-CPU data, not an object under construction).',
      `If ${first.t.name}()'s update lands between this load and store, the store writes back the old word and that update is lost, whichever bit each changes.`,
      `Use the atomic form (\`set_bit()\`, \`clear_bit()\`, an \`atomic_*()\` operation) here, or take the lock every updater of \`${loc}\` holds.`,
    ].join(' '),
    related, models: [], fixes: [],
  };
}

function primOf(e: Event): string {
  return e.prim ? `\`${e.prim}()\`` : code(e, '');
}
