// One fault, one finding. A broken handshake can be seen from both CPUs (the writer needs a
// barrier and so does the reader), a lonely barrier on one side is the same fault as the
// unordered other side, and a page that shows the same patch twice shows every fault twice.
// Each of these becomes one finding on its lead place, the other places related to it.
import type { Fault } from './ordering';
import { placeKey as at, type Finding } from './types';

export function oneFindingPerFault(findings: readonly Finding[], byFault: ReadonlyMap<string, Fault>): Finding[] {
  // Faults that share a scenario are one handshake: union them, the writer (MP side 0) leading.
  const parent = new Map<string, string>();
  const find = (x: string): string => { while (parent.get(x) !== x) x = parent.get(x)!; return x; };
  const ordered = findings.filter((f) => byFault.has(f.id));
  for (const f of ordered) parent.set(f.id, f.id);
  const owner = new Map<string, string>();
  for (const f of ordered) {
    for (const c of byFault.get(f.id)!.cases) {
      const o = owner.get(c.scenario.id);
      if (o === undefined) owner.set(c.scenario.id, f.id);
      else parent.set(find(f.id), find(o));
    }
  }
  const groups = new Map<string, Finding[]>();
  for (const f of ordered) (groups.get(find(f.id)) ?? groups.set(find(f.id), []).get(find(f.id))!).push(f);
  const merged = new Map<string, Finding>();
  for (const g of groups.values()) {
    const lead = g.find((f) => byFault.get(f.id)!.sideIndex === 0) ?? g[0]!;
    const rest = g.filter((f) => f !== lead);
    merged.set(lead.id, rest.length === 0 ? lead : {
      ...lead,
      message: `${lead.message} The other CPU needs ordering too (${rest.map((r) => `line ${r.place.range.line}${r.place.file ? ` of ${r.place.file}` : ''}`).join(', ')}).`,
      related: [...lead.related, ...rest.map((r) => ({ place: r.place, message: `the other side of the same fault: ${r.message}` }))],
      fixes: [...lead.fixes, ...rest.flatMap((r) => r.fixes).filter((x) => !lead.fixes.some((y) => y.title === x.title))],
    });
  }
  const faultPlaces = new Set([...merged.values()].flatMap((f) => [at(f.place), ...f.related.map((r) => at(r.place))]));
  const out: Finding[] = [];
  for (const f of findings) {
    if (byFault.has(f.id)) { if (merged.has(f.id)) out.push(merged.get(f.id)!); continue; }
    // A lonely barrier is the same fault as the unordered access on the other side.
    if (f.code === 'unpaired-barrier' && f.related.some((r) => faultPlaces.has(at(r.place)))) continue;
    out.push(f);
  }
  return copiesMerged(lostWakeupsFolded(out));
}

/**
 * A lost wake-up whose cause is an ordering fault reported between the same two functions
 * (the store-buffering handshake of vcpu->mode and the requests, without its smp_mb()) is one
 * fault: the lost wake-up is what a reviewer asks about, so it leads; the ordering fault's
 * place is related and its verified fixes come along.
 */
function lostWakeupsFolded(findings: readonly Finding[]): Finding[] {
  const ordering = (f: Finding): boolean => f.code === 'missing-barrier' || f.code === 'arch-specific-ordering';
  const causes = new Map<Finding, Finding[]>();
  for (const l of findings) {
    if (l.code !== 'lost-wakeup') continue;
    const waker = l.related[0]?.place.function;
    // The fault is between the same two functions, on either side (the vCPU's entry or the requester).
    const between = (f: Finding): boolean => {
      const fns = new Set([f.place.function, ...f.related.map((r) => r.place.function)]);
      return fns.has(l.place.function) && fns.has(waker);
    };
    const cs = findings.filter((f) => ordering(f) && f.severity === 'warning' && between(f));
    if (cs.length) causes.set(l, cs);
  }
  const absorbed = new Set([...causes.values()].flat());
  return findings.filter((f) => !absorbed.has(f)).map((f) => {
    const cs = causes.get(f);
    if (!cs) return f;
    return {
      ...f,
      related: [...f.related, ...cs.map((c) => ({ place: c.place, message: `the cause, the same fault: ${c.message}` }))],
      fixes: [...f.fixes, ...cs.flatMap((c) => c.fixes.map((x) => ({ ...x, preferred: false }))).filter((x) => !f.fixes.some((y) => y.title === x.title))],
    };
  });
}

/**
 * The same finding twice: on two copies of one patch (a page that quotes it twice), or in one
 * C function at two places that reach the same accesses (two calls of one callee). One, with
 * the other place related; the related message says no more than that, since either may be so.
 */
function copiesMerged(findings: readonly Finding[]): Finding[] {
  const byKey = new Map<string, Finding>();
  for (const f of findings) {
    const key = `${f.code}|${f.place.function ?? ''}|${f.place.file ?? ''}|${f.message}`;
    const seen = byKey.get(key);
    if (!seen) { byKey.set(key, f); continue; }
    byKey.set(key, { ...seen, related: [...seen.related, { place: f.place, message: 'the same finding, again here' }] });
  }
  return [...byKey.values()];
}
