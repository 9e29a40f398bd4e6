// A patch that removes a check a sleeper makes between announcing that it sleeps and sleeping.
//
// The sleeping idiom (Xen's do_poll()/vcpu_block(), Linux's set_current_state() loops) is:
// publish "I am blocked", then check every condition that should keep the CPU awake, then
// sleep. A waker that came before the announcement found nothing to wake; only the check
// after it notices the work. A condition tested in that window and gone from the post-image
// is a wake-up the function no longer notices. The sleep and the announcement are what the
// knowledge base says they are (engine/kb/hv-events.ts: the blocked bit, the scheduling call).
import { BLOCK_BITS, BLOCK_CALLS, callIn } from '../kb/hv-events';
import type { Cond, Event, Thread } from '../extract/types';
import { compact } from '../extract/scope';
import type { CheckContext } from './context';
import { imagePairs, type imageCounterparts } from './differential';
import { placeKey, type Finding } from './types';

/** A condition's text without spaces, comments or its outer parentheses, to match across images. */
const squeeze = (t: string): string => compact(t).replace(/^\((.*)\)$/, '$1');

function sleepOf(t: Thread): { sleep: Event; announce: Event } | undefined {
  const announce = t.events.find((e) => e.kind === 'RMW' && e.rmw === 'set-bit' && !!e.bit && BLOCK_BITS.test(e.bit));
  const sleep = t.events.find((e) => e.kind === 'CALL' && callIn(BLOCK_CALLS, e.callee, e.args));
  return announce && sleep && announce.id < sleep.id ? { sleep, announce } : undefined;
}

/** The `if` conditions the sleep waits on that are tested after the announcement. */
function wakeChecks(t: Thread, s: { sleep: Event; announce: Event }): Cond[] {
  // Tested after the announcement: what it reads, and the first event it guards, come later
  // (positions cannot tell: a patch's lines and its tree's lines are numbered apart).
  const after = (c: Cond): boolean => c.reads.every((r) => r > s.announce.id)
    && (t.events.find((e) => e.guards.some((g) => g.cond === c.id))?.id ?? -1) > s.announce.id;
  return s.sleep.guards.map((g) => t.conds[g.cond]).filter((c): c is Cond => !!c && c.kind === 'if' && after(c));
}

export function removedWakeChecks(ctx: CheckContext, a: { docAll: readonly Thread[]; counterpart: ReturnType<typeof imageCounterparts> }): Finding[] {
  const out: Finding[] = [];
  for (const { pre: t, post } of imagePairs(a.docAll, a.counterpart)) {
    const before = sleepOf(t);
    const after = sleepOf(post);
    if (!before || !after) continue;
    const kept = new Set(wakeChecks(post, after).map((c) => squeeze(c.text)));
    for (const c of wakeChecks(t, before)) {
      if (kept.has(squeeze(c.text))) continue;
      const place = ctx.place(t, c.span);
      out.push({
        id: `lost-wakeup:${placeKey(place)}:removed-check`, code: 'lost-wakeup', severity: 'warning', place,
        message: `This patch removes the check \`${squeeze(c.text)}\` that ${t.name}() makes after it marks itself blocked and before it sleeps: a wake-up that condition stands for, if it came before the block, is no longer noticed, and the CPU sleeps with it pending.`,
        explanation: [
          `${t.name}() announces that it sleeps (\`${before.announce.text}\`), tests the conditions that should keep it awake, then sleeps (\`${before.sleep.text}\`).`,
          'A waker that ran before the announcement saw nobody to wake; only a test after the announcement notices what it published.',
          `After the patch \`${squeeze(c.text)}\` is no longer tested there. Keep the test, or say in the commit message what wakes the sleeper for it now.`,
        ].join('\n'),
        related: [{ place: ctx.place(post, after.sleep), message: `the sleep after the patch: \`${after.sleep.text}\`` }],
        models: [], fixes: [],
      });
    }
  }
  return out;
}
