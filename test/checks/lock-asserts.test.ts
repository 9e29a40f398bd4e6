// Locks a function asserts its caller holds, as the checks see them: two functions that run
// under the same lock are serialized (their message passing cannot go wrong), a lock order
// starts at the asserted lock, and a lock context sees it held.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Os } from '../../engine/kb/types';
import { check, codes, lineText, only } from './helpers';

const ORDERING = ['missing-barrier', 'arch-specific-ordering'] as const;

/** A writer and a reader of one handshake, each starting with `writerAssert`/`readerAssert`. */
function handshake(a: { writerAssert: string; readerAssert: string }): string {
  return `struct obj { spinlock_t lock; int data; int flag; };

void publish(struct obj *x)
{
    ${a.writerAssert}
    x->data = 1;
    WRITE_ONCE(x->flag, 1);
}

int consume(struct obj *x)
{
    int r = 0;

    ${a.readerAssert}
    if ( READ_ONCE(x->flag) )
        r = x->data;
    return r;
}
`;
}

async function orderingFindings(text: string, os: Os): Promise<string[]> {
  const a = await check({ file: os === 'xen' ? 'xen/common/handshake.c' : 'virt/kvm/handshake.c', text, os });
  return codes(a).filter((c) => (ORDERING as readonly string[]).includes(c));
}

for (const [os, assertion] of [['xen', 'ASSERT(spin_is_locked(&x->lock));'], ['linux', 'lockdep_assert_held(&x->lock);']] as const) {
  test(`lock asserts (${os}): writer and reader both under the caller's lock report no ordering finding`, async () => {
    assert.deepEqual(await orderingFindings(handshake({ writerAssert: assertion, readerAssert: assertion }), os), []);
  });

  test(`lock asserts (${os}): without the assertion on one side the ordering finding comes back`, async () => {
    assert.ok((await orderingFindings(handshake({ writerAssert: assertion, readerAssert: '' }), os)).length > 0, 'reader unlocked');
    assert.ok((await orderingFindings(handshake({ writerAssert: '', readerAssert: assertion }), os)).length > 0, 'writer unlocked');
  });
}

test('lock asserts: the finding stays on the accesses, and the test shows the asserted lock around its side', async () => {
  const text = handshake({ writerAssert: 'ASSERT(spin_is_locked(&x->lock));', readerAssert: '' });
  const a = await check({ file: 'xen/common/handshake.c', text, os: 'xen' });
  const findings = a.findings.filter((f) => (ORDERING as readonly string[]).includes(f.code));
  assert.ok(findings.length > 0);
  for (const f of findings) {
    assert.doesNotMatch(lineText(text, f.place.range.line), /ASSERT/, 'never at the assertion');
    for (const fix of f.fixes) for (const e of fix.edits) assert.doesNotMatch(lineText(text, e.range.line), /ASSERT/, 'no fix at the assertion');
  }
  const litmus = findings.map((f) => f.litmus ?? '').find((l) => /publish/.test(l)) ?? '';
  assert.match(litmus, /spin_lock\(lock_x_lock\);\s*WRITE_ONCE\(\*x_data, 1\);\s*WRITE_ONCE\(\*x_flag, 1\);\s*spin_unlock\(lock_x_lock\);/);
});

test('lock asserts: read-mode assertions do not serialize the two sides', async () => {
  const assertion = 'lockdep_assert_held_read(&x->lock);';
  assert.ok((await orderingFindings(handshake({ writerAssert: assertion, readerAssert: assertion }), 'linux')).length > 0);
});

test('lock asserts: lock-order-inversion when one path\'s first lock comes from an assertion', async () => {
  const text = `struct vcpu { spinlock_t vgic_lock; int x; };
struct rank { spinlock_t lock; int y; };

static void update_rank(struct vcpu *v, struct rank *r)
{
    ASSERT(spin_is_locked(&v->vgic_lock));
    spin_lock(&r->lock);
    r->y = 1;
    spin_unlock(&r->lock);
}

static void migrate(struct vcpu *v, struct rank *r)
{
    spin_lock(&r->lock);
    spin_lock(&v->vgic_lock);
    v->x = 1;
    spin_unlock(&v->vgic_lock);
    spin_unlock(&r->lock);
}
`;
  const a = await check({ file: 'xen/arch/arm/vgic.c', text, os: 'xen' });
  const inversions = only(a, 'lock-order-inversion');
  // One inversion, one finding: the opposite path is its related place.
  assert.equal(inversions.length, 1, JSON.stringify(inversions.map((f) => f.message)));
  const mine = inversions.find((f) => /^update_rank\(\)/.test(f.message));
  assert.ok(mine);
  assert.match(lineText(text, mine.place.range.line), /spin_lock\(&r->lock\);/);
  assert.match(mine.message, /while holding struct vcpu->vgic_lock \(taken by its caller\)/);
  const note = mine.related.find((r) => /held by the caller/.test(r.message));
  assert.ok(note, 'a note at the assertion');
  assert.match(lineText(text, note.place.range.line), /ASSERT\(spin_is_locked\(&v->vgic_lock\)\);/);
  // Without the assertion update_rank() holds nothing when it takes the rank lock.
  const without = await check({ file: 'xen/arch/arm/vgic.c', text: text.replace(/ {4}ASSERT.*\n/, ''), os: 'xen' });
  assert.deepEqual(only(without, 'lock-order-inversion'), []);
});

test('lock asserts: lock-context sees the caller\'s lock held', async () => {
  const text = `void drain(struct domain *d)
{
    ASSERT(spin_is_locked(&d->event_lock));
    d->pending = 0;
    do_softirq();
}
`;
  const a = await check({ file: 'xen/common/event.c', text, os: 'xen' });
  const [f] = only(a, 'lock-context');
  assert.ok(f, JSON.stringify(codes(a)));
  assert.match(f.message, /do_softirq\(\) must not be called with struct domain->event_lock held/);
  assert.match(lineText(text, f.place.range.line), /do_softirq\(\);/);
});

test('lock asserts: sleeping is flagged under a lock asserted to spin, not under lockdep\'s word alone (mutexes pass it)', async () => {
  const text = (assertion: string): string => `void resize(struct kvm *kvm)
{
    ${assertion}
    kvm->nr = 0;
    msleep(1);
}
`;
  const spinning = await check({ file: 'virt/kvm/resize.c', text: text('assert_spin_locked(&kvm->mmu_lock);'), os: 'linux' });
  const [f] = only(spinning, 'lock-context');
  assert.ok(f, JSON.stringify(codes(spinning)));
  assert.match(f.message, /msleep\(\) must not be called with spinlock struct kvm->mmu_lock held/);
  const any = await check({ file: 'virt/kvm/resize.c', text: text('lockdep_assert_held(&kvm->lock);'), os: 'linux' });
  assert.deepEqual(only(any, 'lock-context'), []);
});

test('calling contexts: KVM arch vCPU ioctl handlers all run under vcpu->mutex, so they do not race each other', async () => {
  const code = (reader: string): string => `struct kvm_vcpu { struct mutex mutex; int data; int flag; };

int kvm_arch_vcpu_ioctl_set_thing(struct kvm_vcpu *vcpu)
{
    vcpu->data = 1;
    WRITE_ONCE(vcpu->flag, 1);
    return 0;
}

int ${reader}(struct kvm_vcpu *vcpu)
{
    int r = 0;

    if ( READ_ONCE(vcpu->flag) )
        r = vcpu->data;
    return r;
}
`;
  const file = 'arch/arm64/kvm/context_example.c';
  const serialized = await check({ file, text: code('kvm_arch_vcpu_ioctl_get_thing'), arch: 'all' });
  assert.deepEqual(serialized.findings.filter((f) => ['missing-barrier', 'arch-specific-ordering'].includes(f.code)), []);
  const racing = await check({ file, text: code('kvm_vcpu_kick_reader'), arch: 'all' });
  assert.ok(racing.findings.some((f) => ['missing-barrier', 'arch-specific-ordering'].includes(f.code)), 'a reader outside the ioctl path still races');
});
