// check-outside-lock: a decision taken on a value read before the lock that protects it.
//
// The function tests a shared location, and on the strength of that test takes a lock and works
// on the location under it, without testing it again. The lock is the one the location's writers
// hold, so between the test and the lock another CPU may change what was tested, and the work
// under the lock acts on a stale answer (Xen's 0e9d647aca: evtchn_fifo_expand_array() returned
// early when `d->evtchn_fifo` was NULL, then took `d->event_lock` and used the FIFO state, which
// a concurrent reset frees under that lock; c0e548d920: gnttab_set_version() compared
// `gt->gt_version` before taking the grant table's write lock, then changed the version under
// it). Checking again under the lock (double-checked locking) is the fix and keeps this quiet.
//
// Evidence, all in view: the unlocked test and its use under the lock (engine/concurrency/
// unlocked-tests.ts: a plain read in a condition on whose outcome the lock is taken, then a
// dereference of the pointer tested for NULL, or a store of the value compared with, with no
// condition under the lock asking again), and a write of the location that holds the lock and
// none of the locks held at the test, from code that can run meanwhile (whole-tree mode: the
// concurrency model's updatesApart). Boot-only functions are left alone. In a patch, a test
// its pre-image already made the same way is information, not a warning.
import type { Thread } from '../extract/types';
import { normalized, unlockedTests, type Access, type UnlockedTest } from '../concurrency/unlocked-tests';
import type { CheckContext } from './context';
import { code } from './explain';
import type { Finding } from './types';

interface Write { readonly t: Thread; readonly e: Access }

/** An unlocked test of `t`, and a write under the lock that can change what it tested. */
interface StaleCheck extends UnlockedTest {
  readonly t: Thread;
  readonly writer: Write;
}

export interface CheckOutsideLockPatch {
  readonly counterpart: (t: Thread, to: 'pre' | 'post') => Thread | undefined;
}

export function checkOutsideLock(ctx: CheckContext, patch?: CheckOutsideLockPatch): Finding[] {
  const writers = lockedWrites(ctx.all);
  const out: Finding[] = [];
  for (const t of ctx.document) {
    if (t.side === 'pre' || !ctx.isDocument(t) || t.boot || ctx.runsOnlyAtBoot?.(t)) continue;
    const before = patch && t.side === 'post' ? patch.counterpart(t, 'pre') : undefined;
    const earlier = before ? new Set(staleChecks(before, writers, ctx.updatesApart).map(signature)) : undefined;
    for (const s of staleChecks(t, writers, ctx.updatesApart)) out.push(finding(ctx, s, earlier?.has(signature(s)) ?? false));
  }
  return out;
}

/** Writes of shared locations that hold some lock, by location key. */
function lockedWrites(threads: readonly Thread[]): Map<string, Write[]> {
  const out = new Map<string, Write[]>();
  for (const t of threads) {
    if (t.side === 'pre') continue;
    for (const e of t.events) {
      if ((e.kind !== 'W' && e.kind !== 'RMW') || e.held.length === 0 || e.loc.cpuLocal) continue;
      (out.get(e.loc.key) ?? out.set(e.loc.key, []).get(e.loc.key)!).push({ t, e });
    }
  }
  return out;
}

/** The unlocked tests of `t` whose location some write, able to run meanwhile, changes under that lock. */
function staleChecks(t: Thread, writers: ReadonlyMap<string, readonly Write[]>, apart?: CheckContext['updatesApart']): StaleCheck[] {
  return unlockedTests(t).flatMap((u) => {
    const key = u.lock.lock.key;
    const writer = (writers.get(u.test.loc.key) ?? []).find((w) => w.e.held.includes(key) && !u.test.held.some((h) => w.e.held.includes(h)) && !apart?.({ t, e: u.test }, w));
    return writer ? [{ ...u, t, writer }] : [];
  });
}

const signature = (s: StaleCheck): string => `${s.test.loc.key}|${s.lock.lock.key}|${normalized(s.cond.text)}`;

function finding(ctx: CheckContext, s: StaleCheck, preExisting: boolean): Finding {
  const loc = s.test.loc.text;
  const lock = s.lock.lock.text;
  // The call as written (`grant_write_lock(gt)`), not the primitive a wrapper ends in.
  const taker = s.lock.via?.[0]?.callee ?? s.lock.prim;
  const how = taker ? `${taker}()` : 'the lock';
  const writer = s.writer.t === s.t ? 'this function writes it under that lock too' : `${s.writer.t.name}() writes it under that lock`;
  const acts = s.use.kind === 'R' && s.use.loc.key !== s.test.loc.key ? `goes through \`${loc}\`` : s.use.kind === 'R' ? `reads \`${loc}\` again` : `writes \`${loc}\``;
  return {
    id: `check-outside-lock:${s.t.name}:${s.test.id}`, code: 'check-outside-lock', severity: preExisting ? 'information' : 'warning',
    place: ctx.place(s.t, s.test),
    message: `${code(s.test, loc)} is tested before ${how} takes \`${lock}\`, the lock its writers hold (${writer}), and the code under the lock ${acts} without testing it again: another CPU can change it in between.${preExisting ? ' (already so before the patch)' : ''}`,
    explanation: [
      `The condition \`${s.cond.text.replace(/\s+/g, ' ')}\` reads \`${loc}\` with no lock that its writers hold, and decides whether ${how} runs.`,
      `${s.writer.t.name}() writes \`${s.writer.e.loc.text}\` with \`${lock}\` held, so the value can change until this function holds that lock too.`,
      `Under the lock, ${code(s.use, s.use.loc.text)} relies on the earlier answer; nothing under the lock tests \`${loc}\` the same way again.`,
      `Test \`${loc}\` after taking the lock (or again under it), so the decision and the work see the same value.`,
    ].join(' '),
    related: [
      { place: ctx.place(s.t, s.lock), message: `\`${lock}\` is taken here` },
      { place: ctx.place(s.t, s.use), message: `used under the lock without a new test` },
      { place: ctx.place(s.writer.t, s.writer.e), message: `${s.writer.t.name}() writes \`${s.writer.e.loc.text}\` under \`${lock}\`` },
    ],
    models: [], fixes: [],
  };
}
