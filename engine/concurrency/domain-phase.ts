// Which phase of its domain's life an event of a function runs in: past a test that the domain
// is not yet created or is dying (kb/lifecycle.ts domainPhase), its own vCPUs do not run. Lock
// orders taken only then never wait on the domain's runtime paths (checks/lock-order-inversion.ts).
import type { Event, Thread } from '../extract/types';
import { domainPhase, type DomainPhase } from '../kb/lifecycle';

export type { DomainPhase } from '../kb/lifecycle';

/** The phase the event's branches confine it to, if one of them tests the domain's life. */
export function eventPhase(t: Thread, e: Event): DomainPhase | undefined {
  for (const g of e.guards) {
    const cond = t.conds[g.cond];
    const phase = cond && domainPhase(cond.text, g.value);
    if (phase) return phase;
  }
  return undefined;
}
