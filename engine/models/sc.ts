// Sequential consistency (Lamport): one global order of all memory events that respects
// program order. Fences and access modes make no difference.
import type { Model } from './model';
import { allowed, forbidden } from './model';

export const sc: Model = {
  name: 'sc',
  title: 'Sequential consistency',
  unsupported: (e) => (e.fence === 'sync-rcu' || e.fence === 'sync-srcu' ? `${e.instr} (grace periods are not a hardware ordering)` : undefined),
  check(x) {
    const com = x.rf.union(x.co, x.fr);
    if (!x.rmw.inter(x.fr.inter(x.ext).seq(x.co.inter(x.ext))).isEmpty()) return forbidden('atomic');
    if (!x.po.union(com).acyclic()) return forbidden('sc');
    return allowed();
  },
};
