// The Linux kernel memory model (tools/memory-model: linux-kernel.bell, linux-kernel.cat,
// lock.cat; Alglave, Maranget, McKenney, Parri, Stern, "Frightening small children and
// disconcerting grown-ups", ASPLOS 2018), written from its definition: one relation per line,
// the axioms by name. Coherence and atomicity hold by construction of the candidates.
import type { SimEvent } from '../sim/events';
import type { Execution } from '../sim/execution';
import { Rel, type EventSet } from '../sim/relation';
import type { Model, ModelVerdict } from './model';
import { br, fencerel, forbidden } from './model';

// ---- tags (linux-kernel.bell) ----
const successful = (e: SimEvent): boolean => !e.failed;
const isAcquire = (e: SimEvent): boolean => e.kind === 'R' && ((e.mode === 'acquire' && successful(e)) || e.lock === 'LKR');
const isRelease = (e: SimEvent): boolean => e.kind === 'W' && (e.mode === 'release' || e.lock === 'UL');
const isMarked = (e: SimEvent): boolean => e.kind === 'F' || e.thread < 0 || e.mode !== 'plain';
const isNoreturn = (e: SimEvent): boolean => e.kind === 'R' && e.rmw === 'noreturn';
const isMbRmw = (e: SimEvent): boolean => e.rmw === 'mb' && successful(e);
const isRmwInstr = (e: SimEvent): boolean => e.rmw !== undefined;
const fenceIs = (kind: string) => (e: SimEvent): boolean => e.kind === 'F' && e.fence === kind;

/**
 * What linux-kernel.cat derives from the events, po and dependencies alone: the tag sets and
 * the fences. Candidates of one shape (Execution.shape) share it; a test whose threads read
 * different values has thousands of candidates of a few shapes.
 */
function shapeRelations(x: Execution) {
  const { po, M, R, W } = x;
  const Marked = x.where(isMarked);
  const Acquire = x.where(isAcquire);
  const Release = x.where(isRelease);
  const R4rmb = R.minus(x.where(isNoreturn));
  const RMW = x.where(isRmwInstr);
  const MbR = x.where((e) => e.kind === 'R' && isMbRmw(e));
  const MbW = x.where((e) => e.kind === 'W' && isMbRmw(e));
  const SyncRcu = x.where(fenceIs('sync-rcu'));
  const SyncSrcu = x.where(fenceIs('sync-srcu'));
  const SrcuUnlock = x.where((e) => e.srcu === 'unlock');
  const M_ = br(M);
  const rmb = br(R4rmb).seq(fencerel(x, 'rmb')).seq(br(R4rmb));
  const wmb = br(W).seq(fencerel(x, 'wmb')).seq(br(W));
  // mb without its unlock-lock term, which follows co (see check()).
  const mb = Rel.seq(M_, fencerel(x, 'mb'), M_).union(
    Rel.seq(M_, po, br(MbR), po.opt(), M_), // a fully ordered RMW acts as if smp_mb() came before it...
    Rel.seq(M_, po.opt(), br(MbW), po, M_), // ...and after it
    Rel.seq(M_, fencerel(x, 'before-atomic'), br(RMW), po.opt(), M_),
    Rel.seq(M_, po.opt(), br(RMW), fencerel(x, 'after-atomic'), M_),
    Rel.seq(M_, po.opt(), br(x.where((e) => e.lock === 'LKW')), fencerel(x, 'after-spinlock'), M_),
    Rel.seq(M_, po.opt(), br(SrcuUnlock), fencerel(x, 'after-srcu-read-unlock'), M_),
  );
  return {
    Marked, Plain: M.minus(Marked), R4rmb, SrcuUnlock, SyncRcu, SyncSrcu, M_, rmb, wmb, mb,
    afterUnlockLock: fencerel(x, 'after-unlock-lock'),
    LKR: x.where((e) => e.lock === 'LKR'), LKW: x.where((e) => e.lock === 'LKW'), UL: x.where((e) => e.lock === 'UL'),
    SrcuLock: x.where((e) => e.srcu === 'lock'),
    gp: po.seq(br(SyncRcu.union(SyncSrcu))).seq(po.opt()),
    poRel: Rel.seq(M_, po, br(Release)),
    acqPo: Rel.seq(br(Acquire), po, M_),
    mk: br(Marked),
    rcuRscsi: rcuCriticalSections(x).inv(),
  };
}

type ShapeRelations = ReturnType<typeof shapeRelations>;

/** Bounded, so a long run over many tests does not keep every test's shapes. */
const shapes = new Map<string, ShapeRelations>();

function relationsOfShape(x: Execution): ShapeRelations {
  let s = shapes.get(x.shape);
  if (!s) {
    if (shapes.size >= 256) shapes.clear();
    s = shapeRelations(x);
    shapes.set(x.shape, s);
  }
  return s;
}

export const lkmm: Model = {
  name: 'lkmm',
  title: 'Linux kernel memory model',
  check(x: Execution): ModelVerdict {
    const { po, rf, co, fr, ext, int, id, rmw, loc, M, R, W } = x;
    const shape = relationsOfShape(x);
    const { Marked, Plain, R4rmb, SyncRcu, SyncSrcu, SrcuLock, SrcuUnlock, LKR, LKW, UL, M_, rmb, wmb, gp, poRel, acqPo, mk, rcuRscsi } = shape;

    const rfe = rf.inter(ext);
    const rfi = rf.inter(int);
    const overwrite = co.union(fr);

    // Dependencies carry through plain accesses to registers-in-memory (carry-dep).
    const carryDep = x.data.seq(rfi).star();
    const addr = carryDep.seq(x.addr);
    const data = carryDep.seq(x.data);
    const ctrl = carryDep.seq(x.ctrl);

    // ---- fences (linux-kernel.cat; the parts fixed by the shape are in shapeRelations) ----
    const mb = UL.isEmpty() ? shape.mb : shape.mb.union(Rel.seq(M_, po, br(UL), co.union(po), br(LKW), shape.afterUnlockLock, M_));
    const strongFence = mb.union(gp);
    const poUnlockLockPo = Rel.seq(po, br(UL), po.union(rf), br(LKR), po);
    const nonrwFence = strongFence.union(poRel, acqPo);
    const fence = nonrwFence.union(wmb, rmb);

    // ---- happens-before ----
    const dep = addr.union(data);
    const rwdep = dep.union(ctrl).seq(br(W));
    const toW = rwdep.union(overwrite.inter(int), Rel.seq(addr, br(Plain), wmb));
    const toR = addr.seq(br(R)).union(Rel.seq(dep, br(Marked), rfi));
    const ppo = toR.union(toW, fence.inter(int), poUnlockLockPo.inter(int));

    const aCumul = (r: Rel): Rel => rfe.seq(mk).opt().seq(r);
    const rmwSequence = rf.seq(rmw).star();
    const cumulFence = Rel.seq(mk, aCumul(strongFence.union(poRel)).union(wmb, poUnlockLockPo), mk, rmwSequence);
    const prop = Rel.seq(mk, overwrite.inter(ext).opt(), cumulFence.star(), mk, rfe.opt(), mk);
    const hb = Rel.seq(mk, ppo.union(rfe, prop.minus(id).inter(int)), mk);
    if (!hb.acyclic()) return forbidden('happens-before');

    // ---- propagation ----
    const hbStar = hb.star();
    const pb = Rel.seq(prop, strongFence, hbStar, mk);
    if (!pb.acyclic()) return forbidden('propagation');
    const pbStar = pb.star();

    // ---- RCU: grace periods against read-side critical sections ----
    // srcu-rscs (bell): the index flows from the lock to the unlock by data, possibly through
    // memory (carry-srcu-data), and both name the same srcu_struct.
    const carrySrcuData = Rel.seq(x.data, br(M.minus(SrcuUnlock)), rf).star();
    const srcuRscsi = Rel.seq(br(SrcuLock), carrySrcuData, x.data, br(SrcuUnlock)).inter(loc).inv();
    const rcuGp = br(SyncRcu);
    const srcuGp = br(SyncSrcu);
    let rcuFence = Rel.empty(x.n);
    let rb = Rel.empty(x.n);
    if (!SyncRcu.union(SyncSrcu).isEmpty()) {
      const rcuLink = Rel.seq(po.opt(), hbStar, pbStar, prop, po);
      const rcuOrder = rcuOrderFixpoint({ rcuGp, srcuGp, rcuRscsi, srcuRscsi, rcuLink, loc });
      rcuFence = Rel.seq(po, rcuOrder, po.opt());
      rb = Rel.seq(prop, rcuFence, hbStar, pbStar, mk);
      if (!rb.irreflexive()) return forbidden('rcu');
    }

    // ---- plain accesses: coherence and data races ----
    return plainAccesses({ x, Marked, Plain, hb, pb, rb, fence: fence.union(rcuFence), nonrwFence, strongFence: strongFence.union(rcuFence), cumulFence, rmwSequence, R4rmb, addr });
  },
};

/** rcu-rscs: each outermost rcu_read_lock() paired with the rcu_read_unlock() that closes it. */
function rcuCriticalSections(x: Execution): Rel {
  const r = Rel.empty(x.n);
  const open = new Map<number, { depth: number; start: number }>();
  for (const e of x.events) {
    if (e.kind !== 'F') continue;
    const st = open.get(e.thread) ?? { depth: 0, start: -1 };
    if (e.fence === 'rcu-lock') {
      if (st.depth === 0) st.start = e.id;
      st.depth++;
    } else if (e.fence === 'rcu-unlock' && st.depth > 0) {
      st.depth--;
      if (st.depth === 0) r.add(st.start, e.id);
    }
    open.set(e.thread, st);
  }
  return r;
}

/**
 * rcu-order, the least fixpoint of its recursive definition: any chain of grace periods and
 * critical sections joined by rcu-link with at least as many grace periods as critical sections.
 */
function rcuOrderFixpoint(a: { rcuGp: Rel; srcuGp: Rel; rcuRscsi: Rel; srcuRscsi: Rel; rcuLink: Rel; loc: Rel }): Rel {
  const { rcuGp, srcuGp, rcuRscsi, srcuRscsi, rcuLink: L, loc } = a;
  // The steps into and out of `order` do not change between rounds: compose them once.
  const gpL = rcuGp.seq(L);
  const srcuGpL = srcuGp.seq(L);
  const rscsL = rcuRscsi.seq(L);
  const srcuRscsL = srcuRscsi.seq(L);
  const lRscs = L.seq(rcuRscsi);
  const lSrcuRscs = L.seq(srcuRscsi);
  const lGp = L.seq(rcuGp);
  const lSrcuGp = L.seq(srcuGp);
  const base = rcuGp.union(
    srcuGp,
    gpL.seq(rcuRscsi),
    srcuGpL.seq(srcuRscsi).inter(loc),
    rscsL.seq(rcuGp),
    srcuRscsL.seq(srcuGp).inter(loc),
  );
  let order = base;
  for (;;) {
    const orderL = order.seq(L);
    const next = base.union(
      Rel.seq(gpL, order, lRscs),
      Rel.seq(srcuGpL, order, lSrcuRscs).inter(loc),
      Rel.seq(rscsL, order, lGp),
      Rel.seq(srcuRscsL, order, lSrcuGp).inter(loc),
      orderL.seq(order),
    );
    if (next.minus(order).isEmpty()) return next;
    order = next;
  }
}

/** The plain-coherence axiom and the data-race flag (linux-kernel.cat, last section). */
function plainAccesses(a: {
  x: Execution; Marked: EventSet; Plain: EventSet; hb: Rel; pb: Rel; rb: Rel; fence: Rel; nonrwFence: Rel;
  strongFence: Rel; cumulFence: Rel; rmwSequence: Rel; R4rmb: EventSet; addr: Rel;
}): ModelVerdict {
  const { x, Marked, Plain } = a;
  if (Plain.isEmpty()) return { allowed: true };
  const { rf, co, fr, ext, int, M, W, IW } = x;
  const mk = br(Marked);
  const rfe = rf.inter(ext);
  const xbstar = a.hb.union(a.pb, a.rb).star();
  const vis = Rel.seq(a.cumulFence.star(), rfe.opt(), mk, Rel.seq(a.strongFence, mk, xbstar).union(xbstar.inter(int)));
  const notNoreturn = M.minus(x.where((e) => e.kind === 'R' && e.rmw === 'noreturn'));
  const rmbRel = fencerel(x, 'rmb');
  const wPreBounded = mk.seq(a.addr.union(a.fence).opt());
  const rPreBounded = mk.seq(a.addr.union(a.nonrwFence, Rel.seq(br(a.R4rmb), rmbRel, br(notNoreturn))).opt());
  const wPostBounded = Rel.seq(a.fence.opt(), mk, a.rmwSequence);
  const rPostBounded = Rel.seq(a.nonrwFence.union(Rel.seq(br(notNoreturn), rmbRel, br(a.R4rmb))).opt(), mk);
  const wwVis = a.fence.union(Rel.seq(a.strongFence, xbstar, wPreBounded), Rel.seq(wPostBounded, vis, wPreBounded));
  const wrVis = a.fence.union(Rel.seq(a.strongFence, xbstar, rPreBounded), Rel.seq(wPostBounded, vis, rPreBounded));
  const rwXbstar = a.fence.union(Rel.seq(rPostBounded, xbstar, wPreBounded));
  const preRace = ext.inter(Rel.cross(Plain, M).union(Rel.cross(M.minus(IW), Plain)));
  const wrIncoh = preRace.inter(rf).inter(rwXbstar.inv());
  const rwIncoh = preRace.inter(fr).inter(wrVis.inv());
  const wwIncoh = preRace.inter(co).inter(wwVis.inv());
  if (!wrIncoh.union(rwIncoh, wwIncoh).isEmpty()) return forbidden('plain-coherence');
  const wwNonrace = wwVis.inter(Rel.cross(Marked, W).union(rwXbstar)).inter(Rel.cross(W, Marked).union(wrVis));
  const wwRace = preRace.inter(co).minus(wwNonrace);
  const wrRace = preRace.inter(co.opt().seq(rf)).minus(wrVis).minus(rwXbstar.inv());
  const rwRace = preRace.inter(fr).minus(rwXbstar);
  const flags: string[] = [];
  if (!wwRace.union(wrRace, rwRace).isEmpty()) flags.push('data-race');
  // A plain write and a marked access of the same location in one thread, with no barrier()
  // between them: the compiler may merge or tear them.
  const poLocNoBarrier = x.po.inter(x.loc).minus(fencerel(x, 'barrier'));
  const plainW = br(Plain.inter(W));
  if (!Rel.seq(plainW, poLocNoBarrier, mk).union(Rel.seq(mk, poLocNoBarrier, plainW)).isEmpty()) flags.push('mixed-accesses');
  return { allowed: true, flags };
}
