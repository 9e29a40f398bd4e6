// Which of the document's functions were judged. Exit status 0 must mean "judged and clean",
// never "saw nothing": a function whose shared accesses met no peer, or whose scenarios no
// target could decide (an unsupported construct, the budget), is listed as not judged, with
// the reason; a function seen only in part says which part was missing. A function a check
// reported on was judged by that check, even with no ordering scenario simulated (a lock
// order, a test outside its lock): its reason says which part was not.
import type { Thread } from '../extract/types';
import { isSharedAccess } from '../pair/peers';
import type { CheckContext } from './context';
import type { Finding, FunctionCoverage } from './types';

export function functionCoverage(ctx: CheckContext, a: { threads: readonly Thread[]; judgedElsewhere: ReadonlySet<Thread>; findings: readonly Finding[] }): FunctionCoverage[] {
  const out = new Map<string, FunctionCoverage>();
  // The post-image speaks for a patched function; a function the patch deletes has only its pre-image.
  const ordered = [...a.threads].sort((x, y) => (x.side === 'pre' ? 1 : 0) - (y.side === 'pre' ? 1 : 0));
  for (const t of ordered) {
    const key = `${t.file ?? ''}|${t.unit ?? ''}|${t.name}`;
    const seen = out.get(key);
    if (seen?.judged) continue;
    const judged = ctx.analysis.scenariosOf(t).some((j) => j.judgement.models.some((m) => j.targets.includes(m.model) && (m.verdict === 'allowed' || m.verdict === 'forbidden')))
      || a.judgedElsewhere.has(t);
    const caveats = t.partial ? [`only part of ${t.name}() is in the patch (no tree file to rebuild it from): accesses outside the hunk are not seen`] : undefined;
    let reason: string | undefined;
    if (!judged) {
      const unjudged = ctx.analysis.scenariosOf(t).flatMap((j) => j.judgement.models.filter((m) => j.targets.includes(m.model) && m.detail).map((m) => `${m.verdict}: ${m.detail}`));
      const shared = t.events.filter(isSharedAccess);
      reason = unjudged[0] ?? (shared.length === 0 ? undefined : `no peer in view for \`${shared[0]!.loc.text}\``);
      // Nothing shared and nothing to order: there is nothing to judge, which is not a gap.
      if (reason === undefined) { out.set(key, { function: t.name, place: ctx.place(t, t.span), judged: true, reason: 'no shared accesses', ...(caveats ? { caveats } : {}) }); continue; }
    }
    const place = ctx.place(t, t.span);
    // A finding in the document itself has no file (a patch's line may be outside the function's
    // rebuilt place); one elsewhere names the function's file.
    const checks = judged ? [] : [...new Set(a.findings.filter((f) => (f.severity === 'warning' || f.severity === 'error') && f.place.function === t.name
      && (f.place.file === undefined || f.place.file === place.file)).map((f) => f.code))];
    if (checks.length > 0) reason = `judged by ${checks.join(', ')} only; ordering not judged: ${reason}`;
    out.set(key, { function: t.name, place, judged: judged || checks.length > 0, ...(reason ? { reason } : {}), ...(caveats ? { caveats } : {}) });
  }
  return [...out.values()];
}
