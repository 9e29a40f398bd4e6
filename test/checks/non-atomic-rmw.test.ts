// non-atomic-rmw (whole-tree mode): a read-modify-write done as a separate load and store of a
// word other code updates with atomic read-modify-writes, where the two can run at once. The
// shape is Xen's e0d92d9bd7 (credit2 set a pause flag with `__set_bit()` under its runqueue lock
// while vcpu_block() sets another bit with `set_bit()` under none), written from scratch; each
// control differs from the positive case in one thing and goes quiet for one rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkFixtureTree } from '../concurrency/helpers';

const VCPU = 'struct vcpu { unsigned long pause_flags; spinlock_t lock; int id; };\n';

/** The split updater: `update` runs under the unit's lock unless `lockless`. */
const sched = (update = '__set_bit(_VPF_migrating, &v->pause_flags)', o: { attrs?: string; lock?: string } = {}): string => `${VCPU}struct unit { spinlock_t lock; };
void ${o.attrs ?? ''}unit_migrate(struct unit *u, struct vcpu *v)
{
    spin_lock(&${o.lock ?? 'u->lock'});
    ${update};
    spin_unlock(&${o.lock ?? 'u->lock'});
}
`;

/** Atomic updaters, under no lock unless `lock` is given. */
const block = (o: { lock?: string; op?: string } = {}): string => `${VCPU}void vcpu_block(struct vcpu *v)
{
${o.lock ? `    spin_lock(&${o.lock});\n` : ''}    ${o.op ?? 'set_bit'}(_VPF_blocked, &v->pause_flags);
${o.lock ? `    spin_unlock(&${o.lock});\n` : ''}}
void vcpu_wake(struct vcpu *v)
{
${o.lock ? `    spin_lock(&${o.lock});\n` : ''}    ${o.op === '__set_bit' ? '__clear_bit' : 'clear_bit'}(_VPF_blocked, &v->pause_flags);
${o.lock ? `    spin_unlock(&${o.lock});\n` : ''}}
`;

const rmw = (w: string[]): string[] => w.filter((x) => x.startsWith('non-atomic-rmw@'));

test('a __set_bit() of another bit under a lock the atomic updaters do not take: one update can be lost', async () => {
  const r = await checkFixtureTree({ 'xen/common/sched.c': sched(), 'xen/common/vcpu.c': block() });
  assert.deepEqual(rmw(r.warnings), ['non-atomic-rmw@xen/common/sched.c:6'], JSON.stringify(r));
});

test('a plain `|=` is a split update too (on every architecture)', async () => {
  const r = await checkFixtureTree({ 'xen/common/sched.c': sched('v->pause_flags |= VPF_migrating'), 'xen/common/vcpu.c': block() });
  assert.deepEqual(rmw(r.warnings), ['non-atomic-rmw@xen/common/sched.c:6'], JSON.stringify(r));
});

test('control: one lock held at both updates orders them', async () => {
  const r = await checkFixtureTree({ 'xen/common/sched.c': sched(undefined, { lock: 'v->lock' }), 'xen/common/vcpu.c': block({ lock: 'v->lock' }) });
  assert.deepEqual(rmw(r.warnings), [], JSON.stringify(r));
});

test('control: only atomic updaters', async () => {
  const r = await checkFixtureTree({ 'xen/common/sched.c': sched('set_bit(_VPF_migrating, &v->pause_flags)'), 'xen/common/vcpu.c': block() });
  assert.deepEqual(rmw(r.warnings), [], JSON.stringify(r));
});

test('control: only split updaters (no atomic update says the word is meant to be lockless)', async () => {
  const r = await checkFixtureTree({ 'xen/common/sched.c': sched(), 'xen/common/vcpu.c': block({ op: '__set_bit' }) });
  assert.deepEqual(rmw(r.warnings), [], JSON.stringify(r));
});

test('control: a bitmap on the function\'s own stack', async () => {
  const local = sched('__set_bit(_VPF_migrating, &tmp.pause_flags)').replace('{\n    spin_lock', '{\n    struct vcpu tmp;\n    spin_lock');
  const r = await checkFixtureTree({ 'xen/common/sched.c': local, 'xen/common/vcpu.c': block() });
  assert.deepEqual(rmw(r.warnings), [], JSON.stringify(r));
});

test('control: a bitmap known only by its scalar pointer type is no one object', async () => {
  const scalar = `void mark(unsigned long *map)\n{\n    __set_bit(3, map);\n}\nvoid mark_atomic(unsigned long *map)\n{\n    set_bit(4, map);\n}\n`;
  const r = await checkFixtureTree({ 'xen/common/map.c': scalar });
  assert.deepEqual(rmw(r.warnings), [], JSON.stringify(r));
});

test('control: the running CPU\'s per-CPU word', async () => {
  const pcpu = `DEFINE_PER_CPU(unsigned long, pflags);\nvoid pcpu_mark(void)\n{\n    __set_bit(1, &this_cpu(pflags));\n}\nvoid pcpu_mark_atomic(void)\n{\n    set_bit(2, &this_cpu(pflags));\n}\nvoid pcpu_clear_atomic(void)\n{\n    clear_bit(2, &this_cpu(pflags));\n}\n`;
  const split = `DEFINE_PER_CPU(unsigned long, pflags);\nunsigned long gflags;\nvoid g_mark(void)\n{\n    __set_bit(1, &gflags);\n}\nvoid g_mark_atomic(void)\n{\n    set_bit(2, &gflags);\n}\nvoid g_clear_atomic(void)\n{\n    clear_bit(2, &gflags);\n}\n`;
  assert.deepEqual(rmw((await checkFixtureTree({ 'xen/common/pcpu.c': pcpu })).warnings), []);
  // The same with a global word: flagged, so the per-CPU accessor is what keeps the first quiet.
  assert.deepEqual(rmw((await checkFixtureTree({ 'xen/common/pcpu.c': split })).warnings), ['non-atomic-rmw@xen/common/pcpu.c:5']);
});

test('control: an object still under construction (allocated, not yet published)', async () => {
  const init = `${VCPU}struct vcpu *vcpus[4];
static void vcpu_init_flags(struct vcpu *v)
{
    __set_bit(_VPF_down, &v->pause_flags);
}
`;
  const create = `${init}int vcpu_create(int i)
{
    struct vcpu *v = xzalloc(struct vcpu);
    if (!v)
        return -ENOMEM;
    vcpu_init_flags(v);
    vcpus[i] = v;
    return 0;
}
`;
  // The same initialisation of a vCPU the caller was handed, not one it allocated: flagged.
  const reinit = `${init}int vcpu_reinit(struct vcpu *v)
{
    vcpu_init_flags(v);
    return 0;
}
`;
  assert.deepEqual(rmw((await checkFixtureTree({ 'xen/common/create.c': create, 'xen/common/vcpu.c': block() })).warnings), []);
  assert.deepEqual(rmw((await checkFixtureTree({ 'xen/common/create.c': reinit, 'xen/common/vcpu.c': block() })).warnings), ['non-atomic-rmw@xen/common/create.c:5']);
});

test('control: boot-only code', async () => {
  const r = await checkFixtureTree({ 'xen/common/sched.c': sched(undefined, { attrs: '__init ' }), 'xen/common/vcpu.c': block() });
  assert.deepEqual(rmw(r.warnings), [], JSON.stringify(r));
});

test('control: Xen\'s __set_bit() is set_bit() on Arm, so Arm-only code is quiet; plain `|=` is not', async () => {
  const arm = { 'xen/arch/arm/sched.c': sched(), 'xen/common/vcpu.c': block() };
  assert.deepEqual(rmw((await checkFixtureTree(arm)).warnings), []);
  const plain = { 'xen/arch/arm/sched.c': sched('v->pause_flags |= VPF_migrating'), 'xen/common/vcpu.c': block() };
  assert.deepEqual(rmw((await checkFixtureTree(plain)).warnings), ['non-atomic-rmw@xen/arch/arm/sched.c:6']);
});

test('control: a word the tree updates split as often as atomically is not judged (mixed by design)', async () => {
  const more = `${VCPU}void vcpu_park(struct vcpu *v)\n{\n    __set_bit(_VPF_parked, &v->pause_flags);\n}\nvoid vcpu_unpark(struct vcpu *v)\n{\n    __clear_bit(_VPF_parked, &v->pause_flags);\n}\n`;
  const r = await checkFixtureTree({ 'xen/common/sched.c': sched(), 'xen/common/vcpu.c': block(), 'xen/common/park.c': more });
  assert.deepEqual(rmw(r.warnings), [], JSON.stringify(r));
  // Three atomic updaters against two split ones: a majority, but not a clear one (two to one).
  const park = `${VCPU}void vcpu_park(struct vcpu *v)\n{\n    __set_bit(_VPF_parked, &v->pause_flags);\n}\nvoid vcpu_down(struct vcpu *v)\n{\n    set_bit(_VPF_down, &v->pause_flags);\n}\n`;
  const close = await checkFixtureTree({ 'xen/common/sched.c': sched(), 'xen/common/vcpu.c': block(), 'xen/common/park.c': park });
  assert.deepEqual(rmw(close.warnings), [], JSON.stringify(close));
});

test('a header\'s inline split updater is judged with its callers and reported once, in the header', async () => {
  const header = `${VCPU}static inline void vcpu_set_flag(struct vcpu *v, unsigned int bit)\n{\n    __set_bit(bit, &v->pause_flags);\n}\n`;
  const caller = (name: string): string => `#include "flags.h"\nvoid ${name}(struct vcpu *v)\n{\n    vcpu_set_flag(v, _VPF_migrating);\n}\n`;
  const r = await checkFixtureTree({ 'xen/include/flags.h': header, 'xen/common/a.c': caller('a_mark'), 'xen/common/b.c': caller('b_mark'), 'xen/common/vcpu.c': block() });
  assert.deepEqual(rmw(r.warnings), ['non-atomic-rmw@xen/include/flags.h:4'], JSON.stringify(r));
});
