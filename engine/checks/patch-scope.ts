// Patch review reports what the patch shows. With whole functions rebuilt from the tree, the
// checks also see code the patch does not show; a fault whose accesses all lie there was not
// made by the patch and is not its reviewer's business. It stays visible as information
// ("not shown by this patch"), never as a warning that would fail the patch.
import { outOfView } from '../patch/whole-file';
import type { Fault } from './ordering';
import type { Finding } from './types';

function outsideThePatch(fault: Fault | undefined): boolean {
  if (!fault) return false;
  return fault.cases.every((c) => c.scenario.sides.every((s) => s.synthesized || s.thread !== fault.thread
    || [s.first, s.second].every((e) => !e || outOfView(e.span.line) !== undefined)));
}

/** Warnings the predicate picks become information, their message prefixed with why. */
export function demote(findings: readonly Finding[], picks: (f: Finding) => boolean, why: string): Finding[] {
  return findings.map((f) => (f.severity === 'warning' && picks(f) ? { ...f, severity: 'information', message: `${why}: ${f.message}` } : f));
}

export function demoteOutsideThePatch(findings: readonly Finding[], faults: ReadonlyMap<string, Fault>): Finding[] {
  return demote(findings, (f) => outsideThePatch(faults.get(f.id)), 'Not shown by this patch (the accesses are outside its hunks)');
}
