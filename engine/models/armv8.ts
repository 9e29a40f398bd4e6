// ARMv8 AArch64, other-multi-copy atomic (the axiomatic model of the Arm ARM, B2.3, as
// simplified by Deacon/Pulte et al. "Simplifying ARM Concurrency", POPL 2018), with C
// primitives mapped to AArch64 as Linux compiles them:
//   READ_ONCE → LDR, WRITE_ONCE → STR, smp_load_acquire → LDAR, smp_store_release → STLR,
//   smp_mb → DMB ISH, smp_rmb → DMB ISHLD, smp_wmb → DMB ISHST,
//   fully ordered RMW → LDXR; STLXR; DMB ISH (a failed cmpxchg branches past the DMB: a plain LDR),
//   _relaxed RMW → LDXR/STXR, _acquire → LDAXR/STXR, _release → LDXR/STLXR, void atomics relaxed,
//   smp_mb__before_atomic / after_atomic / after_spinlock → DMB ISH,
//   spin_lock → acquire RMW (LDAXR), spin_unlock → STLR, spin_is_locked → LDR,
//   rcu_dereference → LDR (address dependency kept), rcu_assign_pointer → STLR.
// Plain C accesses are taken as single LDR/STR in program order: compiler reordering is LKMM's job.
import type { SimEvent } from '../sim/events';
import type { Model } from './model';
import { allowed, br, fencerel, forbidden } from './model';

const isAcquire = (e: SimEvent): boolean =>
  e.kind === 'R' && !e.failed && (e.mode === 'acquire' || e.lock === 'LKR');
const isRelease = (e: SimEvent): boolean =>
  e.kind === 'W' && (e.mode === 'release' || e.lock === 'UL' || (e.rmw === 'mb' && !e.failed));

export const armv8: Model = {
  name: 'armv8',
  title: 'ARMv8 (AArch64)',
  unsupported: (e) => (e.fence === 'sync-rcu' || e.fence === 'sync-srcu' ? `${e.instr} (grace periods are not a hardware ordering)` : undefined),
  check(x) {
    const { po, rf, co, fr, ext, int, addr, data, ctrl, rmw, M, R, W } = x;
    if (!rmw.inter(fr.inter(ext).seq(co.inter(ext))).isEmpty()) return forbidden('atomic');
    const A = x.where(isAcquire);
    const L = x.where(isRelease);
    const mbW = x.where((e) => e.kind === 'W' && e.rmw === 'mb');
    const rfe = rf.inter(ext);
    const rfi = rf.inter(int);
    const dmbFull = fencerel(x, 'mb', 'before-atomic', 'after-atomic', 'after-spinlock')
      .union(br(M).seq(po.opt()).seq(br(mbW)).seq(po).seq(br(M))); // the DMB ISH after a full RMW
    const dmbLd = fencerel(x, 'rmb');
    const dmbSt = fencerel(x, 'wmb');

    const obs = rfe.union(fr.inter(ext), co.inter(ext));
    const dob = addr.union(
      data,
      ctrl.seq(br(W)),
      addr.seq(po).seq(br(W)),
      addr.union(data).seq(rfi),
    );
    const aob = rmw.union(br(rmw.range()).seq(rfi).seq(br(A)));
    const bob = dmbFull.union(
      br(L).seq(po).seq(br(A)),
      br(R).seq(dmbLd),
      br(A).seq(po),
      br(W).seq(dmbSt).seq(br(W)),
      po.seq(br(L)),
    );
    const ob = obs.union(dob, aob, bob).restrict(M, M);
    if (!ob.acyclic()) return forbidden('external');
    return allowed();
  },
};
