// implicit-barrier (information): an ordering the code relies on comes only from a barrier
// hidden inside a callee — a spin_lock() that is a full barrier on Xen/Arm, the smp_mb() at the
// end of sync_vcpu_execstate() — so it holds by luck: change the callee and the caller breaks.
//
// Two ways in: a judged scenario that is forbidden, but allowed once the callee's fences are
// taken out; and "publication by side effect": a shared store followed by a call that makes
// another CPU act (irq_set_affinity() routes the IRQ, whose handler then reads the store), with
// only the callee's lock in between.
import type { Event, Loc, Thread } from '../extract/types';
import { compatible, isSharedAccess, writes } from '../pair/peers';
import type { Scenario } from '../pair/scenario';
import type { CheckContext } from './context';
import { allowedUnder } from './judge';
import type { SideEdit } from './litmus-build';
import { orderingEvents } from './litmus-build';
import type { Finding } from './types';

export function implicitBarrier(ctx: CheckContext): Finding[] {
  return [...viaScenarios(ctx), ...sideEffectPublications(ctx)];
}

/** Fences from callees between a side's accesses, and the call that brought them. */
function hiddenFences(t: Thread, first: Event | undefined, second: Event): Event[] {
  return orderingEvents({ thread: t, first, second }).between.filter((e) => e.kind === 'F' && e.via?.length);
}

function viaScenarios(ctx: CheckContext): Finding[] {
  const out = new Map<string, Finding>();
  for (const j of ctx.analysis.judged) {
    if (j.allowed.length > 0) continue;
    j.scenario.sides.forEach((side) => {
      if (side.synthesized || !ctx.isDocument(side.thread)) return;
      const hidden = hiddenFences(side.thread, side.first, side.second);
      if (hidden.length === 0) return;
      const allowed = ctx.analysis.rejudge(j, new Map([[side.thread, [{ kind: 'strip-implied' } as SideEdit]]]));
      if (allowed.length === 0) return;
      const callees = [...new Set(hidden.map((e) => e.via!.map((v) => `${v.callee}()`).join(' → ')))];
      const id = `implicit:${side.thread.name}:${hidden[0]!.id}`;
      if (out.has(id)) return;
      out.set(id, implicitFinding({
        ctx, id, thread: side.thread, at: hidden[0]!, callees, first: side.first, second: side.second, models: j.judgement.models, litmus: j.judgement.litmus,
      }));
    });
  }
  return [...out.values()];
}

function implicitFinding(a: {
  ctx: CheckContext; id: string; thread: Thread; at: Event; callees: string[]; first?: Event; second: Event;
  models: Finding['models']; litmus?: string; note?: string;
}): Finding {
  const what = a.first ? `\`${a.first.text}\`` : 'the earlier accesses';
  return {
    id: a.id, code: 'implicit-barrier', severity: 'information', place: a.ctx.place(a.thread, a.at.stmt),
    message: `${what} is ordered before \`${a.second.text}\` only by ${a.callees.length > 1 ? 'barriers' : 'the barrier'} implied by ${joinNames(a.callees)}: it works by luck.`,
    explanation: `Taking the ordering implied by ${joinNames(a.callees)} out of the picture makes the bad outcome allowed${a.note ? ` (${a.note})` : ''}. `
      + 'If the callee changes (a lock-free fast path, a different lock), this caller breaks silently; an explicit barrier with a comment naming its pair makes the dependency visible.',
    related: a.first ? [{ place: a.ctx.place(a.thread, a.first), message: 'the access that relies on it' }] : [],
    models: a.models, litmus: a.litmus, fixes: [],
  };
}

function joinNames(names: readonly string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** Stores published by a call that makes another CPU act (tag `hidden-lock` in the knowledge base). */
function sideEffectPublications(ctx: CheckContext): Finding[] {
  const out: Finding[] = [];
  for (const t of ctx.document) {
    if (t.side === 'pre') continue;
    for (const call of t.events) {
      if (call.kind !== 'CALL' || !call.tags.includes('hidden-lock') || call.via?.length) continue;
      const inside = t.events.filter((e) => e.id > call.id && e.via?.[0]?.callee === call.callee && e.stmt.line === call.stmt.line);
      const last = inside[inside.length - 1];
      if (!last) continue;
      const store = [...t.events].reverse().find((e) => e.id < call.id && e.kind === 'W' && isSharedAccess(e) && writes(e) && compatible(e, call));
      if (!store || t.events.some((e) => e.kind === 'F' && !e.via?.length && e.id > store.id && e.id < call.id)) continue;
      const effect: Loc = { text: `${call.callee}(${call.args[0] ?? ''})`, key: `effect:${call.callee}:${call.args[0] ?? ''}`, root: call.callee };
      const storeLoc = (store as Extract<Event, { loc: Loc }>).loc;
      const scenario: Scenario = {
        id: `MP:effect:${t.name}:${store.id}-${call.id}`, shape: 'MP', locs: [storeLoc, effect],
        sides: [
          { thread: t, first: store, second: last, firstLoc: storeLoc },
          { thread: t, first: last, second: store, firstLoc: effect, synthesized: `CPU that acts on ${call.callee}() (it reads \`${storeLoc.text}\` once the call has taken effect)` },
        ],
      };
      const targets = ctx.analysis.targetsOfScenario(scenario);
      const base = ctx.analysis.judge({ scenario, models: targets });
      if (allowedUnder(base, targets).length > 0) continue;
      // What orders the store before the call without an explicit barrier: fences inside
      // callees (per architecture), and the full barrier an atomic between them implies.
      const stripped = ctx.analysis.judge({ scenario, models: targets, edits: new Map([[t, [{ kind: 'strip-implied' } as SideEdit]]]) });
      if (allowedUnder(stripped, targets).length === 0) continue;
      const atomics = t.events.filter((e) => e.kind === 'RMW' && e.annot !== 'noreturn' && e.annot !== 'relaxed' && e.id > store.id && e.id < call.id && compatible(e, call));
      const callees = [...new Set(t.events.filter((e) => e.id > store.id && e.id <= last.id && (e.kind === 'LOCK' || e.kind === 'F') && e.via?.length && compatible(e, call)).map((e) => `${e.via![0]!.callee}()`))];
      const names = [...atomics.map((e) => `${e.prim ?? 'the atomic'}()`), ...callees];
      out.push(implicitFinding({
        ctx, id: `implicit:${t.name}:${call.id}`, thread: t, at: call, callees: names, first: store, second: call,
        models: base.models, litmus: stripped.litmus,
        note: `${call.callee}() publishes by side effect (another CPU acts on it and then reads \`${storeLoc.text}\`), and nothing explicit orders the store before it`,
      }));
    }
  }
  return out;
}
