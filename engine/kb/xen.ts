// Xen primitives, per architecture where the definitions differ. Facts from
// hypervisor-primitives.md part A (Xen at c447b7308b), each with the file that defines it.
import { CALL, F, HELD, IRQ, LOCK, R, UNLOCK, W, bitRmw, field, lval, ptr, RMW } from './build';
import type { Effect, Primitive } from './types';

const ARM_SYS = 'xen: xen/arch/arm/include/asm/system.h';
const X86_SYS = 'xen: xen/arch/x86/include/asm/system.h';
const SYS = `${ARM_SYS}; ${X86_SYS}`;
const SPIN = 'xen: xen/common/spinlock.c; xen/arch/arm/include/asm/spinlock.h';
const RWLOCK = 'xen: xen/include/xen/rwlock.h; xen/arch/arm/include/asm/spinlock.h (arch_lock_release_barrier)';
const SCHED = 'xen: xen/common/sched/core.c';
const PERCPU_RWLOCK = 'xen: xen/include/xen/rwlock.h (percpu_read_lock() .. percpu_write_unlock())';

/** On Arm, arch_lock_acquire_barrier()/arch_lock_release_barrier() are smp_mb(). */
function xenLock(name: string, effects: readonly Effect[], source = SPIN): Primitive {
  const lock = effects.find((e) => e.op === 'LOCK' || e.op === 'UNLOCK');
  const armFull = lock?.op === 'LOCK' ? [...effects, F('mb')] : [F('mb'), ...effects];
  return {
    name, os: ['xen'], kind: 'lock', effects, arch: { arm64: armFull, arm32: armFull }, source,
    note: 'Xen on Arm: lock entry and exit are full barriers (smp_mb)',
  };
}

export const XEN: readonly Primitive[] = [
  {
    name: 'smp_mb', os: ['xen'], kind: 'fence', effects: [F('mb')], source: SYS,
    asm: { arm64: 'dmb ish', arm32: 'dmb ish', x86: 'lock addl $0,-4(%rsp)' },
  },
  {
    name: 'smp_rmb', os: ['xen'], kind: 'fence', effects: [F('rmb')], arch: { x86: [F('barrier')] }, source: SYS,
    asm: { arm64: 'dmb ishld', arm32: 'dmb ish', x86: 'barrier()' }, note: 'dmb ishld also orders loads before later stores',
  },
  {
    name: 'smp_wmb', os: ['xen'], kind: 'fence', effects: [F('wmb')], arch: { x86: [F('barrier')] }, source: SYS,
    asm: { arm64: 'dmb ishst', arm32: 'dmb ishst', x86: 'barrier()' },
  },
  { name: 'mb', os: ['xen', 'linux'], kind: 'fence', effects: [F('mb')], source: SYS, asm: { arm64: 'dsb sy', arm32: 'dsb sy', x86: 'mfence' } },
  { name: 'rmb', os: ['xen', 'linux'], kind: 'fence', effects: [F('rmb')], source: SYS, asm: { arm64: 'dsb ld', arm32: 'dsb sy', x86: 'lfence' } },
  { name: 'wmb', os: ['xen', 'linux'], kind: 'fence', effects: [F('wmb')], source: SYS, asm: { arm64: 'dsb st', arm32: 'dsb st', x86: 'sfence' } },
  {
    name: 'smp_mb__before_atomic', os: ['xen'], kind: 'fence', effects: [F('before-atomic')], arch: { x86: [] }, source: SYS,
    note: 'smp_mb() on Arm; a no-op on x86, where every atomic is a locked instruction',
  },
  {
    name: 'smp_mb__after_atomic', os: ['xen'], kind: 'fence', effects: [F('after-atomic')], arch: { x86: [] }, source: SYS,
    note: 'smp_mb() on Arm; a no-op on x86, where every atomic is a locked instruction',
  },
  // The barriers inside Xen's ticket lock: a compiler barrier on x86 (TSO and the locked xadd
  // are relied on), smp_mb() on Arm (hypervisor-primitives.md A6).
  ...['arch_lock_acquire_barrier', 'arch_lock_release_barrier'].map((name): Primitive => ({
    name, os: ['xen'], kind: 'fence', effects: [F('mb')], arch: { x86: [F('barrier')] }, source: `${SPIN}; xen/arch/x86/include/asm/spinlock.h`,
    asm: { arm64: 'dmb ish', arm32: 'dmb ish', x86: 'barrier()' },
  })),
  { name: 'set_mb', os: ['xen'], kind: 'access', effects: [W(lval(0), 'once', 1), F('mb')], source: X86_SYS },
  ...['dmb', 'dsb'].flatMap((insn): Primitive[] => [
    { name: `${insn}(ish)`, os: ['xen', 'linux'], kind: 'fence', effects: [F('mb')], source: ARM_SYS },
    { name: `${insn}(sy)`, os: ['xen', 'linux'], kind: 'fence', effects: [F('mb')], source: ARM_SYS },
    { name: `${insn}(ishld)`, os: ['xen', 'linux'], kind: 'fence', effects: [F('rmb')], source: ARM_SYS, note: 'also orders loads before later stores' },
    { name: `${insn}(ld)`, os: ['xen', 'linux'], kind: 'fence', effects: [F('rmb')], source: ARM_SYS, note: 'also orders loads before later stores' },
    { name: `${insn}(ishst)`, os: ['xen', 'linux'], kind: 'fence', effects: [F('wmb')], source: ARM_SYS },
    { name: `${insn}(st)`, os: ['xen', 'linux'], kind: 'fence', effects: [F('wmb')], source: ARM_SYS },
  ]),
  {
    name: 'isb', os: ['xen', 'linux'], kind: 'fence', effects: [F('barrier')], source: ARM_SYS,
    note: 'context synchronization: orders nothing between CPUs',
  },

  { name: 'ACCESS_ONCE', os: ['xen'], kind: 'access', lvalue: true, effects: [R(lval(0), 'once')], source: 'xen: xen/include/xen/lib.h' },
  {
    name: 'read_atomic', os: ['xen'], kind: 'access', effects: [R(ptr(0), 'once')], source: 'xen: xen/arch/{arm,x86}/include/asm/atomic.h',
    note: 'single-copy atomic, no ordering and no compiler barrier',
  },
  {
    name: 'write_atomic', os: ['xen'], kind: 'access', effects: [W(ptr(0), 'once', 1)], source: 'xen: xen/arch/{arm,x86}/include/asm/atomic.h',
    note: 'single-copy atomic, no ordering and no compiler barrier',
  },
  {
    name: 'add_sized', os: ['xen'], kind: 'access', effects: [R(ptr(0), 'once'), W(ptr(0), 'once', 1)], source: 'xen: xen/arch/{arm,x86}/include/asm/atomic.h',
    note: 'a load, an add and a store: not an atomic RMW',
  },

  // Bitops: unordered on Arm, locked (full) on x86; test_and_* full everywhere, also on failure.
  ...(['set', 'clear', 'change'] as const).flatMap((op): Primitive[] => [
    {
      name: `${op}_bit`, os: ['xen'], kind: 'bitop', effects: [bitRmw('noreturn', `${op}-bit`)],
      arch: { x86: [bitRmw('mb', `${op}-bit`)] },
      source: 'xen: xen/arch/arm/arm64/lib/bitops.c; xen/arch/x86/include/asm/bitops.h',
    },
    {
      name: `__${op}_bit`, os: ['xen'], kind: 'bitop', effects: [bitRmw('noreturn', `${op}-bit`)],
      arch: { x86: [R(ptr(1), 'plain'), W(ptr(1), 'plain')] },
      source: 'xen: xen/arch/arm/include/asm/bitops.h (aliases of the atomic forms on Arm); xen/arch/x86/include/asm/bitops.h',
    },
    {
      name: `test_and_${op}_bit`, os: ['xen'], kind: 'bitop', effects: [bitRmw('mb', `${op}-bit`, 'ordered')],
      source: 'xen: xen/arch/arm/arm64/lib/bitops.c; xen/arch/arm/arm32/lib/bitops.c; xen/arch/x86/include/asm/bitops.h',
    },
  ]),
  { name: 'test_bit', os: ['xen'], kind: 'bitop', effects: [R(ptr(1), 'once', { bitArg: 0 })], source: 'xen: xen/include/xen/bitops.h' },
  {
    name: 'cmpxchg', os: ['xen'], kind: 'rmw', effects: [RMW(ptr(0), 'mb', 'cmpxchg', { valueArg: 2, failure: 'unordered' })],
    arch: {
      arm64: [RMW(ptr(0), 'mb', 'cmpxchg', { valueArg: 2, failure: 'ordered' })],
      arm32: [RMW(ptr(0), 'mb', 'cmpxchg', { valueArg: 2, failure: 'ordered' })],
      x86: [RMW(ptr(0), 'mb', 'cmpxchg', { valueArg: 2, failure: 'ordered' })],
    },
    source: 'xen: xen/arch/arm/include/asm/arm64/cmpxchg.h; xen/arch/x86/include/asm/system.h',
    note: 'smp_mb() before and after, unconditionally: a failed cmpxchg still orders',
  },
  { name: 'list_empty', os: ['xen'], kind: 'list', effects: [R(ptr(0), 'plain')], source: 'xen: xen/include/xen/list.h (plain head->next == head)' },

  // Spinlocks.
  xenLock('spin_lock', [LOCK(ptr(0))]),
  xenLock('spin_unlock', [UNLOCK(ptr(0))]),
  xenLock('spin_lock_irq', [IRQ('off'), LOCK(ptr(0))]),
  xenLock('spin_unlock_irq', [UNLOCK(ptr(0)), IRQ('on')]),
  xenLock('spin_lock_irqsave', [IRQ('off'), LOCK(ptr(0))]),
  xenLock('spin_unlock_irqrestore', [UNLOCK(ptr(0)), IRQ('restore')]),
  xenLock('spin_trylock', [LOCK(ptr(0), 'try')]),
  // spin_lock() is spin_lock_cb() without a callback: the callback runs while waiting, before the
  // lock is taken.
  xenLock('spin_lock_cb', [LOCK(ptr(0))], `${SPIN}; xen/include/xen/spinlock.h`),
  // Rwlocks order like the spinlock on Arm: _read_lock()'s atomic_add_return() and
  // _write_lock()'s atomic_cmpxchg() are full barriers (the slow paths take a spinlock), and
  // both unlocks begin with arch_lock_release_barrier(), smp_mb() on Arm.
  ...(['read', 'write'] as const).flatMap((mode) => [
    xenLock(`${mode}_lock`, [LOCK(ptr(0), mode)], RWLOCK),
    xenLock(`${mode}_unlock`, [UNLOCK(ptr(0), mode)], RWLOCK),
    xenLock(`${mode}_lock_irq`, [IRQ('off'), LOCK(ptr(0), mode)], RWLOCK),
    xenLock(`${mode}_unlock_irq`, [UNLOCK(ptr(0), mode), IRQ('on')], RWLOCK),
    xenLock(`${mode}_lock_irqsave`, [IRQ('off'), LOCK(ptr(0), mode)], RWLOCK),
    xenLock(`${mode}_unlock_irqrestore`, [UNLOCK(ptr(0), mode), IRQ('restore')], RWLOCK),
    xenLock(`${mode}_trylock`, [LOCK(ptr(0), 'try')], RWLOCK),
  ]),
  // Per-CPU rwlocks (`percpu_write_lock(grant_rwlock, &gt->lock)`): the lock is the second
  // argument, the first names the per-CPU owner variable. The writer takes the inner rwlock for
  // writing, sets writer_activating, smp_mb(), and waits for every reader's per-CPU slot to
  // clear; the write unlock is write_unlock(). The read side (percpu_read_lock()) is left out on
  // purpose: a reader publishes itself in its CPU's slot and smp_mb() (or waits in read_lock()
  // while a writer is activating), and its readers hold other locks across calls that take
  // another domain's percpu lock (transitive grants in acquire_grant_for_copy()), where the
  // lock-order check cannot tell two domains' grant tables apart: modelling it raised a false
  // ABBA in a fixed file of the corpus (xen e008f7619d's post-image). Readers count as unlocked.
  {
    name: 'percpu_write_lock', os: ['xen'], kind: 'lock', effects: [LOCK(ptr(1), 'write'), F('mb')], source: `${PERCPU_RWLOCK}; xen/common/rwlock.c (_percpu_write_lock)`,
    note: 'write_lock() of the inner rwlock, then smp_mb() after writer_activating is set',
  },
  xenLock('percpu_write_unlock', [UNLOCK(ptr(1), 'write')], PERCPU_RWLOCK),
  { name: 'percpu_rw_is_write_locked', os: ['xen'], kind: 'lock', effects: [HELD(ptr(0), 'write')], tags: ['predicate'], source: PERCPU_RWLOCK },
  xenLock('vgic_lock_rank', [IRQ('off'), LOCK(field(1, 'lock'))]),
  xenLock('vgic_unlock_rank', [UNLOCK(field(1, 'lock')), IRQ('restore')]),
  xenLock('domain_lock', [LOCK(field(0, 'domain_lock'))]),
  xenLock('domain_unlock', [UNLOCK(field(0, 'domain_lock'))]),
  // Lock tests, meaningful under ASSERT(): the function runs under a lock its caller took.
  // rw_is_locked() is true for a reader too, so it says no more than a read lock.
  {
    name: 'spin_is_locked', os: ['xen'], kind: 'lock', effects: [HELD(ptr(0))], tags: ['predicate'],
    source: 'xen: xen/include/xen/spinlock.h; xen/common/spinlock.c', note: 'a test: the lock counts as held by the caller only under ASSERT()',
  },
  { name: 'rw_is_locked', os: ['xen'], kind: 'lock', effects: [HELD(ptr(0), 'read')], tags: ['predicate'], source: 'xen: xen/include/xen/rwlock.h' },
  { name: 'rw_is_write_locked', os: ['xen'], kind: 'lock', effects: [HELD(ptr(0), 'write')], tags: ['predicate'], source: 'xen: xen/include/xen/rwlock.h' },

  // Scheduling and vCPU state.
  {
    name: 'vcpu_pause', os: ['xen'], kind: 'function', effects: [CALL('vcpu_sleep_sync', 0)], tags: ['pause'], source: SCHED,
    note: 'vcpu_pause → vcpu_sleep_sync → sync_vcpu_execstate, which ends in smp_mb()',
  },
  { name: 'vcpu_sleep_sync', os: ['xen'], kind: 'function', effects: [CALL('sync_vcpu_execstate', 0)], source: SCHED },
  {
    name: 'sync_vcpu_execstate', os: ['xen'], kind: 'function', effects: [F('mb')], source: 'xen: xen/arch/arm/domain.c; xen/arch/x86/domain.c',
    note: 'after the call the paused vCPU\'s context is observed without further synchronization',
  },
  {
    name: 'vcpu_unpause', os: ['xen'], kind: 'function', effects: [RMW(field(0, 'pause_count'), 'mb', 'dec')], tags: ['wake'],
    source: 'xen: xen/common/domain.c vcpu_unpause(): atomic_dec_and_test(&v->pause_count), then vcpu_wake()',
    note: 'atomic_dec_and_test() returns a value, so it is fully ordered on Arm (smp_mb() around it) and a locked instruction on x86 (hypervisor-primitives.md, atomics)',
  },
  { name: 'vcpu_wake', os: ['xen'], kind: 'function', effects: [], tags: ['wake'], source: SCHED },
  {
    name: 'irq_set_affinity', os: ['xen'], kind: 'function', effects: [LOCK(field(0, 'lock')), UNLOCK(field(0, 'lock'))],
    arch: { arm64: [LOCK(field(0, 'lock')), F('mb'), F('mb'), UNLOCK(field(0, 'lock'))] },
    tags: ['hidden-lock'], source: 'xen: xen/arch/arm/irq.c; xen/arch/arm/gic-v2.c (gicv2_irq_set_affinity); seed 001',
    note: 'routes the IRQ under a spinlock; on Arm that lock is a full barrier, an ordering callers get by luck',
  },
  { name: 'vgic_vcpu_inject_irq', os: ['xen'], kind: 'function', effects: [], tags: ['reinject'], source: 'xen: xen/arch/arm/vgic.c' },
  { name: 'do_softirq', os: ['xen'], kind: 'function', effects: [], tags: ['softirq', 'must-not-hold-lock'], source: 'xen: xen/common/softirq.c' },
  { name: 'process_pending_softirqs', os: ['xen'], kind: 'function', effects: [], tags: ['softirq', 'must-not-hold-lock'], source: 'xen: xen/common/softirq.c' },
  { name: 'raise_softirq', os: ['xen'], kind: 'function', effects: [], source: 'xen: xen/common/softirq.c' },
];

/**
 * How a lock records the CPU holding it, for lock tests a tree writes by hand
 * (`return l->lock.recurse_cpu == current->processor;`): Xen's recursive spinlock keeps its
 * owner in `recurse_cpu`, set to smp_processor_id() by _spin_lock_recursive() and reset when
 * the last recursive unlock drops it. smp_processor_id() is get_processor_id()
 * (xen/arch/{x86,arm}/include/asm/smp.h), and `current->processor` the CPU the running vCPU is on.
 */
export const XEN_LOCK_OWNERS: ReadonlyArray<{ readonly field: string; readonly cpus: readonly string[]; readonly source: string }> = [
  { field: 'recurse_cpu', cpus: ['smp_processor_id()', 'get_processor_id()', 'current->processor'], source: 'xen: xen/include/xen/spinlock.h; xen/common/spinlock.c (_spin_lock_recursive)' },
];
