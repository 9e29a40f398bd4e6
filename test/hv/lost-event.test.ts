// lost-event generalized onto the hypervisor events: removing an IPI (not only a KB
// kick/wake/reinject) on a path that still consumes the pending state (a cleared pending bit,
// not only a list removal) drops the event; seed 001's list_del case still holds (seeds.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { repoRoot } from '../support/paths';
import { check, only } from '../checks/helpers';

test('a patch removing the event-check IPI after test_and_clear_bit() of the pending flag is a lost event', async () => {
  const a = await check({ file: join(repoRoot, 'fixtures', 'hv', 'lost-event-ipi.patch'), os: 'xen' });
  const [f] = only(a, 'lost-event');
  assert.ok(f, JSON.stringify(a.findings.map((x) => x.code)));
  assert.match(f.message, /removes smp_send_event_check_cpu\(\).*test_and_clear_bit\(_VPF_notify, &v->pause_flags\)/);
});
