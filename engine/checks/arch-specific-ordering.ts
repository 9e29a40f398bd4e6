// arch-specific-ordering: the code is correct on some target architecture and broken on
// another — typically fine on x86-TSO, which keeps stores in order and loads in order, and
// broken on ARMv8 and under LKMM, which do not (or the reverse, when an x86-only LOCK prefix is
// what saves it). This is the class of bug that hides in testing on x86 and shows on arm64.
// Example: KVM's dirty ring read with plain loads (seed 004): forbidden on x86-TSO, allowed
// on ARMv8/LKMM; fix with smp_load_acquire()/smp_store_release().
import type { Finding } from './types';
import type { CheckContext } from './context';
import { faultFinding } from './fault-finding';

export function archSpecificOrdering(ctx: CheckContext): Finding[] {
  return ctx.analysis.faults
    .filter((f) => f.forbidden.length > 0)
    .map((f) => faultFinding(ctx, f, 'arch-specific-ordering'));
}
