// ordering-regression / ordering-fix: what a patch changes, judged on both images.
//
// A patch is reviewed for what it changes. Every scenario of a function the patch touches is
// judged on the pre-image and, with the same peer and the same two accesses, on the
// post-image. A bad outcome that was forbidden before and is allowed after, under some target,
// is a regression: the patch removed, weakened or moved the ordering that forbade it. This
// holds whatever the lockless-intent rule says about the new code: the ordering the patch
// takes away is the evidence. The finding sits on the patch line that causes it (the `-` line
// of a removed barrier or of a weakened access), with both images' verdicts. The other
// direction is a note for reviewers of fixes: the patch forbids an outcome that was allowed.
import type { Event, Thread } from '../extract/types';
import type { ModelName } from '../models/model';
import { scenarioId } from '../pair/shapes';
import { SHAPE_NAMES, sideLabel, type Scenario, type Side } from '../pair/scenario';
import { orderingEvents } from '../pair/ordering-events';
import { fencePrim } from './litmus-build';
import type { CheckContext } from './context';
import type { Judgement } from './judge';
import { outcome } from './explain';
import { EVIDENCE_MODELS, listModels, MODEL_TITLES } from './targets';
import type { Fault } from './ordering';
import { demote } from './patch-scope';
import { effectsFor } from '../kb/index';
import type { Arch as KbArch, Primitive } from '../kb/types';
import { placeKey, type Finding, type Place, type Related } from './types';
import { accessorBarriersLost, accessorCall, accessorReplaced } from './accessors';

export interface ImagePair {
  readonly pre: Scenario;
  readonly post: Scenario;
  readonly before: Judgement;
  readonly after: Judgement;
  readonly targets: readonly ModelName[];
  /** Targets under which the outcome is forbidden before and allowed after (or the reverse). */
  readonly changed: readonly ModelName[];
  /** A marked access (READ_ONCE, WRITE_ONCE, read_atomic, ...) that the patch made plain, racing with the peer. */
  readonly unmarked?: Event;
}

/** The same function in the other image: a tree function is its own counterpart. */
export function imageCounterparts(threads: readonly Thread[]): (t: Thread, to: 'pre' | 'post') => Thread | undefined {
  const byName = new Map<string, Thread[]>();
  const key = (t: Thread, side: string): string => `${t.file ?? ''}|${t.unit ?? ''}|${side}|${t.name}`;
  for (const t of threads) if (t.side) byName.set(key(t, t.side), [...(byName.get(key(t, t.side)) ?? []), t]);
  // Two hunks of one function give two fragments per image; a fragment's two images start on
  // the same input line (the hunk's first line).
  return (t, to) => {
    if (t.side === undefined) return t;
    const all = byName.get(key(t, to)) ?? [];
    return all.length <= 1 ? all[0] : all.find((x) => x.span.line === t.span.line);
  };
}

const accessClass = (e: Event): string => (e.kind === 'RMW' ? 'RMW' : e.kind);
const locKey = (e: Event): string => ('loc' in e ? e.loc.key : '');

/** The same access in the other image: the n-th access of its kind to its location. */
function counterpartAccess(from: Thread, e: Event, to: Thread): Event | undefined {
  const same = (x: Event, k: (y: Event) => string): boolean => k(x) === k(e) && locKey(x) === locKey(e);
  for (const key of [accessClass, (_: Event) => '']) {
    const n = from.events.filter((x) => same(x, key)).indexOf(e);
    const hit = to.events.filter((x) => same(x, key))[n];
    if (hit && n >= 0) return hit;
  }
  return undefined;
}

/** A scenario with each side moved to the other image, or undefined when an access is gone. */
export function transplant(s: Scenario, to: 'pre' | 'post', counterpart: ReturnType<typeof imageCounterparts>): Scenario | undefined {
  const sides: Side[] = [];
  for (const side of s.sides) {
    const thread = counterpart(side.thread, to);
    if (!thread) return undefined;
    if (thread === side.thread) { sides.push(side); continue; }
    const second = counterpartAccess(side.thread, side.second, thread);
    const first = side.first ? counterpartAccess(side.thread, side.first, thread) : undefined;
    if (!second || (side.first && !first)) return undefined;
    sides.push({ ...side, thread, second, ...(first ? { first } : {}) });
  }
  const [a, b] = sides as [Side, Side];
  const id = a.synthesized || b.synthesized ? `${s.id}|${to}` : scenarioId(s.shape, a, b);
  return { ...s, id, sides: [a, b] };
}

const verdict = (j: Judgement, m: ModelName): string | undefined => j.models.find((x) => x.model === m)?.verdict;

/** Judges every scenario on both images; keeps the pairs whose verdict flips under a target. */
export function judgeImages(ctx: CheckContext, a: {
  scenarios: readonly Scenario[]; from: 'pre' | 'post'; counterpart: ReturnType<typeof imageCounterparts>;
  /** Told of every function some target could decide a scenario of, in either image. */
  judged?: Set<Thread>;
}): ImagePair[] {
  const out: ImagePair[] = [];
  const seen = new Set<string>();
  for (const s of a.scenarios) {
    const twin = transplant(s, a.from === 'pre' ? 'post' : 'pre', a.counterpart);
    if (!twin) continue;
    const [pre, post] = a.from === 'pre' ? [s, twin] : [twin, s];
    const key = `${pre.id}>${post.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const targets = ctx.analysis.targetsOfScenario(post);
    const before = ctx.analysis.judge({ scenario: pre, models: EVIDENCE_MODELS });
    const after = ctx.analysis.judge({ scenario: post, models: EVIDENCE_MODELS });
    for (const [sc, j] of [[pre, before], [post, after]] as const) {
      if (!targets.some((m) => verdict(j, m) === 'allowed' || verdict(j, m) === 'forbidden')) continue;
      for (const side of sc.sides) if (!side.synthesized) a.judged?.add(side.thread);
    }
    const flips = (x: Judgement, y: Judgement): ModelName[] => targets.filter((m) => verdict(x, m) === 'forbidden' && verdict(y, m) === 'allowed');
    const changed = a.from === 'pre' ? flips(before, after) : flips(after, before);
    const unmarked = a.from === 'pre' ? madePlain(ctx, pre, post) : undefined;
    if (changed.length > 0 || unmarked) out.push({ pre, post, before, after, targets, changed, ...(unmarked ? { unmarked } : {}) });
  }
  return out;
}

/**
 * A marked access of the patched function that the post-image reads or writes plainly, while
 * the peer (real code, not an assumed observer) accesses the same location: the compiler may
 * now tear, fuse or repeat it. LKMM calls it a data race whatever the hardware does, and Xen's
 * read_atomic()/write_atomic()/ACCESS_ONCE() exist for the same reason.
 */
function madePlain(ctx: CheckContext, pre: Scenario, post: Scenario): Event | undefined {
  const i = pre.sides.findIndex((x) => !x.synthesized && ctx.isDocument(x.thread));
  if (i < 0 || pre.sides[1 - i]!.synthesized) return undefined;
  const was = pre.sides[i]!;
  const now = post.sides[i]!;
  for (const [x, y] of [[was.first, now.first], [was.second, now.second]] as const) {
    if (x && y && (x.kind === 'R' || x.kind === 'W') && x.kind === y.kind && x.annot !== 'plain' && y.annot === 'plain' && sameAccessWritten(x, y)) return x;
  }
  return undefined;
}

/**
 * The two images' accesses are one access written two ways: each is the function's own (not
 * a callee's), and the plain one is the marked one without its marking (`READ_ONCE(p->x)` and
 * `p->x`), or another primitive on the same arguments (`set_bit(n, w)` and `__set_bit(n, w)`,
 * `readl(r)` and `readl_relaxed(r)`). Matching by position alone pairs a removed access with its neighbour.
 */
function sameAccessWritten(was: Event, now: Event): boolean {
  if (was.via?.length || now.via?.length) return false;
  const squeeze = (t: string): string => t.replace(/\s+/g, '').replace(/&/g, '');
  if ((was.kind === 'RMW' && now.kind === 'RMW') || (was.prim && now.prim && was.prim !== now.prim)) {
    const args = (e: Event): string => { const t = squeeze(e.text); return t.slice(t.indexOf('(')); };
    return args(was) === args(now);
  }
  return squeeze(was.text).includes(squeeze(now.text).replace(/;$/, '').split('=')[0]!);
}

/** What the patch took away (or added) on one side: the ordering event or the access mode. */
function cause(from: Side, to: Side): { event: Event; what: string } | undefined {
  const name = (e: Event): string => (e.kind === 'F' ? `${fencePrim(e.fence)}()` : e.kind === 'RMW' ? `${e.prim ?? 'atomic'}()` : e.kind === 'LOCK' || e.kind === 'UNLOCK' ? `${e.prim ?? e.kind.toLowerCase()}()` : e.text);
  const sig = (e: Event): string => `${e.kind}|${e.kind === 'F' ? e.fence : 'annot' in e ? e.annot : ''}|${e.prim ?? ''}`;
  const mine = orderingEvents(from);
  const theirs = orderingEvents(to);
  const have = new Map<string, number>();
  for (const e of [...theirs.before, ...theirs.between, ...theirs.after]) have.set(sig(e), (have.get(sig(e)) ?? 0) + 1);
  for (const e of [...mine.between, ...mine.before, ...mine.after]) {
    const n = have.get(sig(e)) ?? 0;
    if (n === 0) return { event: e, what: name(e) };
    have.set(sig(e), n - 1);
  }
  for (const [x, y] of [[from.first, to.first], [from.second, to.second]] as const) {
    if (x && y && 'annot' in x && 'annot' in y && x.annot !== y.annot) return { event: x, what: `\`${x.text}\` (${x.annot}, now ${y.annot})` };
  }
  return undefined;
}

function table(p: ImagePair): string {
  const rows = EVIDENCE_MODELS.map((m) => `| ${MODEL_TITLES[m]}${p.targets.includes(m) ? '' : ' (not a target)'} | ${verdict(p.before, m) ?? '-'} | ${verdict(p.after, m) ?? '-'} |`);
  return ['| model | before the patch | after the patch |', '|---|---|---|', ...rows].join('\n');
}

/** The document side of a pair (the patched function), and its index. */
function patchedSide(ctx: CheckContext, s: Scenario): { side: Side; index: 0 | 1 } | undefined {
  const i = s.sides.findIndex((x) => !x.synthesized && ctx.isDocument(x.thread));
  return i < 0 ? undefined : { side: s.sides[i]!, index: i as 0 | 1 };
}

/** One finding per cause: every pair whose verdict the same patch line flips is one fault. */
export function differentialFindings(ctx: CheckContext, a: { regressions: readonly ImagePair[]; fixes: readonly ImagePair[] }): Finding[] {
  const out: Finding[] = [];
  for (const dir of ['regression', 'fix'] as const) {
    const groups = new Map<string, { place: Place; what?: string; side: Side; index: 0 | 1; pairs: ImagePair[] }>();
    for (const p of dir === 'regression' ? a.regressions : a.fixes) {
      const mine = patchedSide(ctx, dir === 'regression' ? p.pre : p.post);
      if (!mine) continue;
      const other = (dir === 'regression' ? p.post : p.pre).sides[mine.index]!;
      const c = cause(mine.side, other);
      // Where the patch makes the difference: the removed (or added) line of the ordering;
      // else the access that lost it, in the post-image.
      const at = c ? ctx.place(mine.side.thread, c.event.stmt) : ctx.place(p.post.sides[mine.index]!.thread, p.post.sides[mine.index]!.second.stmt);
      const key = placeKey(at);
      const g = groups.get(key) ?? { place: at, what: c?.what, side: p.post.sides[mine.index]!, index: mine.index, pairs: [] };
      g.pairs.push(p);
      groups.set(key, g);
    }
    for (const [key, g] of groups) out.push(finding(ctx, { dir, key, ...g }));
  }
  return out;
}

function finding(ctx: CheckContext, g: { dir: 'regression' | 'fix'; key: string; place: Place; what?: string; side: Side; index: 0 | 1; pairs: ImagePair[] }): Finding {
  const lead = g.pairs[0]!;
  const changed = [...new Set(g.pairs.flatMap((p) => p.changed))];
  const s = lead.post;
  const what = outcome(g.dir === 'regression' ? lead.post : lead.pre, g.index);
  const more = g.pairs.length > 1 ? ` (and ${g.pairs.length - 1} similar case${g.pairs.length > 2 ? 's' : ''})` : '';
  const cause = g.what ? ` (${g.what})` : '';
  const plain = g.pairs.find((p) => p.unmarked)?.unmarked;
  const peer = lead.post.sides[1 - g.index]!;
  const message = g.dir === 'regression' && changed.length === 0 && plain
    ? `This patch makes \`${plain.text}\` a plain access while ${sideLabel(peer)} accesses \`${'loc' in plain ? plain.loc.text : plain.text}\` concurrently: the compiler may tear, fuse or repeat it (a data race under LKMM)${more}.`
    : g.dir === 'regression'
    ? `This patch removes the ordering${cause} that forbade this outcome: ${what}${more}. Forbidden before the patch, allowed after it on ${listModels(changed)}.`
    : `This patch forbids an outcome that was allowed${cause}: ${what}${more}; now forbidden on ${listModels(changed)}.`;
  const related: Related[] = [];
  for (const p of g.pairs) {
    const sc = g.dir === 'regression' ? p.post : p.pre;
    const other = sc.sides[1 - g.index]!;
    if (other.synthesized) continue;
    related.push({ place: ctx.place(other.thread, other.second.stmt), message: `the other CPU: \`${other.second.text}\` in ${other.thread.name}()` });
  }
  const explanation = [
    `**${SHAPE_NAMES[s.shape]}** between ${s.sides.map((x) => sideLabel(x)).join(' and ')}: ${what}.`,
    ...s.sides.filter((x) => x.synthesized).map((x) => `- Assumption: ${x.synthesized}.`),
    '',
    table(lead),
  ].join('\n');
  // The verdicts the code has once the patch is applied (the table in the explanation has both).
  const judgement = lead.after;
  return {
    id: `${g.dir === 'regression' ? 'ordering-regression' : 'ordering-fix'}:${g.key}`,
    code: g.dir === 'regression' ? 'ordering-regression' : 'ordering-fix',
    severity: g.dir === 'regression' ? 'warning' : 'information',
    place: g.place,
    message,
    explanation,
    related,
    models: judgement.models,
    witness: judgement.witness,
    litmus: judgement.litmus,
    fixes: [],
  };
}

/** Each touched function's two images, pre then post: what the patch-level rules compare. */
export function* imagePairs(docAll: readonly Thread[], counterpart: ReturnType<typeof imageCounterparts>): Generator<{ pre: Thread; post: Thread }> {
  for (const pre of docAll) {
    if (pre.side !== 'pre') continue;
    const post = counterpart(pre, 'post');
    if (post) yield { pre, post };
  }
}

/**
 * Marked accesses the patch makes plain, found by comparing the two images of each touched
 * function directly: a READ_ONCE()/WRITE_ONCE() (or Xen's read_atomic()/write_atomic()) says
 * that another CPU or a device accesses the location concurrently, even when no peer is in
 * view. Accesses already reported through a scenario (`reported`, by place) are skipped.
 */
export function unmarkedFindings(ctx: CheckContext, a: { docAll: readonly Thread[]; counterpart: ReturnType<typeof imageCounterparts>; reported: ReadonlySet<string> }): Finding[] {
  const out: Finding[] = [];
  for (const { pre: t, post } of imagePairs(a.docAll, a.counterpart)) {
    // Boot-time code runs before the other CPUs share its data: its marked accesses are habit, not evidence.
    if (post.boot) continue;
    for (const f of storesMadePlain(ctx, t, post)) if (!a.reported.has(placeKey(f.place))) out.push(f);
    for (const e of t.events) {
      const lost = (e.kind === 'RMW' ? madeNonAtomic(ctx, { pre: t, post, e }) : undefined) ?? madeWeaker(ctx, { pre: t, post, e });
      if (lost) {
        const key = placeKey(lost.place);
        if (!a.reported.has(key)) out.push(lost);
        continue;
      }
      if ((e.kind !== 'R' && e.kind !== 'W') || e.annot === 'plain' || e.loc.cpuLocal) continue;
      const now = becamePlain(t, e, post);
      if (!now) continue;
      const place = ctx.place(t, e.stmt);
      const key = placeKey(place);
      if (a.reported.has(key)) continue;
      out.push({
        id: `ordering-regression:${key}:unmarked`, code: 'ordering-regression', severity: 'warning', place,
        message: `This patch makes \`${e.text}\`${e.via?.length ? ` (${e.prim ? `${e.prim}()` : `a ${e.annot} access`} in ${e.via[0]!.callee}())` : ''} a plain ${e.kind === 'R' ? 'load' : 'store'} of \`${e.loc.text}\`: the marked access said another CPU (or a device) accesses it concurrently, and a plain one may be torn, fused or repeated by the compiler (a data race under LKMM). No code of the other side is in view to simulate against.`,
        explanation: `\`${e.text}\` (${e.annot}) in the pre-image of ${t.name}() becomes \`${now.text}\` (plain) in the post-image. Keep the marked access, or say in the commit message what serializes \`${e.loc.text}\` now.`,
        related: [{ place: ctx.place(post, now.stmt), message: `the plain access the patch leaves: \`${now.text}\`` }],
        models: [], fixes: [],
      });
    }
  }
  for (const f of accessorBarriersLost(ctx, imagePairs(a.docAll, a.counterpart))) if (!a.reported.has(placeKey(f.place))) out.push(f);
  return out;
}

/**
 * The plain post-image access a marked access of the pre-image became: the same access written
 * without its marking, or an accessor call (`kvm_pte_read(ptep)`) written out as the plain access.
 */
function becamePlain(pre: Thread, e: Event, post: Thread): Event | undefined {
  const now = e.via?.length ? (accessorCall(pre, e) ? accessorReplaced(pre, e, post) : undefined) : counterpartAccess(pre, e, post);
  if (!now || (now.kind !== 'R' && now.kind !== 'W') || now.annot !== 'plain') return undefined;
  return e.via?.length || sameAccessWritten(e, now) ? now : undefined;
}

/**
 * A fault of the patched code that the patch did not make: every case of it, moved back onto
 * the pre-image (same peer, same accesses), is allowed there under the same targets. The patch
 * is reviewed for what it changes; such a fault is shown as information, so that a fix which
 * repairs one race is not failed for another race it leaves as it was. A case whose accesses
 * the pre-image lacks (new code) keeps the fault a warning.
 */
export function preExisting(ctx: CheckContext, fault: Fault, counterpart: ReturnType<typeof imageCounterparts>): boolean {
  if (fault.thread.side !== 'post') return false;
  return fault.cases.every((c) => {
    const before = transplant(c.scenario, 'pre', counterpart);
    if (!before) return false;
    // A patch that adds, removes or changes an ordering in this function is working on its
    // orderings (a barrier put in the wrong place): what it leaves allowed is its business.
    const i = c.scenario.sides.findIndex((x) => x.thread === fault.thread);
    if (i < 0 || orderingSignature(before.sides[i]!.thread) !== orderingSignature(fault.thread)) return false;
    const j = ctx.analysis.judge({ scenario: before, models: c.targets, witness: false });
    return c.allowed.every((m) => verdict(j, m) === 'allowed');
  });
}

/**
 * An atomic read-modify-write the patch replaces by a primitive that is a plain load and store
 * on some architecture (`set_bit()` → `__set_bit()`, which is non-atomic on x86): another CPU's
 * atomic update of the same word between the load and the store is lost. The atomic form said
 * that other CPUs update the word concurrently; the patch must say what serializes it now.
 */
function madeNonAtomic(ctx: CheckContext, a: { pre: Thread; post: Thread; e: Event }): Finding | undefined {
  const r = a.e.kind === 'RMW' ? replacedPrimitive(ctx, a) : undefined;
  if (!r) return undefined;
  const { e, now, was, is } = r;
  const atomic = (p: Primitive, arch: KbArch): boolean => effectsFor(p, { arch }).some((x) => x.op === 'RMW');
  const archs = ARCHS.filter((arch) => atomic(was, arch) && !atomic(is, arch));
  if (archs.length === 0) return undefined;
  const place = ctx.place(a.post, now.stmt);
  const on = archs.join(' and ');
  return {
    id: `ordering-regression:${placeKey(place)}:non-atomic`, code: 'ordering-regression', severity: 'warning', place,
    message: `This patch replaces the atomic \`${e.prim}()\` on \`${e.loc.text}\` by \`${now.prim}()\`, a plain load and store on ${on}: another CPU's atomic update of the same word between the two is lost.`,
    explanation: `\`${e.text}\` in the pre-image of ${a.pre.name}() is a single atomic read-modify-write; \`${now.text}\` in the post-image is not atomic on ${on} (knowledge base: ${is.source ?? now.prim}). Keep the atomic form, or say in the commit message what serializes every update of \`${e.loc.text}\` now.`,
    related: [{ place: ctx.place(a.pre, e.stmt), message: `the atomic form before the patch: \`${e.text}\`` }],
    models: [], fixes: [],
  };
}

const ARCHS = ['x86', 'arm64', 'arm32'] as const;
type PrimAccess = Extract<Event, { kind: 'R' | 'W' | 'RMW' }>;
const isAccess = (x: Event): x is PrimAccess => x.kind === 'R' || x.kind === 'W' || x.kind === 'RMW';

/**
 * A shared access whose primitive the post-image replaces by another on the same arguments
 * (`set_bit` → `__set_bit`, `readl` → `readl_relaxed`), with what the knowledge base says of
 * both; undefined when either is unknown or the access did not change hands.
 */
function replacedPrimitive(ctx: CheckContext, a: { pre: Thread; post: Thread; e: Event }): { e: PrimAccess; now: PrimAccess; was: Primitive; is: Primitive } | undefined {
  const { e } = a;
  if (!isAccess(e) || !e.prim || e.loc.cpuLocal) return undefined;
  const now = counterpartAccess(a.pre, e, a.post);
  if (!now || !isAccess(now) || now.kind !== e.kind || !now.prim || now.prim === e.prim || !sameAccessWritten(e, now)) return undefined;
  const was = ctx.sources.primitive(a.pre, e.prim);
  const is = ctx.sources.primitive(a.post, now.prim);
  return was && is ? { e, now, was, is } : undefined;
}

/**
 * A primitive replaced by one that orders less on the same arguments: `readl()` →
 * `readl_relaxed()` (the read barrier after the register read is gone), `smp_load_acquire()` →
 * `READ_ONCE()`, `xchg()` → `xchg_relaxed()`. The knowledge base says what each implies, per
 * architecture; the finding names what is lost and where.
 */
function madeWeaker(ctx: CheckContext, a: { pre: Thread; post: Thread; e: Event }): Finding | undefined {
  const r = replacedPrimitive(ctx, a);
  if (!r) return undefined;
  const { e, now, was, is } = r;
  const orders = (p: Primitive, arch: KbArch): string[] => effectsFor(p, { arch }).flatMap((x) =>
    x.op === 'F' && x.fence !== 'barrier' ? [`${x.fence} barrier`] : (x.op === 'R' || x.op === 'W' || x.op === 'RMW') && (x.annot === 'acquire' || x.annot === 'release' || x.annot === 'mb') ? [x.annot === 'mb' ? 'full ordering' : x.annot] : []);
  const lostBy = new Map<string, KbArch[]>();
  for (const arch of ARCHS) {
    const left = orders(is, arch);
    for (const o of orders(was, arch)) if (!left.includes(o)) lostBy.set(o, [...(lostBy.get(o) ?? []), arch]);
  }
  if (lostBy.size === 0) return undefined;
  const what = [...lostBy].map(([o, archs]) => `the ${o}${archs.length < 3 ? ` (on ${archs.join(' and ')})` : ''}`).join(' and ');
  const place = ctx.place(a.post, now.stmt);
  return {
    id: `ordering-regression:${placeKey(place)}:weaker`, code: 'ordering-regression', severity: 'warning', place,
    message: `This patch replaces \`${e.prim}()\` on \`${e.loc.text}\` by \`${now.prim}()\`, which drops ${what} ${e.prim}() implies: accesses it ordered around \`${e.loc.text}\` may now be reordered with it.`,
    explanation: `\`${e.text}\` in the pre-image of ${a.pre.name}() implies ${what}; \`${now.text}\` in the post-image does not (knowledge base: ${was.source ?? e.prim}; ${is.source ?? now.prim}). Keep ${e.prim}(), or add the barrier it implied where the code relies on it, or say in the commit message why nothing does.`,
    related: [{ place: ctx.place(a.pre, e.stmt), message: `before the patch: \`${e.text}\`` }],
    models: [], fixes: [],
  };
}

/**
 * An object the function stored only with marked stores (`write_atomic()`, `WRITE_ONCE()`,
 * also in a callee such as a set-entry helper) that the post-image stores plainly (a field of
 * it, or the whole) and never with a marked store: an entry built in place, field by field, where it was installed with
 * one atomic store. A concurrent reader (another CPU, or a hardware walker) can see it half
 * written. Loads are left out: a removed lock or a reordered read says nothing of tearing.
 */
function storesMadePlain(ctx: CheckContext, pre: Thread, post: Thread): Finding[] {
  // By object: `pte->raw` and `pte->mfn` are one entry (a union's whole word and its fields).
  const object = (key: string): string => key.replace(/(?:->|\.)[A-Za-z_]\w*$/, '');
  const stores = (t: Thread, marked: boolean): Map<string, Extract<Event, { kind: 'W' }>> => {
    const m = new Map<string, Extract<Event, { kind: 'W' }>>();
    for (const e of t.events) if (e.kind === 'W' && !e.loc.cpuLocal && (e.annot !== 'plain') === marked && !m.has(object(e.loc.key))) m.set(object(e.loc.key), e);
    return m;
  };
  const how = (e: Event): string => (e.via?.length ? `in ${e.via[e.via.length - 1]!.callee}() (called as \`${e.text}\`)` : `\`${e.text}\``);
  const [markedBefore, plainBefore, markedAfter, plainAfter] = [stores(pre, true), stores(pre, false), stores(post, true), stores(post, false)];
  const out: Finding[] = [];
  for (const [key, was] of markedBefore) {
    const now = plainAfter.get(key);
    if (!now || plainBefore.has(key) || markedAfter.has(key)) continue;
    const place = ctx.place(post, now.stmt);
    out.push({
      id: `ordering-regression:${placeKey(place)}:plain-store:${key}`, code: 'ordering-regression', severity: 'warning', place,
      message: `This patch stores \`${now.loc.text}\` with a plain store, ${how(now)}, where ${pre.name}() stored ${now.loc.key === was.loc.key ? 'it' : `\`${was.loc.text}\` (the same object)`} only with ${was.prim ? `${was.prim}()` : `a ${was.annot} store`}: a concurrent reader (another CPU, or a hardware walker) may see it torn or half built.`,
      explanation: `Before the patch every store of ${pre.name}() to \`${was.loc.text}\` was marked (${how(was)}); after it, ${how(now)} is plain and no marked store is left. Build the new value in a local and install it with one marked store, or say in the commit message why nothing reads \`${was.loc.text}\` concurrently.`,
      related: [{ place: ctx.place(pre, was.stmt), message: `the marked store before the patch: ${how(was)}` }],
      models: [], fixes: [],
    });
  }
  return out;
}

/** The function's orderings as a multiset: fences, atomics, locks and marked accesses. */
function orderingSignature(t: Thread): string {
  let sig = signatures.get(t);
  if (sig === undefined) {
    const parts: string[] = [];
    for (const e of t.events) {
      if (e.kind === 'F') parts.push(`F|${e.fence}`);
      else if (e.kind === 'RMW') parts.push(`RMW|${e.prim ?? ''}|${e.annot}`);
      else if (e.kind === 'LOCK' || e.kind === 'UNLOCK') parts.push(`${e.kind}|${e.lock.key}`);
      else if ((e.kind === 'R' || e.kind === 'W') && e.annot !== 'plain') parts.push(`${e.kind}|${e.annot}|${e.loc.key}`);
    }
    signatures.set(t, (sig = parts.sort().join('\n')));
  }
  return sig;
}

const signatures = new WeakMap<Thread, string>();

export function demotePreExisting(findings: readonly Finding[], isPreExisting: (id: string) => boolean): Finding[] {
  return demote(findings, (f) => isPreExisting(f.id), 'Not introduced by this patch (the same outcome is allowed before it)');
}
