// Each rule of the concurrency model on a fixture written for it, beside a control that differs
// only in what the rule looks at and still gets its warning (so every test can fail).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkFixtureTree, READER, WRITER } from './helpers';

test('control: a writer with smp_wmb and a reader without smp_rmb in two files is reported', async () => {
  const r = await checkFixtureTree({ 'a.c': WRITER(), 'b.c': READER() });
  assert.ok(r.warnings.some((w) => w.endsWith('@b.c:4') || w.endsWith('@b.c:5')), JSON.stringify(r));
});

test('caller-held lock: both functions are only called with the ring lock held', async () => {
  const callers = `struct ring { int data; int ready; spinlock_t lock; };
void do_publish(struct ring *r)
{
    spin_lock(&r->lock);
    ring_publish(r);
    spin_unlock(&r->lock);
}
int do_consume(struct ring *r)
{
    int v;
    spin_lock(&r->lock);
    v = ring_consume(r);
    spin_unlock(&r->lock);
    return v;
}
`;
  const held = await checkFixtureTree({ 'a.c': WRITER(), 'b.c': READER(), 'c.c': callers });
  assert.deepEqual(held.warnings, []);
  assert.ok((held.excluded['common-lock'] ?? 0) > 0, JSON.stringify(held));
  // One caller without the lock: the intersection over call sites is empty, the warning stays.
  const open = await checkFixtureTree({ 'a.c': WRITER(), 'b.c': READER(), 'c.c': callers, 'd.c': 'struct ring;\nint peek(struct ring *r)\n{\n    return ring_consume(r);\n}\n' });
  assert.notDeepEqual(open.warnings, []);
});

test('lock wrapper macros defined in a header: both sides take the ring lock through them', async () => {
  const header = '#define RING_LOCK(r) spin_lock(&(r)->lock)\n#define RING_UNLOCK(r) spin_unlock(&(r)->lock)\n';
  const writer = `struct ring { int data; int ready; spinlock_t lock; };
void ring_publish(struct ring *r)
{
    RING_LOCK(r);
    r->data = 1;
    smp_wmb();
    r->ready = 1;
    RING_UNLOCK(r);
}
`;
  const reader = `struct ring { int data; int ready; spinlock_t lock; };
int ring_consume(struct ring *r)
{
    int v = 0;
    RING_LOCK(r);
    if (r->ready)
        v = r->data;
    RING_UNLOCK(r);
    return v;
}
`;
  assert.deepEqual((await checkFixtureTree({ 'include/ring.h': header, 'a.c': writer, 'b.c': reader })).warnings, []);
  // Without the header the macros are unknown calls: nothing orders the two sides.
  assert.notDeepEqual((await checkFixtureTree({ 'a.c': writer, 'b.c': reader })).warnings, []);
});

test('__init: a reader that runs only at boot, and its static helper, do not race the writer', async () => {
  const boot = await checkFixtureTree({ 'a.c': WRITER(), 'b.c': READER('ring', 'ring_consume', '__init ') });
  // The reader's file is not even paired (the control test above has the same two files).
  assert.deepEqual(boot.warnings, []);
  const viaInit = `struct ring;\nint ring_consume(struct ring *r);\nvoid __init setup(struct ring *r)\n{\n    ring_consume(r);\n}\n`;
  assert.deepEqual((await checkFixtureTree({ 'a.c': WRITER(), 'b.c': READER(), 'c.c': viaInit })).warnings, []);
});

test('per-CPU data: the running CPU\'s copy is not shared, another CPU\'s is', async () => {
  const tpl = (get: string): string => `struct ring { int data; int ready; };
static DEFINE_PER_CPU(struct ring, rings);
void ring_publish(unsigned int cpu)
{
    ${get}data = 1;
    smp_wmb();
    ${get}ready = 1;
}
int ring_consume(unsigned int cpu)
{
    if (${get}ready)
        return ${get}data;
    return 0;
}
`;
  const local = await checkFixtureTree({ 'a.c': tpl('this_cpu_ptr(&rings)->') });
  assert.deepEqual(local.warnings, []);
  assert.ok((local.excluded['per-cpu'] ?? 0) > 0, JSON.stringify(local));
  assert.notDeepEqual((await checkFixtureTree({ 'a.c': tpl('per_cpu_ptr(&rings, cpu)->') })).warnings, []);
});

test('paused vCPU: reading a vCPU after vcpu_pause() does not race its writer', async () => {
  const tpl = (pause: string, unpause: string): string => `struct vcpu { int data; int ready; };
int read_ctx(struct vcpu *v)
{
    int x = 0;
    ${pause}
    if (v->ready)
        x = v->data;
    ${unpause}
    return x;
}
`;
  const paused = await checkFixtureTree({ 'a.c': WRITER('vcpu', 'set_ctx'), 'b.c': tpl('vcpu_pause(v);', 'vcpu_unpause(v);') });
  assert.deepEqual(paused.warnings, []);
  assert.ok((paused.excluded.paused ?? 0) > 0, JSON.stringify(paused));
  assert.notDeepEqual((await checkFixtureTree({ 'a.c': WRITER('vcpu', 'set_ctx'), 'b.c': tpl('', '') })).warnings, []);
});

test('callee-not-a-thread: a function and the helper only it calls are one thread', async () => {
  const file = (extraCaller: string): string => `struct ring { int data; int ready; };
int ring_consume(struct ring *r);
void ring_publish(struct ring *r)
{
    r->data = 1;
    smp_wmb();
    r->ready = 1;
    ring_consume(r);
}
${extraCaller}`;
  const owned = await checkFixtureTree({ 'a.c': file(''), 'b.c': READER() });
  assert.deepEqual(owned.warnings, []);
  const shared = await checkFixtureTree({ 'a.c': file('int poll(struct ring *r)\n{\n    return ring_consume(r);\n}\n'), 'b.c': READER() });
  assert.notDeepEqual(shared.warnings, []);
});

test('same field names in two unrelated structs are two locations', async () => {
  assert.deepEqual((await checkFixtureTree({ 'a.c': WRITER('ring'), 'b.c': READER('queue') })).warnings, []);
  assert.notDeepEqual((await checkFixtureTree({ 'a.c': WRITER('queue'), 'b.c': READER('queue') })).warnings, []);
});
