// A patch that drops what a vCPU does to prepare its wake-up right before it sleeps.
//
// Before a vCPU sleeps, the hypervisor makes the state its wake-up check reads current and
// arms the wake sources (KVM's kvm_arch_vcpu_blocking(), Xen's arch_vcpu_block(); a wrapper
// such as arm64's kvm_vcpu_wfi() around kvm_vcpu_halt()). Two shapes lose that preparation:
// - a call removed from a before-sleep hook, when the call updates state (a write in its
//   body) and the patch does not make it elsewhere: the check that follows reads stale state;
// - a wrapper replaced by the sleeping call it wraps: everything the wrapper did before
//   sleeping is skipped. The wrapper's steps come from its body in view, or from the
//   knowledge base (engine/kb/hv-events.ts, SLEEP_WRAPPERS) when it is not in view.
// Either way an interrupt or event pending for the vCPU may not wake it.
import type { Event, Thread } from '../extract/types';
import type { Os } from '../kb/types';
import { BEFORE_SLEEP_HOOKS, BLOCK_CALLS, SLEEP_WRAPPERS, callIn } from '../kb/hv-events';
import type { CheckContext } from './context';
import { imagePairs, type imageCounterparts } from './differential';
import { placeKey, type Finding } from './types';

type Call = Extract<Event, { kind: 'CALL' }>;
const callKey = (e: Call): string => `${e.callee}(${e.args.join(',')})`;
const calls = (t: Thread): Call[] => t.events.filter((e): e is Call => e.kind === 'CALL');
/** Events a call's inlined body produced (its callee is the first frame). */
const inside = (t: Thread, c: Call): Event[] => t.events.filter((e) => e.via?.[0]?.callee === c.callee && e.span.line === c.span.line && e.span.col === c.span.col);

export function lostSleepPreparation(ctx: CheckContext, a: { docAll: readonly Thread[]; counterpart: ReturnType<typeof imageCounterparts> }): Finding[] {
  const os = ctx.sources.osOf(0);
  // Calls the patch's post-images make anywhere: a step moved, not dropped.
  const made = new Set(a.docAll.filter((t) => t.side === 'post').flatMap((t) => calls(t).map(callKey)));
  const out: Finding[] = [];
  for (const { pre: t, post } of imagePairs(a.docAll, a.counterpart)) {
    const hook = BEFORE_SLEEP_HOOKS.find((h) => h.name === t.name && h.os.includes(os));
    if (hook) out.push(...removedFromHook(ctx, { t, post, made, source: hook.source }));
    out.push(...bypassedWrappers(ctx, { t, post, os }));
  }
  return out;
}

function removedFromHook(ctx: CheckContext, a: { t: Thread; post: Thread; made: ReadonlySet<string>; source: string }): Finding[] {
  return calls(a.t).filter((c) => !c.via?.length && !a.made.has(callKey(c))).flatMap((c) => {
    const writes = inside(a.t, c).filter((e): e is Extract<Event, { kind: 'W' | 'RMW' }> => e.kind === 'W' || e.kind === 'RMW');
    if (writes.length === 0) return [];
    const place = ctx.place(a.t, c.stmt);
    const state = [...new Set(writes.map((w) => `\`${w.loc.text}\``))].slice(0, 3).join(', ');
    return [{
      id: `lost-wakeup:${placeKey(place)}:before-sleep`, code: 'lost-wakeup' as const, severity: 'warning' as const, place,
      message: `This patch removes ${c.callee}() from ${a.t.name}(), which runs right before the vCPU sleeps: it updated ${state}, and the wake-up check that follows may now read it stale and put the vCPU to sleep with an interrupt pending.`,
      explanation: [
        `${a.t.name}() is where the vCPU makes its wake-up state current before it sleeps (${a.source}).`,
        `The removed call wrote ${state}. Keep it, or say in the commit message why the check no longer needs it.`,
      ].join('\n'),
      related: [], models: [], fixes: [],
    }];
  });
}

/** The pre-image calls a wrapper; the post-image calls the sleep it wraps directly and not the wrapper. */
function bypassedWrappers(ctx: CheckContext, a: { t: Thread; post: Thread; os: Os }): Finding[] {
  const out: Finding[] = [];
  const after = calls(a.post).filter((c) => !c.via?.length);
  for (const w of calls(a.t).filter((c) => !c.via?.length)) {
    if (after.some((c) => c.callee === w.callee)) continue;
    const steps = wrapperSteps(a.t, w, a.os);
    if (!steps) continue;
    const direct = after.find((c) => c.callee === steps.sleep);
    if (!direct) continue;
    const place = ctx.place(a.post, direct.stmt);
    out.push({
      id: `lost-wakeup:${placeKey(place)}:bypassed-wrapper`, code: 'lost-wakeup', severity: 'warning', place,
      message: `This patch calls ${steps.sleep}() directly where ${a.t.name}() called ${w.callee}(), which before sleeping ${steps.prepares}: without it an interrupt pending for the vCPU may not wake it.`,
      explanation: [
        `${w.callee}() prepares the wake-up and then sleeps in ${steps.sleep}() (${steps.source}).`,
        `Call ${w.callee}() as before, or do what it does before ${steps.sleep}().`,
      ].join('\n'),
      related: [{ place: ctx.place(a.t, w.stmt), message: `the call of ${w.callee}() that the patch replaces` }],
      models: [], fixes: [],
    });
  }
  return out;
}

/** What a wrapper does before the sleep it wraps: from its body in view, else the knowledge base. */
function wrapperSteps(t: Thread, w: Call, os: Os): { sleep: string; prepares: string; source: string } | undefined {
  const body = inside(t, w);
  const sleep = body.find((e): e is Call => e.kind === 'CALL' && (e.tags.includes('sleeps') || callIn(BLOCK_CALLS, e.callee, e.args)));
  if (sleep) {
    const before = body.filter((e): e is Call => e.kind === 'CALL' && e.id < sleep.id && e.via?.length === 1);
    if (before.length === 0) return undefined;
    return { sleep: sleep.callee, prepares: `calls ${before.map((c) => `${c.callee}()`).join(', ')}`, source: 'its body in view' };
  }
  const known = SLEEP_WRAPPERS.find((k) => k.name === w.callee && k.os.includes(os));
  return known && { sleep: known.sleeps, prepares: known.prepares, source: known.source };
}
