// The lost-wakeup check on C shaped like KVM's run loop and Xen's vcpu_block()/vcpu_kick():
// each fixture states its verdict per model (`Expect: sc=safe ... lkmm=lost`); a lost wake-up
// is a finding with that table, a witness that runs through the code, and a fix that was
// re-simulated, and applying the fix makes the finding go away on a fresh check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../support/paths';
import { applyFix, check, only, preferred } from '../checks/helpers';

const dir = join(repoRoot, 'fixtures', 'hv', 'c');
const files = readdirSync(dir).filter((f) => f.endsWith('.c')).sort();

for (const file of files) {
  test(`lost-wakeup check: ${file}`, async () => {
    const path = join(dir, file);
    const text = readFileSync(path, 'utf8');
    const want = Object.fromEntries(/Expect: ([^*]*)/.exec(text)![1]!.trim().split(/\s+/).map((kv) => kv.split('=')));
    const a = await check({ file: path });
    const found = only(a, 'lost-wakeup');
    const lostSomewhere = Object.values(want).includes('lost');
    assert.equal(found.length, lostSomewhere ? 1 : 0, JSON.stringify(found.map((f) => f.message)));
    if (!lostSomewhere) return;
    const f = found[0]!;
    const got = Object.fromEntries(f.models.map((m) => [m.model, m.verdict === 'allowed' ? 'lost' : 'safe']));
    assert.deepEqual(got, want);
    // The witness runs through the code: every step points at a line of this file.
    assert.ok(f.witness && f.witness.length > 0);
    for (const s of f.witness!) assert.ok(s.place && s.place.range.line <= text.split('\n').length, s.text);
    assert.match(f.litmus ?? '', /send_ipi|block\(/);
    // The preferred fix was verified under every model, and a fresh check agrees.
    const fix = preferred(f);
    assert.deepEqual(fix.verified.map((m) => m.verdict), ['forbidden', 'forbidden', 'forbidden', 'forbidden']);
    const fixed = applyFix(text, fix);
    assert.notEqual(fixed, text);
    assert.deepEqual(only(await check({ file: path, text: fixed }), 'lost-wakeup'), []);
  });
}

test('the fix for a check outside the interrupt-disabled region moves local_irq_disable() up', async () => {
  const path = join(dir, 'kvm-req+check-irqs-on.c');
  const [f] = only(await check({ file: path }), 'lost-wakeup');
  assert.match(preferred(f!).title, /^Disable interrupts before `smp_store_mb\(vcpu->mode, IN_GUEST_MODE\)`/);
});

test('the fix for Xen without smp_mb__after_atomic() puts a full barrier after set_bit(_VPF_blocked)', async () => {
  const path = join(dir, 'xen-block+no-after-atomic.c');
  const text = readFileSync(path, 'utf8');
  const [f] = only(await check({ file: path }), 'lost-wakeup');
  assert.match(f!.message, /vcpu_block\(\) can sleep with `v->vcpu_info->evtchn_upcall_pending` set by vcpu_mark_events_pending\(\)/);
  assert.match(applyFix(text, preferred(f!)), /set_bit\(_VPF_blocked, &v->pause_flags\);\n {4}smp_mb\(\);/);
});
