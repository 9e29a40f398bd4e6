// Locks a function asserts its caller holds (ASSERT(spin_is_locked(...)), lockdep_assert_held()):
// held at every event from entry to return, listed in `callerHolds`, no event of their own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractC } from '../../engine/extract/index';
import { lockOrders } from '../../engine/extract/query';
import { relocateThread } from '../../engine/extract/relocate';
import type { Profile } from '../../engine/kb/types';
import type { Event, Result, Thread } from '../../engine/extract/types';
import { brief, parser } from './helpers';

const XEN: Profile = { os: 'xen' };
const LINUX: Profile = { os: 'linux' };

async function extract(code: string, profile: Profile): Promise<Result<Thread[]>> {
  return extractC(await parser(), { text: code, profile });
}

function fn(res: Result<Thread[]>, name: string): Thread {
  const t = res.value.find((x) => x.name === name);
  assert.ok(t, `${name}() extracted`);
  return t;
}

function write(t: Thread, loc: string): Event {
  const e = t.events.find((x) => x.kind === 'W' && x.loc.text === loc);
  assert.ok(e, `a store to ${loc}`);
  return e;
}

const VGIC = 'struct vcpu->lock';
const RANK = 'struct vgic_irq_rank->lock';

test('lock asserts: ASSERT(spin_is_locked()) holds the lock from entry, before the locks the function takes', async () => {
  const code = `
void update(struct vcpu *v, struct vgic_irq_rank *r)
{
    v->before = 1;
    ASSERT(spin_is_locked(&v->lock));
    spin_lock(&r->lock);
    r->x = 1;
    spin_unlock(&r->lock);
    if ( v->stop )
        return;
    v->after = 2;
}`;
  const t = fn(await extract(code, XEN), 'update');
  assert.deepEqual(write(t, 'r->x').held, [VGIC, RANK]);
  // The caller took it before the function ran: also before the assertion, and to every exit.
  assert.deepEqual(write(t, 'v->before').held, [VGIC]);
  assert.deepEqual(write(t, 'v->after').held, [VGIC]);
  assert.ok(t.events.every((e) => e.held[0] === VGIC), 'every event holds it first');
  assert.deepEqual(lockOrders(t).map((o) => `${o.held} -> ${o.taken}`), [`${VGIC} -> ${RANK}`]);
  // No event stands for it: the events are the function's own, as before.
  assert.deepEqual(t.events.map(brief), [
    'W plain v->before', 'ASSERT spin_is_locked(&v->lock)', 'LOCK r->lock', 'W plain r->x', 'UNLOCK r->lock',
    'R plain v->stop', 'EXIT return', 'W plain v->after',
  ]);
  assert.equal(t.callerHolds?.length, 1);
  const [h] = t.callerHolds!;
  assert.deepEqual([h!.lock.text, h!.lock.key, h!.mode, h!.text], ['v->lock', VGIC, 'spin', 'ASSERT(spin_is_locked(&v->lock))']);
  assert.deepEqual(h!.span, { line: 5, col: 5, endLine: 5, endCol: 37 });
});

test('lock asserts: lockdep_assert_held() likewise, and the _write/_read forms and assert_spin_locked() give their modes', async () => {
  const code = `
void kvm_thing(struct kvm *kvm, struct kvm_vcpu *vcpu, spinlock_t *l)
{
    lockdep_assert_held(&kvm->lock);
    lockdep_assert_held_write(&kvm->mmu_lock);
    lockdep_assert_held_read(&kvm->srcu_lock);
    assert_spin_locked(l);
    spin_lock(&vcpu->lock);
    vcpu->x = 1;
    spin_unlock(&vcpu->lock);
}`;
  const t = fn(await extract(code, LINUX), 'kvm_thing');
  const keys = ['struct kvm->lock', 'struct kvm->mmu_lock', 'struct kvm->srcu_lock', '*spinlock_t'];
  assert.deepEqual(write(t, 'vcpu->x').held, [...keys, 'struct kvm_vcpu->lock']);
  assert.deepEqual(t.callerHolds?.map((h) => `${h.mode} ${h.lock.text}`), ['spin kvm->lock', 'write kvm->mmu_lock', 'read kvm->srcu_lock', 'spin *l']);
  assert.deepEqual(t.events.map(brief), ['LOCK vcpu->lock', 'W plain vcpu->x', 'UNLOCK vcpu->lock']);
  assert.deepEqual(lockOrders(t).map((o) => o.held), keys);
});

test('lock asserts: a function that takes the lock itself is unchanged by asserting it', async () => {
  const body = (assertion: string): string => `
void own(struct vcpu *v)
{
    spin_lock(&v->lock);
    ${assertion}
    v->a = 1;
    spin_unlock(&v->lock);
    v->b = 2;
}`;
  const asserted = fn(await extract(body('ASSERT(spin_is_locked(&v->lock));'), XEN), 'own');
  const plain = fn(await extract(body(''), XEN), 'own');
  assert.equal(asserted.callerHolds, undefined);
  const held = (t: Thread): string[][] => t.events.filter((e) => e.kind !== 'ASSERT').map((e) => [...e.held]);
  assert.deepEqual(held(asserted), held(plain));
  assert.deepEqual(write(asserted, 'v->b').held, []);
  const linux = fn(await extract(body('lockdep_assert_held(&v->lock);'), LINUX), 'own');
  assert.equal(linux.callerHolds, undefined);
  assert.deepEqual(held(linux), held(plain));
});

test('lock asserts: only what the assertion states true counts (&& yes; !, || no)', async () => {
  const code = `
void f(struct domain *d, struct vcpu *v)
{
    ASSERT(spin_is_locked(&d->a) && (rw_is_write_locked(&d->b) && v));
    ASSERT(!spin_is_locked(&d->c));
    ASSERT(spin_is_locked(&d->e) || spin_is_locked(&d->f));
    if ( spin_is_locked(&d->g) )
        d->x = 1;
}`;
  const t = fn(await extract(code, XEN), 'f');
  assert.deepEqual(t.callerHolds?.map((h) => `${h.mode} ${h.lock.text}`), ['spin d->a', 'write d->b']);
  assert.deepEqual(write(t, 'd->x').held, ['struct domain->a', 'struct domain->b']);
  // A lock test outside an assertion is not a call the checks need to see.
  assert.ok(!t.events.some((e) => e.kind === 'CALL' && e.callee === 'spin_is_locked'));
});

test('lock asserts: an assertion inside a branch is not counted (it may hold only there); after an early return it is', async () => {
  const code = `
void f(struct domain *d, struct vcpu *v)
{
    if ( d != v->domain )
        ASSERT(spin_is_locked(&d->other_lock));
    if ( !d->ready )
        return;
    ASSERT(spin_is_locked(&d->lock));
    d->x = 1;
}`;
  const t = fn(await extract(code, XEN), 'f');
  assert.deepEqual(t.callerHolds?.map((h) => h.lock.text), ['d->lock']);
  assert.deepEqual(write(t, 'd->x').held, ['struct domain->lock']);
});

test('lock asserts: a lock extraction cannot name is reported, not counted', async () => {
  const code = 'void f(struct kvm_vcpu *vcpu)\n{\n    lockdep_assert_held(&vcpu_to_kvm(vcpu)->lock);\n    ASSERT(spin_is_locked(get_lock(vcpu)));\n    vcpu->x = 1;\n}\n';
  const res = await extract(code, XEN);
  const t = fn(res, 'f');
  assert.equal(t.callerHolds, undefined);
  assert.deepEqual(write(t, 'vcpu->x').held, []);
  const messages = res.problems.map((p) => `${p.line}:${p.col} ${p.severity} ${p.message}`);
  assert.deepEqual(messages, [
    '3:5 warning unsupported: lockdep_assert_held at 3:5 (lock `&vcpu_to_kvm(vcpu)->lock` is not an access path: not counted as held by the caller)',
    '4:12 warning unsupported: spin_is_locked at 4:12 (lock `get_lock(vcpu)` is not an access path: not counted as held by the caller)',
  ]);
});

test('lock asserts: a caller of an asserting function sees the lock held in the inlined events, and its lock order', async () => {
  const code = `
static void get_target(struct vcpu *v, struct vgic_irq_rank *r)
{
    ASSERT(spin_is_locked(&v->lock));
    spin_lock(&r->lock);
    spin_unlock(&r->lock);
}
void caller(struct vcpu *v, struct vgic_irq_rank *r)
{
    get_target(v, r);
}`;
  const t = fn(await extract(code, XEN), 'caller');
  assert.deepEqual(lockOrders(t).map((o) => `${o.held} -> ${o.taken}`), [`${VGIC} -> ${RANK}`]);
  // The caller does not assert it: whether it holds the lock is its own callers' business.
  assert.equal(t.callerHolds, undefined);
});

test('lock asserts: a thread moved by an edit keeps its assertion span in step', async () => {
  const t = fn(await extract('void f(struct vcpu *v)\n{\n    ASSERT(spin_is_locked(&v->lock));\n    v->x = 1;\n}\n', XEN), 'f');
  const moved = relocateThread(t, { line: 3, src: 3 });
  assert.deepEqual(moved.callerHolds?.map((h) => h.span.line), [6]);
  assert.deepEqual(moved.events.map((e) => e.span.line), [6, 7]);
});
