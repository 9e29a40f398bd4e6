// Linux (LKMM) primitives. Ordering per tools/memory-model/linux-kernel.def and
// Documentation/atomic_t.txt, Documentation/atomic_bitops.txt (see lkmm-facts.md).
import { F, HELD, IRQ, LOCK, R, RMW, UNLOCK, W, bitRmw, lval, ptr } from './build';
import type { Primitive } from './types';

const DEF = 'linux: tools/memory-model/linux-kernel.def';
const BITOPS = 'linux: Documentation/atomic_bitops.txt';
const ATOMICS = 'linux: Documentation/atomic_t.txt';
const LOCKS = 'linux: tools/memory-model/lock.cat';
const LOCKDEP = 'linux: include/linux/lockdep.h';

const fence = (name: string, f: Parameters<typeof F>[0], source = DEF): Primitive =>
  ({ name, os: ['linux', 'xen'], kind: 'fence', effects: [F(f)], source });

export const LINUX: readonly Primitive[] = [
  fence('smp_mb', 'mb'), fence('smp_rmb', 'rmb'), fence('smp_wmb', 'wmb'),
  fence('__smp_mb', 'mb', 'linux: include/asm-generic/barrier.h'),
  fence('__smp_rmb', 'rmb', 'linux: include/asm-generic/barrier.h'),
  fence('__smp_wmb', 'wmb', 'linux: include/asm-generic/barrier.h'),
  fence('barrier', 'barrier', 'linux: include/linux/compiler.h'),
  fence('smp_mb__before_atomic', 'before-atomic'), fence('smp_mb__after_atomic', 'after-atomic'),
  fence('smp_mb__after_spinlock', 'after-spinlock'), fence('smp_mb__after_unlock_lock', 'after-unlock-lock'),
  fence('smp_mb__after_srcu_read_unlock', 'after-srcu-read-unlock'),
  fence('synchronize_rcu', 'sync-rcu'), fence('synchronize_rcu_expedited', 'sync-rcu'),
  { name: 'rcu_read_lock', os: ['linux'], kind: 'rcu', effects: [F('rcu-lock')], source: DEF },
  { name: 'rcu_read_unlock', os: ['linux'], kind: 'rcu', effects: [F('rcu-unlock')], source: DEF },
  ...['srcu_read_lock', 'srcu_read_unlock', 'kvm_vcpu_srcu_read_lock', 'kvm_vcpu_srcu_read_unlock', 'synchronize_srcu'].map((name): Primitive => ({
    name, os: ['linux'], kind: 'rcu', effects: [], source: 'linux: tools/memory-model/linux-kernel.bell',
    unsupported: 'SRCU read-side sections and grace periods are not modeled',
  })),
  ...['call_rcu', 'rcu_barrier'].map((name): Primitive => ({
    name, os: ['linux'], kind: 'rcu', effects: [], source: 'linux: tools/memory-model/README (LIMITATIONS)',
    unsupported: 'not modeled by LKMM',
  })),

  { name: 'READ_ONCE', os: ['linux'], kind: 'access', effects: [R(lval(0), 'once')], source: DEF },
  { name: 'WRITE_ONCE', os: ['linux'], kind: 'access', effects: [W(lval(0), 'once', 1)], source: DEF },
  { name: 'smp_load_acquire', os: ['linux'], kind: 'access', effects: [R(ptr(0), 'acquire')], source: DEF },
  { name: 'smp_store_release', os: ['linux'], kind: 'access', effects: [W(ptr(0), 'release', 1)], source: DEF },
  {
    name: 'smp_store_mb', os: ['linux'], kind: 'access', effects: [W(lval(0), 'once', 1), F('mb')], source: DEF,
    note: 'WRITE_ONCE followed by smp_mb()',
  },
  { name: 'rcu_dereference', os: ['linux'], kind: 'rcu', effects: [R(lval(0), 'once')], source: DEF },
  { name: 'rcu_assign_pointer', os: ['linux'], kind: 'rcu', effects: [W(lval(0), 'release', 1)], source: DEF },
  { name: 'atomic_read', os: ['linux', 'xen'], kind: 'access', effects: [R(ptr(0), 'once')], source: DEF },
  { name: 'atomic_set', os: ['linux', 'xen'], kind: 'access', effects: [W(ptr(0), 'once', 1)], source: DEF },
  { name: 'atomic_read_acquire', os: ['linux'], kind: 'access', effects: [R(ptr(0), 'acquire')], source: DEF },
  { name: 'atomic_set_release', os: ['linux'], kind: 'access', effects: [W(ptr(0), 'release', 1)], source: DEF },

  // Full (value-returning) RMWs and their relaxed/acquire/release forms.
  ...['xchg', 'cmpxchg'].flatMap((op): Primitive[] => {
    const rmw = op as 'xchg' | 'cmpxchg';
    const failure = rmw === 'cmpxchg' ? 'unordered' : undefined;
    const valueArg = rmw === 'cmpxchg' ? 2 : 1;
    return [
      { name: op, os: ['linux', 'xen'], kind: 'rmw', effects: [RMW(ptr(0), 'mb', rmw, { valueArg, failure })], source: ATOMICS },
      { name: `${op}_relaxed`, os: ['linux'], kind: 'rmw', effects: [RMW(ptr(0), 'relaxed', rmw, { valueArg })], source: ATOMICS },
      { name: `${op}_acquire`, os: ['linux'], kind: 'rmw', effects: [RMW(ptr(0), 'acquire', rmw, { valueArg, failure })], source: ATOMICS },
      { name: `${op}_release`, os: ['linux'], kind: 'rmw', effects: [RMW(ptr(0), 'release', rmw, { valueArg, failure })], source: ATOMICS },
      { name: `atomic_${op}`, os: ['linux', 'xen'], kind: 'rmw', effects: [RMW(ptr(0), 'mb', rmw, { valueArg, failure })], source: ATOMICS },
    ];
  }),
  ...(['inc', 'dec', 'add', 'sub', 'or', 'and', 'andnot'] as const).flatMap((op): Primitive[] => {
    const valueArg = op === 'inc' || op === 'dec' ? undefined : 0;
    const target = ptr(op === 'inc' || op === 'dec' ? 0 : 1);
    return [
      { name: `atomic_${op}`, os: ['linux', 'xen'], kind: 'rmw', effects: [RMW(target, 'noreturn', op, { valueArg })], source: ATOMICS },
      { name: `atomic_${op}_return`, os: ['linux', 'xen'], kind: 'rmw', effects: [RMW(target, 'mb', op, { valueArg })], source: ATOMICS },
      { name: `atomic_fetch_${op}`, os: ['linux'], kind: 'rmw', effects: [RMW(target, 'mb', op, { valueArg })], source: ATOMICS },
      { name: `atomic_${op}_return_relaxed`, os: ['linux'], kind: 'rmw', effects: [RMW(target, 'relaxed', op, { valueArg })], source: ATOMICS },
    ];
  }),
  { name: 'atomic_inc_and_test', os: ['linux', 'xen'], kind: 'rmw', effects: [RMW(ptr(0), 'mb', 'inc')], source: ATOMICS },
  { name: 'atomic_dec_and_test', os: ['linux', 'xen'], kind: 'rmw', effects: [RMW(ptr(0), 'mb', 'dec')], source: ATOMICS },

  // Bitops: void ones are unordered, test_and_* fully ordered even when they fail.
  { name: 'set_bit', os: ['linux', 'xen'], kind: 'bitop', effects: [bitRmw('noreturn', 'set-bit')], source: BITOPS },
  { name: 'clear_bit', os: ['linux', 'xen'], kind: 'bitop', effects: [bitRmw('noreturn', 'clear-bit')], source: BITOPS },
  { name: 'change_bit', os: ['linux', 'xen'], kind: 'bitop', effects: [bitRmw('noreturn', 'change-bit')], source: BITOPS },
  { name: 'test_bit', os: ['linux', 'xen'], kind: 'bitop', effects: [R(ptr(1), 'once', { bitArg: 0 })], source: BITOPS },
  { name: 'test_and_set_bit', os: ['linux', 'xen'], kind: 'bitop', effects: [bitRmw('mb', 'set-bit', 'ordered')], source: BITOPS },
  { name: 'test_and_clear_bit', os: ['linux', 'xen'], kind: 'bitop', effects: [bitRmw('mb', 'clear-bit', 'ordered')], source: BITOPS },
  { name: 'test_and_change_bit', os: ['linux', 'xen'], kind: 'bitop', effects: [bitRmw('mb', 'change-bit', 'ordered')], source: BITOPS },
  {
    name: 'test_and_set_bit_lock', os: ['linux'], kind: 'bitop', effects: [bitRmw('acquire', 'set-bit', 'unordered')], source: BITOPS,
    note: 'acquire on success only (the August 2022 atomic_bitops.txt fix)',
  },
  { name: 'clear_bit_unlock', os: ['linux'], kind: 'bitop', effects: [bitRmw('release', 'clear-bit')], source: BITOPS },
  { name: '__set_bit', os: ['linux'], kind: 'bitop', effects: [R(ptr(1), 'plain'), W(ptr(1), 'plain')], source: BITOPS, note: 'non-atomic' },
  { name: '__clear_bit', os: ['linux'], kind: 'bitop', effects: [R(ptr(1), 'plain'), W(ptr(1), 'plain')], source: BITOPS, note: 'non-atomic' },

  // Locks: acquire on lock, release on unlock (LKMM lock.cat).
  ...lockFamily('spin', 'spin', 'linux: include/linux/spinlock.h'),
  ...lockFamily('read', 'read', 'linux: include/linux/rwlock.h'),
  ...lockFamily('write', 'write', 'linux: include/linux/rwlock.h'),
  { name: 'mutex_lock', os: ['linux'], kind: 'lock', effects: [LOCK(ptr(0), 'mutex')], tags: ['sleeps'], source: 'linux: kernel/locking/mutex.c' },
  { name: 'mutex_unlock', os: ['linux'], kind: 'lock', effects: [UNLOCK(ptr(0), 'mutex')], source: 'linux: kernel/locking/mutex.c' },
  // Assertions that the caller holds a lock: the function runs under it, taken by its caller.
  // lockdep_assert_held() passes for any holder; it is read as exclusive (spinlocks, mutexes),
  // though on an rwlock or rwsem a reader passes it too. Lockdep's asserts do not say whether
  // the lock spins: a mutex passes them as well.
  ...['lockdep_assert_held', 'lockdep_assert_held_once'].map((name): Primitive => ({
    name, os: ['linux'], kind: 'lock', effects: [HELD(ptr(0), 'spin', false)], source: LOCKDEP,
    note: 'held in any mode; read as exclusive',
  })),
  { name: 'lockdep_assert_held_write', os: ['linux'], kind: 'lock', effects: [HELD(ptr(0), 'write', false)], source: LOCKDEP },
  { name: 'lockdep_assert_held_read', os: ['linux'], kind: 'lock', effects: [HELD(ptr(0), 'read', false)], source: LOCKDEP },
  { name: 'assert_spin_locked', os: ['linux'], kind: 'lock', effects: [HELD(ptr(0))], source: 'linux: include/linux/spinlock.h' },
  {
    name: 'spin_is_locked', os: ['linux'], kind: 'lock', effects: [HELD(ptr(0))], tags: ['predicate'], source: 'linux: include/linux/spinlock.h',
    note: 'a test: the lock counts as held by the caller only under an assertion',
  },
  { name: 'down_read', os: ['linux'], kind: 'lock', effects: [LOCK(ptr(0), 'read')], tags: ['sleeps'], source: 'linux: kernel/locking/rwsem.c' },
  { name: 'up_read', os: ['linux'], kind: 'lock', effects: [UNLOCK(ptr(0), 'read')], source: 'linux: kernel/locking/rwsem.c' },
  { name: 'down_write', os: ['linux'], kind: 'lock', effects: [LOCK(ptr(0), 'write')], tags: ['sleeps'], source: 'linux: kernel/locking/rwsem.c' },
  { name: 'up_write', os: ['linux'], kind: 'lock', effects: [UNLOCK(ptr(0), 'write')], source: 'linux: kernel/locking/rwsem.c' },

  { name: 'local_irq_disable', os: ['linux', 'xen'], kind: 'irq', effects: [IRQ('off')], source: 'linux: include/linux/irqflags.h' },
  { name: 'local_irq_enable', os: ['linux', 'xen'], kind: 'irq', effects: [IRQ('on')], source: 'linux: include/linux/irqflags.h' },
  { name: 'local_irq_save', os: ['linux', 'xen'], kind: 'irq', effects: [IRQ('off')], source: 'linux: include/linux/irqflags.h' },
  { name: 'local_irq_restore', os: ['linux', 'xen'], kind: 'irq', effects: [IRQ('restore')], source: 'linux: include/linux/irqflags.h' },

  // List operations write or read the list head they are given (include/linux/list.h).
  { name: 'list_del_init', os: ['linux', 'xen'], kind: 'list', effects: [W(ptr(0), 'plain')], source: 'linux: include/linux/list.h; xen: xen/include/xen/list.h' },
  { name: 'list_del', os: ['linux', 'xen'], kind: 'list', effects: [W(ptr(0), 'plain')], source: 'linux: include/linux/list.h; xen: xen/include/xen/list.h' },
  { name: 'list_add', os: ['linux', 'xen'], kind: 'list', effects: [W(ptr(0), 'plain'), W(ptr(1), 'plain')], source: 'linux: include/linux/list.h; xen: xen/include/xen/list.h' },
  { name: 'list_add_tail', os: ['linux', 'xen'], kind: 'list', effects: [W(ptr(0), 'plain'), W(ptr(1), 'plain')], source: 'linux: include/linux/list.h; xen: xen/include/xen/list.h' },
  { name: 'list_empty', os: ['linux'], kind: 'list', effects: [R(ptr(0), 'once')], source: 'linux: include/linux/list.h (READ_ONCE(head->next))' },

  { name: 'might_sleep', os: ['linux'], kind: 'function', effects: [], tags: ['sleeps'], source: 'linux: include/linux/kernel.h' },
  { name: 'msleep', os: ['linux'], kind: 'function', effects: [], tags: ['sleeps'], source: 'linux: kernel/time/sleep_timeout.c' },
  { name: 'schedule', os: ['linux'], kind: 'function', effects: [], tags: ['sleeps'], source: 'linux: kernel/sched/core.c' },
  { name: 'ASSERT', os: ['xen'], kind: 'function', effects: [], tags: ['transparent'], source: 'xen: xen/include/xen/lib.h' },
  { name: 'BUG_ON', os: ['linux', 'xen'], kind: 'function', effects: [], tags: ['transparent'], source: 'linux: include/asm-generic/bug.h' },
  { name: 'WARN_ON', os: ['linux', 'xen'], kind: 'function', effects: [], tags: ['transparent'], source: 'linux: include/asm-generic/bug.h' },
];

/** `spin_lock` and its _irq, _irqsave, _bh forms (and the same for read_/write_ locks). */
function lockFamily(prefix: string, mode: 'spin' | 'read' | 'write', source: string): Primitive[] {
  const os = ['linux', 'xen'] as const;
  return [
    { name: `${prefix}_lock`, os: [...os], kind: 'lock', effects: [LOCK(ptr(0), mode)], source: `${source}; ${LOCKS}` },
    { name: `${prefix}_unlock`, os: [...os], kind: 'lock', effects: [UNLOCK(ptr(0), mode)], source: `${source}; ${LOCKS}` },
    { name: `${prefix}_lock_irq`, os: [...os], kind: 'lock', effects: [IRQ('off'), LOCK(ptr(0), mode)], source },
    { name: `${prefix}_unlock_irq`, os: [...os], kind: 'lock', effects: [UNLOCK(ptr(0), mode), IRQ('on')], source },
    { name: `${prefix}_lock_irqsave`, os: [...os], kind: 'lock', effects: [IRQ('off'), LOCK(ptr(0), mode)], source },
    { name: `${prefix}_unlock_irqrestore`, os: [...os], kind: 'lock', effects: [UNLOCK(ptr(0), mode), IRQ('restore')], source },
    { name: `${prefix}_trylock`, os: [...os], kind: 'lock', effects: [LOCK(ptr(0), 'try')], source },
    { name: `${prefix}_lock_bh`, os: ['linux'], kind: 'lock', effects: [LOCK(ptr(0), mode)], source },
    { name: `${prefix}_unlock_bh`, os: ['linux'], kind: 'lock', effects: [UNLOCK(ptr(0), mode)], source },
  ];
}
