// What real hypervisor APIs do to locks, for the lock-order check only: a call that takes a
// lock and keeps it (get_gfn*() until put_gfn()), one that takes and drops it inside
// (hvm_gsi_assert()), one that releases, and one that may call a function whose body may be in
// view (put_page() frees the page through free_domheap_pages() when it drops the last
// reference). Kept apart from the ordering knowledge base on purpose: these facts add lock
// edges for deadlock reasoning and must not change what the memory-model simulation sees.
import type { Os } from './types';

/** Which lock a call names: a field path under one argument, or a fixed type-rooted key. */
export interface FactLock {
  /** The argument the lock hangs off (its value, not its address). */
  readonly arg: number;
  /** The argument's type as the function declares it (`struct domain`); types the key. */
  readonly argType?: string;
  /** Field path under the argument (`arch.hvm.irq_lock`); empty when the argument is the lock itself. */
  readonly path: string;
  /**
   * The lock is not under the argument but found from it (the host p2m of a domain): the key
   * is fixed, and `text` shows it with `$0`, `$1` standing for the arguments.
   */
  readonly key?: string;
  readonly text?: string;
  /** Taking it again on the same CPU does not block (spin_lock_recursive, mm locks). */
  readonly recursive: boolean;
  readonly mode: 'spin' | 'read' | 'write';
  /**
   * The lock's class in Xen's mm lock hierarchy (xen/arch/x86/mm/mm-locks.h), when it has one.
   * Several classes: the lock may be any of them (p2m_lock() of a host or an alternate p2m).
   * The levels are read from the header when it is in view, never from here.
   */
  readonly classes?: readonly string[];
}

export type LockFact =
  | { readonly name: string; readonly os: readonly Os[]; readonly effect: 'acquire' | 'release' | 'acquire-release'; readonly lock: FactLock; readonly source: string; readonly note?: string }
  /** May call `callee` (whose body, when in view, gives the locks it takes). */
  | { readonly name: string; readonly os: readonly Os[]; readonly effect: 'calls'; readonly callee: string; readonly source: string; readonly note?: string };

const field = (arg: number, argType: string, path: string, more: Partial<FactLock> = {}): FactLock =>
  ({ arg, argType, path, recursive: false, mode: 'spin', ...more });

const HVM_IRQ = 'xen: xen/arch/x86/hvm/irq.c (spin_lock(&d->arch.hvm.irq_lock) around the assertion)';
const irqLock = field(0, 'struct domain', 'arch.hvm.irq_lock');

const MM_LOCKS = 'xen: xen/arch/x86/mm/mm-locks.h';
const P2M_H = 'xen: xen/arch/x86/include/asm/p2m.h; xen/arch/x86/mm/p2m.c (gfn_lock_if(locked, p2m, gfn, 0): "Grab the lock here, don\'t release until put_gfn")';
/** Every p2m table's lock, whichever table: how a `struct p2m_domain *` argument keys it. */
const ANY_P2M = 'struct p2m_domain->lock';
/** The host p2m's lock (d->arch.p2m), and an alternate p2m's (d->arch.altp2m_p2m[i]). */
const HOST_P2M = 'struct domain->arch.p2m->lock';
const ALT_P2M = 'struct domain->arch.altp2m_p2m[]->lock';
/** The host p2m of a domain, as get_gfn*() and put_gfn() reach it (p2m_get_hostp2m(d)). */
const hostP2m: FactLock = { arg: 0, path: 'lock', key: HOST_P2M, text: 'p2m_get_hostp2m($0)->lock', recursive: true, mode: 'write', classes: ['p2m'] };
/** A p2m table's own lock: the host's (class p2m) or an alternate one's (class altp2m). */
const p2mLock = field(0, 'struct p2m_domain', 'lock', { recursive: true, mode: 'write', classes: ['p2m', 'altp2m'] });
const mm = (path: string, argType: string, cls: string, mode: 'write' | 'read' = 'write'): FactLock =>
  field(0, argType, path, { recursive: true, mode, classes: [cls] });

const x86 = (name: string, effect: 'acquire' | 'release' | 'acquire-release', lock: FactLock, source: string, note?: string): LockFact =>
  ({ name, os: ['xen'], effect, lock, source, ...(note ? { note } : {}) });

export const LOCK_FACTS: readonly LockFact[] = [
  // Virtual interrupt lines: each takes the domain's HVM IRQ lock around the assertion.
  ...['hvm_gsi_assert', 'hvm_gsi_deassert', 'hvm_pci_intx_assert', 'hvm_pci_intx_deassert', 'hvm_isa_irq_assert', 'hvm_isa_irq_deassert']
    .map((name) => x86(name, 'acquire-release', irqLock, HVM_IRQ)),
  // p2m lookups that lock the entry (the host p2m lock) until put_gfn().
  ...['get_gfn', 'get_gfn_query', 'get_gfn_unshare', 'get_gfn_type', 'get_gfn_guest'].map((name) => x86(name, 'acquire', hostP2m, P2M_H)),
  x86('get_gfn_type_access', 'acquire', { ...p2mLock }, P2M_H),
  x86('put_gfn', 'release', hostP2m, P2M_H),
  x86('p2m_put_gfn', 'release', p2mLock, P2M_H),
  // The mm locks: every one is taken through spin_lock_recursive()/percpu rwlocks with the
  // level check of _mm_lock(), so taking one again on the same CPU does not block.
  ...['p2m_lock', 'p2m_lock_recursive', 'gfn_lock'].map((name) => x86(name, 'acquire', p2mLock, MM_LOCKS)),
  ...['p2m_unlock', 'gfn_unlock'].map((name) => x86(name, 'release', p2mLock, MM_LOCKS)),
  x86('p2m_read_lock', 'acquire', field(0, 'struct p2m_domain', 'lock', { recursive: true, mode: 'read', classes: ['p2m', 'altp2m'] }), MM_LOCKS),
  x86('p2m_read_unlock', 'release', field(0, 'struct p2m_domain', 'lock', { recursive: true, mode: 'read', classes: ['p2m', 'altp2m'] }), MM_LOCKS),
  ...['paging_lock', 'paging_lock_recursive'].map((name) => x86(name, 'acquire', mm('arch.paging.lock', 'struct domain', 'paging'), MM_LOCKS)),
  x86('paging_unlock', 'release', mm('arch.paging.lock', 'struct domain', 'paging'), MM_LOCKS),
  x86('nestedp2m_lock', 'acquire', mm('arch.nested_p2m_lock', 'struct domain', 'nestedp2m'), MM_LOCKS),
  x86('nestedp2m_unlock', 'release', mm('arch.nested_p2m_lock', 'struct domain', 'nestedp2m'), MM_LOCKS),
  x86('altp2m_list_lock', 'acquire', mm('arch.altp2m_list_lock', 'struct domain', 'altp2mlist'), MM_LOCKS),
  x86('altp2m_list_unlock', 'release', mm('arch.altp2m_list_lock', 'struct domain', 'altp2mlist'), MM_LOCKS),
  x86('pod_lock', 'acquire', mm('pod.lock', 'struct p2m_domain', 'pod'), MM_LOCKS),
  x86('pod_unlock', 'release', mm('pod.lock', 'struct p2m_domain', 'pod'), MM_LOCKS),
  // Recursive spinlocks: the owner may take them again (the knowledge base's spin_lock may not).
  { name: 'spin_lock_recursive', os: ['xen'], effect: 'acquire', lock: { arg: 0, path: '', recursive: true, mode: 'spin' }, source: 'xen: xen/common/spinlock.c (_spin_lock_recursive)' },
  { name: 'spin_unlock_recursive', os: ['xen'], effect: 'release', lock: { arg: 0, path: '', recursive: true, mode: 'spin' }, source: 'xen: xen/common/spinlock.c (_spin_unlock_recursive)' },
  // Dropping the last reference frees the page.
  ...['put_page', 'put_page_and_type'].map((name): LockFact => ({
    name, os: ['xen'], effect: 'calls', callee: 'free_domheap_pages',
    source: 'xen: xen/arch/x86/mm.c, xen/arch/arm/mm.c (put_page: free_domheap_page() when the count drops to 0); xen/include/xen/mm.h (free_domheap_page(p) is free_domheap_pages(p, 0))',
    note: 'when the reference dropped is the last one',
  })),
];

/**
 * Which one of the locks a fact's argument type keys, told by where the argument comes from:
 * the expression passed, or what the caller's local pointer was set to (every value it is set
 * to, NULL aside, must say the same). The p2m macros take a table's lock at the class
 * p2m_is_altp2m() gives it (xen/arch/x86/mm/mm-locks.h, p2m_lock(): mm_write_lock(altp2m, ...)
 * for an alternate table, mm_write_lock(p2m, ...) otherwise), and the code names the host table
 * and the alternate ones apart (xen/arch/x86/include/asm/p2m.h: p2m_get_hostp2m(d) returns
 * d->arch.p2m, p2m_get_altp2m(v) an entry of d->arch.altp2m_p2m[]; xen/arch/x86/mm/altp2m.c
 * indexes that array, through array_access_nospec() since 2019). A nested p2m is of class p2m
 * but not the host's: it stays any p2m, as does p2m_get_p2m(v), which gives either.
 */
export interface LockInstance {
  /** The argument type of the facts it narrows, and the key it narrows. */
  readonly argType: string;
  readonly within: string;
  readonly key: string;
  readonly classes: readonly string[];
  /** What the argument is, as written: one of these, whole (compact text). */
  readonly from: readonly RegExp[];
  readonly what: string;
}

export const LOCK_INSTANCES: readonly LockInstance[] = [
  { argType: 'struct p2m_domain', within: ANY_P2M, key: HOST_P2M, classes: ['p2m'], what: 'the host p2m', from: [/^p2m_get_hostp2m\(\w+\)$/, /^\w+->arch\.p2m$/] },
  {
    argType: 'struct p2m_domain', within: ANY_P2M, key: ALT_P2M, classes: ['altp2m'], what: 'an alternate p2m',
    from: [/^\w+->arch\.altp2m_p2m\[[^\]]+\]$/, /^array_access_nospec\(\w+->arch\.altp2m_p2m,[^,()]+\)$/, /^p2m_get_altp2m\(\w+\)$/],
  },
];

const byName = new Map<string, LockFact[]>();
for (const f of LOCK_FACTS) byName.set(f.name, [...(byName.get(f.name) ?? []), f]);

/** The fact about `name` in this code base, if any. */
export function lockFact(name: string, os: Os): LockFact | undefined {
  return byName.get(name)?.find((f) => f.os.includes(os));
}
