// missing-barrier: an ordering the code needs can break on every architecture it targets.
//
// hvbarrier pairs the function with the code that runs against it (another function in the
// patch or file, a function in the workspace, or a synthesized observer), finds the two-CPU
// cycle (message passing, store buffering, load buffering) and asks the simulator whether the
// bad outcome is allowed. The finding sits on the access that needs a barrier before it; its
// evidence is the verdict per model and the execution that breaks, and its fixes were
// re-simulated. Example: `v->is_initialised = 1` published before the vCPU context stores, read
// by do_domctl() with no ordering on Arm: insert smp_wmb() before it.
import type { Finding } from './types';
import type { CheckContext } from './context';
import { faultFinding } from './fault-finding';

export function missingBarrier(ctx: CheckContext): Finding[] {
  return ctx.analysis.faults
    // Allowed wherever it can be judged: no target vouches for the code. (A target that cannot
    // judge it, say a hardware model facing an RCU grace period, is named in the message.)
    .filter((f) => f.forbidden.length === 0)
    .map((f) => faultFinding(ctx, f, 'missing-barrier'));
}
