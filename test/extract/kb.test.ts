// Knowledge-base facts: data-driven checks of what primitives mean per code base and
// architecture, plus table hygiene (every entry cites a source; references resolve).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_KB, effectsFor, lookup } from '../../engine/kb/index';
import type { Effect, Profile } from '../../engine/kb/types';

function show(e: Effect): string {
  switch (e.op) {
    case 'R':
    case 'W':
      return `${e.op}:${e.annot}`;
    case 'RMW':
      return `RMW:${e.annot}${e.failure ? `/${e.failure}` : ''}`;
    case 'F':
      return `F:${e.fence}`;
    case 'LOCK':
    case 'UNLOCK':
      return e.op;
    case 'HELD':
      return `HELD:${e.mode}${e.spins ? '' : '/any-lock'}`;
    case 'IRQ':
      return `IRQ:${e.state}`;
    case 'CALL':
      return `CALL:${e.name}`;
  }
}

const FACTS: readonly [string, Profile, string][] = [
  ['smp_mb', { os: 'linux' }, 'F:mb'],
  ['smp_wmb', { os: 'xen', arch: 'x86' }, 'F:barrier'],
  ['smp_wmb', { os: 'xen', arch: 'arm64' }, 'F:wmb'],
  ['smp_rmb', { os: 'xen', arch: 'x86' }, 'F:barrier'],
  ['smp_mb__after_atomic', { os: 'xen', arch: 'x86' }, ''],
  ['smp_mb__after_atomic', { os: 'linux' }, 'F:after-atomic'],
  ['smp_store_mb', { os: 'linux' }, 'W:once F:mb'],
  ['test_and_set_bit', { os: 'linux' }, 'RMW:mb/ordered'],
  ['test_and_clear_bit', { os: 'xen', arch: 'arm64' }, 'RMW:mb/ordered'],
  ['set_bit', { os: 'linux' }, 'RMW:noreturn'],
  ['set_bit', { os: 'xen', arch: 'arm64' }, 'RMW:noreturn'],
  ['set_bit', { os: 'xen', arch: 'x86' }, 'RMW:mb'],
  ['test_bit', { os: 'xen' }, 'R:once'],
  ['cmpxchg', { os: 'linux' }, 'RMW:mb/unordered'],
  ['cmpxchg', { os: 'xen', arch: 'arm64' }, 'RMW:mb/ordered'],
  ['xchg_relaxed', { os: 'linux' }, 'RMW:relaxed'],
  ['xchg_acquire', { os: 'linux' }, 'RMW:acquire'],
  ['spin_lock', { os: 'linux' }, 'LOCK'],
  ['spin_lock', { os: 'xen', arch: 'arm64' }, 'LOCK F:mb'],
  ['spin_unlock', { os: 'xen', arch: 'arm64' }, 'F:mb UNLOCK'],
  ['spin_lock', { os: 'xen', arch: 'x86' }, 'LOCK'],
  ['spin_lock_irqsave', { os: 'linux' }, 'IRQ:off LOCK'],
  ['spin_unlock_irqrestore', { os: 'linux' }, 'UNLOCK IRQ:restore'],
  ['read_atomic', { os: 'xen' }, 'R:once'],
  ['ACCESS_ONCE', { os: 'xen' }, 'R:once'],
  ['list_empty', { os: 'linux' }, 'R:once'],
  ['list_empty', { os: 'xen' }, 'R:plain'],
  ['rcu_assign_pointer', { os: 'linux' }, 'W:release'],
  ['kvm_make_request', { os: 'linux' }, 'F:wmb RMW:noreturn'],
  ['kvm_check_request', { os: 'linux' }, 'R:once RMW:noreturn F:after-atomic'],
  ['kvm_request_pending', { os: 'linux' }, 'R:once'],
  ['kvm_vcpu_exiting_guest_mode', { os: 'linux' }, 'F:before-atomic RMW:mb/unordered'],
  ['vcpu_pause', { os: 'xen' }, 'CALL:vcpu_sleep_sync'],
  ['vcpu_sleep_sync', { os: 'xen' }, 'CALL:sync_vcpu_execstate'],
  ['sync_vcpu_execstate', { os: 'xen' }, 'F:mb'],
  ['local_irq_disable', { os: 'xen' }, 'IRQ:off'],
  ['lockdep_assert_held', { os: 'linux' }, 'HELD:spin/any-lock'],
  ['lockdep_assert_held_write', { os: 'linux' }, 'HELD:write/any-lock'],
  ['lockdep_assert_held_read', { os: 'linux' }, 'HELD:read/any-lock'],
  ['assert_spin_locked', { os: 'linux' }, 'HELD:spin'],
  ['spin_is_locked', { os: 'xen' }, 'HELD:spin'],
  ['rw_is_locked', { os: 'xen' }, 'HELD:read'],
  ['rw_is_write_locked', { os: 'xen' }, 'HELD:write'],
];

for (const [name, profile, expected] of FACTS) {
  test(`kb: ${name} on ${profile.os}${profile.arch ? `/${profile.arch}` : ''} is ${expected || 'nothing'}`, () => {
    const p = lookup(DEFAULT_KB, name, profile);
    assert.ok(p, `${name} is in the knowledge base`);
    assert.equal(effectsFor(p, profile).map(show).join(' '), expected);
  });
}

test('kb: tags the checks rely on', () => {
  const tags = (n: string): readonly string[] => lookup(DEFAULT_KB, n, { os: 'xen' })?.tags ?? [];
  assert.ok(tags('do_softirq').includes('must-not-hold-lock'));
  assert.ok(tags('irq_set_affinity').includes('hidden-lock'));
  assert.ok(tags('vgic_vcpu_inject_irq').includes('reinject'));
  assert.ok(tags('vcpu_wake').includes('wake'));
  assert.ok((lookup(DEFAULT_KB, 'kvm_vcpu_kick')?.tags ?? []).includes('kick'));
  assert.ok((lookup(DEFAULT_KB, 'mutex_lock')?.tags ?? []).includes('sleeps'));
  // Lock tests state a held lock only under an assertion; lockdep's asserts state it themselves.
  assert.ok(tags('spin_is_locked').includes('predicate'));
  assert.ok(tags('rw_is_write_locked').includes('predicate'));
  assert.ok(!(lookup(DEFAULT_KB, 'lockdep_assert_held')?.tags ?? []).includes('predicate'));
});

test('kb: every entry cites a Linux or Xen source and every CALL effect resolves', () => {
  for (const [name, list] of DEFAULT_KB.primitives) {
    for (const p of list) {
      assert.match(p.source, /^(linux|xen): \S/, `${name} cites its source`);
      const all = [p.effects, ...Object.values(p.arch ?? {})].flat();
      for (const e of all) if (e.op === 'CALL') assert.ok(lookup(DEFAULT_KB, e.name, { os: p.os[0] }), `${name} → ${e.name}`);
    }
  }
});
