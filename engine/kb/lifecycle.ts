// Where an object's life starts and where other CPUs first learn of it: the memory allocators
// whose result no other CPU knows yet, and the calls that make an object reachable. The
// construction rule (concurrency/construction.ts) starts from these. And the phases of a Xen
// domain's life in which its own vCPUs do not run (domainPhase).
import { balanced } from '../c/prepare';

/**
 * Allocators: the object they return is new memory, known only to the caller until it stores
 * the pointer somewhere. Xen: xen/include/xen/xmalloc.h (xmalloc/xzalloc and the array and
 * flex forms, xvmalloc/xvzalloc), xen/include/xen/mm.h (alloc_xenheap_pages). Linux:
 * include/linux/slab.h (kmalloc, kzalloc, kcalloc, kmalloc_array, kmem_cache_[z]alloc),
 * include/linux/vmalloc.h (vmalloc, vzalloc), kvmalloc and friends in slab.h.
 */
export const ALLOCATORS: ReadonlySet<string> = new Set([
  'xmalloc', 'xzalloc', 'xmalloc_array', 'xzalloc_array', 'xmalloc_bytes', 'xzalloc_bytes',
  'xmalloc_flex_struct', 'xzalloc_flex_struct', '_xmalloc', '_xzalloc', '_xmalloc_array', '_xzalloc_array',
  'xvmalloc', 'xvzalloc', 'xvmalloc_array', 'xvzalloc_array', '_xvmalloc', '_xvzalloc',
  'alloc_xenheap_page', 'alloc_xenheap_pages',
  'kmalloc', 'kzalloc', 'kcalloc', 'kmalloc_array', 'kmalloc_node', 'kzalloc_node',
  'kmem_cache_alloc', 'kmem_cache_zalloc', 'vmalloc', 'vzalloc', 'kvmalloc', 'kvzalloc', 'kvcalloc', 'kvmalloc_array',
]);

/**
 * Calls that make the object an argument points into reachable by other CPUs, with the
 * argument that carries it: RCU publication and release or once stores of a pointer value
 * (include/linux/rcupdate.h, xen/include/xen/rcupdate.h, asm/barrier.h, linux/compiler.h), list
 * and hash-list insertion of an entry (include/linux/list.h, rculist.h; xen/include/xen/list.h),
 * radix-tree and xarray insertion of an item.
 */
export const PUBLISHERS: Readonly<Record<string, number>> = {
  rcu_assign_pointer: 1, RCU_INIT_POINTER: 1, smp_store_release: 1, WRITE_ONCE: 1, write_atomic: 1,
  list_add: 0, list_add_tail: 0, list_add_rcu: 0, list_add_tail_rcu: 0,
  hlist_add_head: 0, hlist_add_head_rcu: 0, hlist_add_before: 0, hlist_add_behind: 0, hlist_add_before_rcu: 0, hlist_add_behind_rcu: 0,
  radix_tree_insert: 2, xa_store: 2, xa_insert: 2,
};

/** How a knowledge-base constructor makes its object reachable: a publishing call, or a store into a member. */
export type Publication = { readonly call: string } | { readonly storeInto: string };

/**
 * Constructors whose object becomes reachable only by one publishing step, although they (or
 * what they call) store the pointer elsewhere earlier; code they call on the object before that
 * step runs alone:
 * - Xen's domain_create() links the new domain into the domain list and hash with
 *   rcu_assign_pointer() at its end (xen/common/domain.c); before that no lookup by ID finds it
 *   and it has no vCPU to run. Its earlier `hardware_domain = d` only names the control domain to be.
 * - Xen's vcpu_create() makes the vCPU visible to for_each_vcpu() with `d->vcpu[vcpu_id] = v`
 *   (xen/common/domain.c, whose comment on vcpu_check_shutdown() says so); before that the
 *   scheduler already holds it in its unit and timer lists, but it is down (`_VPF_down`) and
 *   nothing runs it or reaches its architectural state.
 */
export const PUBLISHED_ONLY_BY: Readonly<Record<string, Publication>> = {
  domain_create: { call: 'rcu_assign_pointer' },
  vcpu_create: { storeInto: 'vcpu' },
};

/**
 * Whether a domain's own vCPUs can run: not before its creation is finished, nor once it is
 * dying. Xen sets `d->creation_finished` in domain_unpause_by_systemcontroller() just before
 * the first unpause (a domain is created paused by its controller), and `d->is_dying` in
 * domain_kill() after domain_pause(d), never unpausing again (xen/common/domain.c). Code that
 * runs only past a test of either runs while the domain is being built or torn down.
 */
export type DomainPhase = 'setup' | 'teardown';

const PHASE_TESTS: ReadonlyArray<{ readonly name: string; readonly field: RegExp; readonly when: boolean; readonly phase: DomainPhase }> = [
  { name: 'creation_finished', field: /(?:->|\.)creation_finished$/, when: false, phase: 'setup' },
  { name: 'is_dying', field: /(?:->|\.)is_dying$/, when: true, phase: 'teardown' },
];

/** The domain phase a branch condition (its text, and the value the branch needs) confines code to, if any. */
export function domainPhase(condText: string, value: boolean): DomainPhase | undefined {
  // Asked for every guard of every lock event a tree's lock orders pass through: a condition
  // that names no phase field (nearly all) is answered before any text is rebuilt.
  if (!PHASE_TESTS.some((t) => condText.includes(t.name))) return undefined;
  let text = condText.replace(/\s+/g, '');
  while (/^\(.*\)$/.test(text) && balanced(text.slice(1, -1))) text = text.slice(1, -1);
  let want = value;
  if (text.startsWith('!')) { text = text.slice(1); want = !want; }
  if (!/^[A-Za-z_][\w.>-]*$/.test(text)) return undefined;
  return PHASE_TESTS.find((t) => t.field.test(text) && t.when === want)?.phase;
}
