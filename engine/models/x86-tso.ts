// x86-TSO (Owens, Sarkar, Sewell, "A better x86 memory model: x86-TSO"; herd's x86tso.cat),
// with C primitives as Linux compiles them on x86-64:
//   READ_ONCE/WRITE_ONCE/acquire/release → MOV; smp_rmb/smp_wmb/barrier → compiler barrier only;
//   smp_mb (and smp_mb__before/after_atomic... only when they stand for smp_mb) → MFENCE-like;
//   every RMW (xchg, cmpxchg even when it fails, atomic_*, spin_lock) → LOCK-prefixed, fully ordered;
//   spin_unlock → MOV; spin_is_locked → MOV.
import type { SimEvent } from '../sim/events';
import type { Model } from './model';
import { allowed, br, fencerel, forbidden } from './model';

// Only smp_mb emits a fence on x86. smp_mb__{before,after}_atomic and smp_mb__after_spinlock
// are compiler barriers there, because the RMW or lock they sit next to is already LOCK-prefixed.

function locked(e: SimEvent): boolean {
  return e.rmw !== undefined || e.lock === 'LKR' || e.lock === 'LKW' || e.lock === 'LF';
}

export const x86tso: Model = {
  name: 'x86-tso',
  title: 'x86-TSO',
  unsupported: (e) => (e.fence === 'sync-rcu' || e.fence === 'sync-srcu' ? `${e.instr} (grace periods are not a hardware ordering)` : undefined),
  check(x) {
    const { po, rf, co, fr, ext, M, R, W } = x;
    // Per-location coherence and atomicity hold by construction of the candidates (see candidates.ts).
    if (!x.rmw.inter(fr.inter(ext).seq(co.inter(ext))).isEmpty()) return forbidden('atomic');
    const L = x.where(locked);
    const poGhb = br(W).seq(po).seq(br(W)).union(br(R).seq(po).seq(br(M)));
    const mfence = fencerel(x, 'mb').restrict(M, M);
    const implied = br(M).seq(po).seq(br(L)).union(br(L).seq(po).seq(br(M)));
    const rfe = rf.inter(ext);
    const ghb = poGhb.union(mfence, implied, rfe, fr, co);
    if (!ghb.acyclic()) return forbidden('tso');
    return allowed();
  },
};
