// The finding for one ordering fault (shared by missing-barrier and arch-specific-ordering):
// placed on the access that needs the barrier, related to the other accesses of each case and
// to the barrier (if any) on the other CPU.
import { sideIndexIn, type Fault } from './ordering';
import type { CheckContext } from './context';
import { faultExplanation, faultMessage } from './explain';
import { placeKey, type CheckCode, type Finding, type Related } from './types';
import { fencePrim, orderingEvents } from './litmus-build';

export function faultFinding(ctx: CheckContext, f: Fault, codeName: CheckCode): Finding {
  const related: Related[] = [];
  const seen = new Set<string>();
  const push = (r: Related): void => {
    const k = `${placeKey(r.place)}:${r.message}`;
    if (!seen.has(k)) { seen.add(k); related.push(r); }
  };
  for (const c of f.cases) {
    const at = sideIndexIn(f, c);
    const mine = c.scenario.sides[at];
    if (mine.first) push({ place: ctx.place(f.thread, mine.first), message: `the access that must stay before it: \`${mine.first.text}\`` });
    const other = c.scenario.sides[1 - at]!;
    if (other.synthesized) continue;
    if (other.first) push({ place: ctx.place(other.thread, other.first), message: `${other.thread.name}() accesses \`${other.firstLoc.text}\` here` });
    push({ place: ctx.place(other.thread, other.second), message: `then \`${other.second.text}\` in ${other.thread.name}()` });
    const fence = orderingEvents(other).between.find((e) => e.kind === 'F');
    if (fence && fence.kind === 'F') push({ place: ctx.place(other.thread, fence), message: `paired barrier: ${fencePrim(fence.fence)}() in ${other.thread.name}()${fence.via?.length ? ` (via ${fence.via.map((v) => `${v.callee}()`).join(' → ')})` : ''}` });
  }
  const lead = f.cases.find((c) => c.allowed.length > 0) ?? f.cases[0]!;
  return {
    id: f.id,
    code: codeName,
    severity: 'warning',
    place: ctx.place(f.thread, f.side.second),
    message: faultMessage(f),
    explanation: faultExplanation(f),
    related,
    models: lead.judgement.models,
    witness: lead.judgement.witness,
    litmus: lead.judgement.litmus,
    fixes: [],
  };
}
