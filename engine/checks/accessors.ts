// Accessors: small helpers in view whose whole effect at a call is one access, maybe with the
// barriers that go with it (`kvm_pte_read()` = `READ_ONCE(*ptep)`, `set_page_mte_tagged()` =
// `smp_wmb(); set_bit(...)`). A patch that replaces the call by the bare access writes the same
// access without what the helper carried: its marking or its barriers.
import type { Event, Thread } from '../extract/types';
import { FULL_FENCES } from '../concurrency/facts';
import { isMemory, type MemoryEvent } from '../extract/query';
import type { CheckContext } from './context';
import { fencePrim } from './litmus-build';
import { placeKey, type Finding } from './types';

type Fence = Extract<Event, { kind: 'F' }>;
type Call = Extract<Event, { kind: 'CALL' }>;

interface InlinedCall { readonly accesses: MemoryEvent[]; readonly fences: Fence[]; other: number }

/**
 * What each call to a helper whose body is in view did, inlined at its call site: its accesses
 * and its fences, keyed by callee and call site. Built once per thread: both rules ask it for
 * every call and every inlined access, and a whole function can have thousands of events.
 */
const inlinedCalls = new WeakMap<Thread, Map<string, InlinedCall>>();
const siteKey = (callee: string, span: Event['span']): string => `${callee}|${span.line}|${span.col}`;

function inlined(t: Thread, call: { span: Event['span'] }, callee: string): InlinedCall {
  let byCall = inlinedCalls.get(t);
  if (!byCall) {
    byCall = new Map();
    for (const x of t.events) {
      const frame = x.via?.[0];
      if (!frame || frame.resolution !== 'body') continue;
      const k = siteKey(frame.callee, x.span);
      const c = byCall.get(k) ?? { accesses: [], fences: [], other: 0 };
      if (isMemory(x)) c.accesses.push(x);
      else if (x.kind === 'F') c.fences.push(x);
      else c.other++;
      byCall.set(k, c);
    }
    inlinedCalls.set(t, byCall);
  }
  return byCall.get(siteKey(callee, call.span)) ?? { accesses: [], fences: [], other: 0 };
}

/**
 * A marked access that came from an accessor call: the helper's body is in view and the call
 * did nothing else (no other access, no barrier), so the call is the access written through a helper.
 */
export function accessorCall(t: Thread, e: Event): boolean {
  const frame = e.via?.length === 1 ? e.via[0]! : undefined;
  if (!frame || frame.resolution !== 'body') return false;
  const call = inlined(t, e, frame.callee);
  return call.accesses.length === 1 && call.fences.length === 0 && call.other === 0;
}

const ownCalls = (t: Thread, callee: string): number => t.events.filter((x) => x.kind === 'CALL' && !x.via?.length && x.callee === callee).length;

/**
 * The post-image access that an accessor call of the pre-image became: the post-image calls
 * the accessor fewer times, and the function's own access of the same kind to the path as
 * written, at the same rank, takes its place. The path as written, not the key: inside the
 * accessor the key is typed from its parameter (`*kvm_pte_t`), while a fragment's own access
 * may have no declaration in view. Requiring the call to be gone keeps a neighbour's access
 * from being blamed while the accessor is still used.
 */
export function accessorReplaced(pre: Thread, e: Event, post: Thread): Event | undefined {
  const callee = e.via![0]!.callee;
  if (ownCalls(post, callee) >= ownCalls(pre, callee)) return undefined;
  const same = (x: Event): boolean => x.kind === e.kind && 'loc' in x && 'loc' in e && x.loc.text === e.loc.text;
  const n = pre.events.filter(same).indexOf(e);
  const now = post.events.filter(same)[n];
  return now && !now.via?.length ? now : undefined;
}

/** Fences that give at least `kind`'s ordering: itself, or a full one. */
const covers = (have: string, kind: string): boolean => have === kind || FULL_FENCES.has(have);

/**
 * Whether the bare access itself gives the ordering the helper's fence gave: a fully ordered
 * RMW (`test_and_set_bit()`) gives every one; a release store orders what comes before it, an
 * acquire load what comes after it.
 */
function accessOrders(now: MemoryEvent, fenceBefore: boolean): boolean {
  if (now.annot === 'mb') return true;
  return fenceBefore ? now.annot === 'release' : now.annot === 'acquire';
}

interface Lost { readonly pre: Thread; readonly post: Thread; readonly call: Call; readonly now: MemoryEvent; readonly was: MemoryEvent; readonly fences: readonly Fence[]; readonly lost: readonly string[] }

/** Sites where an ordered accessor (one access and its barriers) became the bare access, with the barriers nothing replaces. */
function lostAt(pre: Thread, post: Thread): Lost[] {
  const out: Lost[] = [];
  const fencesIn = (t: Thread, kind: string): number => t.events.filter((x) => x.kind === 'F' && covers(x.fence, kind)).length;
  for (const c of pre.events) {
    if (c.kind !== 'CALL' || c.via?.length || c.resolution !== 'body') continue;
    const call = inlined(pre, c, c.callee);
    const was = call.accesses[0];
    if (!was || call.accesses.length !== 1 || call.fences.length === 0 || call.other !== 0 || was.loc.cpuLocal) continue;
    const now = accessorReplaced(pre, was, post);
    if (!now || !isMemory(now)) continue;
    const fences = call.fences.filter((f) => f.fence !== 'barrier' && !accessOrders(now, f.id < was.id) && fencesIn(post, f.fence) < fencesIn(pre, f.fence));
    if (fences.length > 0) out.push({ pre, post, call: c, now, was, fences, lost: [...new Set(fences.map((f) => `${fencePrim(f.fence)}()`))] });
  }
  return out;
}

/**
 * An ordered accessor (`smp_wmb(); set_bit(...)`) replaced by the bare access while the
 * function keeps no barrier of that strength in its place, and the bare access does not order
 * by itself: the patch removed the barrier the helper carried. What it ordered may be out of
 * view (tags written by an assembly routine, a device); the barrier being removed is the
 * evidence. One finding per helper and lost barrier, every other site related.
 */
export function accessorBarriersLost(ctx: CheckContext, pairs: Iterable<{ pre: Thread; post: Thread }>): Finding[] {
  const groups = new Map<string, Lost[]>();
  for (const { pre, post } of pairs) {
    if (post.boot) continue;
    for (const l of lostAt(pre, post)) {
      const key = `${l.call.callee}|${l.lost.join(',')}`;
      groups.set(key, [...(groups.get(key) ?? []), l]);
    }
  }
  return [...groups.values()].map((sites) => {
    const { pre, post, call, now, was, fences, lost } = sites[0]!;
    const callee = call.callee;
    const where = fences.every((f) => f.id < was.id) ? 'before' : fences.every((f) => f.id > was.id) ? 'after' : 'around';
    const names = lost.join(' and ');
    const place = ctx.place(post, now.stmt);
    const more = sites.length > 1 ? ` (and at ${sites.length - 1} other place${sites.length > 2 ? 's' : ''})` : '';
    return {
      id: `ordering-regression:${placeKey(place)}:accessor-barrier`, code: 'ordering-regression', severity: 'warning', place,
      message: `This patch replaces \`${call.text}\` by a bare \`${now.text}\`${more}: the ${names} that ${callee}() put ${where} the access is gone, and nothing in ${post.name}() orders in its place. Accesses it ordered with \`${was.loc.text}\` (also out of view, such as data written by an assembly routine or a device) may now be reordered with it.`,
      explanation: `In the pre-image of ${pre.name}(), ${callee}() does ${[...fences.filter((f) => f.id < was.id).map((f) => `${fencePrim(f.fence)}()`), `\`${was.text}\``, ...fences.filter((f) => f.id > was.id).map((f) => `${fencePrim(f.fence)}()`)].join(' then ')}; the post-image does \`${now.text}\` alone. Keep calling ${callee}(), or keep its barrier next to the bare access, or say in the commit message why nothing relies on it.`,
      related: [
        { place: ctx.place(pre, call.stmt), message: `before the patch: \`${call.text}\`` },
        ...sites.slice(1).map((s) => ({ place: ctx.place(s.post, s.now.stmt), message: `the same replacement in ${s.post.name}(): \`${s.now.text}\`` })),
      ],
      models: [], fixes: [],
    };
  });
}
