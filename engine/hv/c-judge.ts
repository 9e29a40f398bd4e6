// Lost wake-ups in C: pairs every function that enters the guest or blocks with every other
// function that publishes work it reads, builds the extended litmus test (from-c.ts), judges it
// under each model, and proposes fixes that are re-simulated before they are offered.
import type { LitmusTest, Pos } from '../litmus/ast';
import type { Event, Thread } from '../extract/types';
import type { ModelName } from '../models/model';
import { MODEL_NAMES } from '../models/registry';
import type { Budget } from '../sim/candidates';
import { GUEST_ENTRY } from '../kb/hv-events';
import { LocNames, pairTest, translate, type Item, type SideIr } from './from-c';
import { judgeLostWakeup, type ModelWakeup } from './lost-wakeup';

export interface PairJudgement {
  readonly target: Thread;
  readonly waker: Thread;
  readonly work: readonly string[];
  readonly test: LitmusTest;
  readonly models: readonly ModelWakeup[];
  readonly sides: readonly [SideIr, SideIr];
  readonly names: LocNames;
  /** The guest entry or block the target can get stuck in. */
  readonly stuckAt: Event;
}

export interface CFix {
  readonly kind: 'insert-mb' | 'disable-irqs-earlier';
  /** insert-mb: after this event. disable-irqs-earlier: the irq-off event, moved before `before`. */
  readonly at: Event;
  readonly before?: Event;
  readonly side: 0 | 1;
  readonly verified: readonly ModelWakeup[];
}

export interface CJudgement {
  readonly pairs: readonly PairJudgement[];
  readonly unsupported: readonly { readonly thread: Thread; readonly what: string; readonly pos: Pos }[];
}

const isTargetSide = (s: SideIr): boolean => s.enters || s.blockLoc !== undefined;

/** Pairs each target (a function that enters the guest or blocks) with each waker; `threads` is both. */
export function judgeFunctions(a: { targets: readonly Thread[]; wakers?: readonly Thread[]; models?: readonly ModelName[]; budget?: Partial<Budget> }): CJudgement {
  const pairs: PairJudgement[] = [];
  const unsupported: CJudgement['unsupported'][number][] = [];
  const opts = a;
  for (const target of a.targets) {
    const probe = translate({ thread: target, names: new LocNames(), self: 0, peer: 1 });
    if ('unsupported' in probe) {
      // Only a would-be target's unsupported construct matters here.
      if (target.events.some((e) => e.kind === 'CALL' && GUEST_ENTRY.includes(e.callee))) unsupported.push({ thread: target, what: probe.unsupported, pos: probe.pos });
      continue;
    }
    if (!isTargetSide(probe.value)) continue;
    for (const waker of a.wakers ?? a.targets) {
      if (waker === target) continue;
      const names = new LocNames();
      const t = translate({ thread: target, names, self: 0, peer: 1 });
      if ('unsupported' in t) continue;
      const w = translate({ thread: waker, names, self: 1, peer: 0 });
      if ('unsupported' in w) continue;
      const built = pairTest({ target: t.value, waker: w.value, names, name: `${target.name}+${waker.name}` });
      if (built.unsupported) { unsupported.push({ thread: built.unsupported.thread, what: built.unsupported.what, pos: built.unsupported.pos }); continue; }
      if (!built.value) continue;
      const j = judgeLostWakeup(built.value, { models: opts.models ?? MODEL_NAMES, budget: opts.budget });
      if (j.problems.length) continue;
      const stuck = t.value.items.find((i) => i.role === 'guest-entry' || i.role === 'block')!.event;
      pairs.push({ target, waker, work: built.work, test: built.value, models: j.models, sides: [t.value, w.value], names, stuckAt: stuck });
    }
  }
  return { pairs, unsupported };
}

/**
 * Candidate repairs, each re-simulated: a full barrier after a write that a later read of the
 * same side may pass, or interrupts disabled before the check that guards guest entry.
 */
export function verifiedFixes(p: PairJudgement, opts: { models?: readonly ModelName[]; budget?: Partial<Budget> } = {}): CFix[] {
  const out: CFix[] = [];
  const judge = (sides: readonly [SideIr, SideIr]): readonly ModelWakeup[] | undefined => {
    const built = pairTest({ target: sides[0], waker: sides[1], names: p.names, name: p.test.name });
    if (!built.value) return undefined;
    const j = judgeLostWakeup(built.value, { models: opts.models ?? MODEL_NAMES, budget: opts.budget });
    return j.problems.length ? undefined : j.models;
  };
  const safe = (m: readonly ModelWakeup[] | undefined): m is readonly ModelWakeup[] => !!m && m.every((x) => x.verdict === 'safe');
  // Interrupts disabled before the first read the guest entry depends on.
  const target = p.sides[0];
  const irqOff = target.items.findIndex((i) => i.role === 'irq-off');
  const entry = target.items.findIndex((i) => i.role === 'guest-entry');
  if (irqOff >= 0 && entry >= 0) {
    // The first check of the work: a read of it, or an RMW that returns it (test_and_clear_bit).
    const work = new Set(p.work);
    const firstRead = target.items.findIndex((i) => i.loc !== undefined && work.has(i.loc) && (i.role === 'read' || i.reg !== undefined));
    // Move it before the writes that announce the mode too: the whole handshake runs with interrupts off.
    const firstWrite = target.items.findIndex((i, k) => k < firstRead && i.role === 'write' && !(i.loc && work.has(i.loc)));
    const to = firstWrite >= 0 ? firstWrite : firstRead;
    if (firstRead >= 0 && to < irqOff) {
      const items = [...target.items];
      const [moved] = items.splice(irqOff, 1);
      items.splice(to, 0, { ...moved!, event: target.items[to]!.event });
      const verdicts = judge([{ ...target, items }, p.sides[1]]);
      if (safe(verdicts)) out.push({ kind: 'disable-irqs-earlier', at: moved!.event, before: target.items[to]!.event, side: 0, verified: verdicts });
    }
  }
  // A full barrier after each write (or RMW) that some later read on the same side follows.
  for (const side of [0, 1] as const) {
    const s = p.sides[side];
    s.items.forEach((it, k) => {
      if (it.role !== 'write' || !s.items.slice(k + 1).some((x) => x.role === 'read' || (x.role === 'write' && x.reg))) return;
      const items: Item[] = [...s.items];
      items.splice(k + 1, 0, { event: it.event, stmts: [{ kind: 'expr', expr: { kind: 'call', name: 'smp_mb', args: [], pos: it.stmts[0]!.pos }, pos: it.stmts[0]!.pos }] });
      const sides: [SideIr, SideIr] = side === 0 ? [{ ...s, items }, p.sides[1]] : [p.sides[0], { ...s, items }];
      const verdicts = judge(sides);
      if (safe(verdicts)) out.push({ kind: 'insert-mb', at: it.event, side, verified: verdicts });
    });
  }
  return out;
}
