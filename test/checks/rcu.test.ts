// RCU in the ordering checks: a reader's rcu_read_lock()/rcu_read_unlock() around both loads is
// part of what orders them against a writer's synchronize_rcu(), as in LKMM's RCU-MP. Hardware
// models cannot judge a grace period; they are named as unable to, never counted as forbidding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rcuExample } from '../support/rcu-example';
import { check, codes, only } from './helpers';

const code = rcuExample;

const file = 'virt/kvm/rcu_example.c';

test('rcu: a reader inside rcu_read_lock() against synchronize_rcu() is clean', async () => {
  const a = await check({ file, text: code({ readLock: true, sync: true }), arch: 'arm64' });
  assert.deepEqual(codes(a, 'warning'), []);
});

test('rcu: without the read-side section the grace period orders nothing; hardware models are named as unable to judge', async () => {
  const a = await check({ file, text: code({ readLock: false, sync: true }), arch: 'all' });
  const [f] = only(a, 'missing-barrier');
  assert.ok(f, `expected missing-barrier, got ${codes(a).join(', ')}`);
  assert.match(f.message, /allowed on LKMM; x86-TSO and ARMv8 cannot judge it \(unsupported: synchronize_rcu/);
  assert.equal(only(a, 'arch-specific-ordering').length, 0, 'an unsupported verdict is not a forbidding one');
  // The lonely grace period is the same fault: named on the finding, not a second warning.
  assert.ok(f.related.some((r) => /synchronize_rcu\(\)/.test(r.message)), JSON.stringify(f.related));
  assert.equal(only(a, 'unpaired-barrier').length, 0);
});

test('rcu: without synchronize_rcu() the read-side section alone does not order the loads', async () => {
  const a = await check({ file, text: code({ readLock: true, sync: false }), arch: 'arm64' });
  assert.ok(codes(a, 'warning').includes('missing-barrier'), codes(a).join(', '));
});

test('rcu: when no target can judge a scenario (hardware only, a grace period), the tool says so', async () => {
  const a = await check({ file, text: code({ readLock: false, sync: true }), arch: 'arm64' });
  assert.deepEqual(codes(a, 'warning'), []);
  assert.ok(a.problems.some((p) => /^unsupported: message passing between update_slots\(\) and reader\(\) cannot be judged on ARMv8: synchronize_rcu/.test(p.message)), JSON.stringify(a.problems));
});
