// Each rule of the concurrency model on a fixture written for it, beside a control that differs
// only in what the rule looks at and still gets its warning (so every test can fail).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkFixtureTree, LOCKED_CONSUME, READER, WRITER } from './helpers';
import { lockWrappers } from '../../engine/concurrency/lock-wrappers';

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
${LOCKED_CONSUME}`;
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

test('per-CPU data: the running CPU\'s own copy is shared with code on another CPU that reaches it by CPU number', async () => {
  // The publisher fills its own CPU's ring; a consumer reads some CPU's ring by number (as Xen
  // inserts into another CPU's timer heap): that CPU may be the publisher's, so the cycle stands.
  const mixed = (reader: string): string => `struct ring { int data; int ready; };
static DEFINE_PER_CPU(struct ring, rings);
void ring_publish(void)
{
    struct ring *r = &this_cpu(rings);

    r->data = 1;
    smp_wmb();
    r->ready = 1;
}
int ring_consume(unsigned int cpu)
{
    struct ring *r = ${reader};

    if (r->ready)
        return r->data;
    return 0;
}
`;
  assert.notDeepEqual((await checkFixtureTree({ 'a.c': mixed('&per_cpu(rings, cpu)') })).warnings, []);
  // Control: both on their running CPU's copy.
  const own = await checkFixtureTree({ 'a.c': mixed('&this_cpu(rings)') });
  assert.deepEqual(own.warnings, []);
  assert.ok((own.excluded['per-cpu'] ?? 0) > 0, JSON.stringify(own));
});

test('paused vCPU: the pause excludes code running as that vCPU, not other CPUs writing it', async () => {
  const reader = `struct vcpu { int data; int ready; };
int read_ctx(struct vcpu *v)
{
    int x = 0;
    vcpu_pause(v);
    if (v->ready)
        x = v->data;
    vcpu_unpause(v);
    return x;
}
`;
  const caller = (arg: string): string => `struct vcpu;
struct domain { struct vcpu *vcpu[4]; };
void set_ctx(struct vcpu *r);
void do_op(struct domain *d)
{
    struct vcpu *curr = current;
    set_ctx(${arg});
}
`;
  // set_ctx() runs only as the vCPU it writes (its one caller passes `current`): while the
  // reader holds that vCPU paused, set_ctx() cannot be running on it.
  const own = await checkFixtureTree({ 'a.c': WRITER('vcpu', 'set_ctx'), 'b.c': reader, 'c.c': caller('curr') });
  assert.deepEqual(own.warnings, []);
  assert.ok((own.excluded.paused ?? 0) > 0, JSON.stringify(own));
  // Another CPU writes the paused vCPU (seed 000: a domctl and arch_set_info_guest()): it stays.
  const other = await checkFixtureTree({ 'a.c': WRITER('vcpu', 'set_ctx'), 'b.c': reader, 'c.c': caller('d->vcpu[0]') });
  assert.notDeepEqual(other.warnings, []);
});

test('running vCPU: two functions that touch only the vCPU they run as never meet on it', async () => {
  const reader = `struct vcpu { int data; int ready; };
int read_ctx(struct vcpu *v)
{
    if (v->ready)
        return v->data;
    return 0;
}
`;
  const callers = (arg: string): string => `struct vcpu;
struct domain { struct vcpu *vcpu[4]; };
void set_ctx(struct vcpu *r);
int read_ctx(struct vcpu *v);
void do_set(void)
{
    set_ctx(current);
}
static int peek(struct vcpu *v)
{
    return read_ctx(v);
}
int do_get(struct domain *d)
{
    struct vcpu *curr = current;
    return peek(${arg});
}
`;
  // read_ctx() is reached only through peek(curr), set_ctx() only with current: each touches
  // its own running vCPU, and two CPUs never run one vCPU at once.
  const own = await checkFixtureTree({ 'a.c': WRITER('vcpu', 'set_ctx'), 'b.c': reader, 'c.c': callers('curr') });
  assert.deepEqual(own.warnings, []);
  assert.ok((own.excluded['running-vcpu'] ?? 0) > 0, JSON.stringify(own));
  // One reader reads another vCPU of the domain: the two can meet on it.
  assert.notDeepEqual((await checkFixtureTree({ 'a.c': WRITER('vcpu', 'set_ctx'), 'b.c': reader, 'c.c': callers('d->vcpu[1]') })).warnings, []);
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

/** A message-passing pair over `struct ring`, each side between `lock(r)` and `unlock(r)`. */
const lockedPair = (lock: string, unlock: string): Record<string, string> => ({
  'a.c': `struct ring { int data; int ready; spinlock_t lock; int owner; };
void ring_publish(struct ring *r)
{
    unsigned long flags;
    ${lock}
    r->data = 1;
    smp_wmb();
    r->ready = 1;
    ${unlock}
}
`,
  'b.c': `struct ring { int data; int ready; spinlock_t lock; int owner; };
int ring_consume(struct ring *r)
{
    unsigned long flags;
    int v = 0;
    ${lock}
    if (r->ready)
        v = r->data;
    ${unlock}
    return v;
}
`,
});

test('lock wrapper with a retry loop: takes the lock, re-checks, drops it and retries', async () => {
  const header = `static inline void ring_lock(struct ring *r)
{
    for ( ; ; )
    {
        spinlock_t *l = &ring_home(r->owner)->lock;
        spin_lock(l);
        if ( l == &ring_home(r->owner)->lock )
            return;
        spin_unlock(l);
    }
}

static inline void ring_unlock(struct ring *r)
{
    spin_unlock(&ring_home(r->owner)->lock);
}
`;
  const pair = lockedPair('ring_lock(r);', 'ring_unlock(r);');
  assert.deepEqual((await checkFixtureTree({ 'include/ring.h': header, ...pair })).warnings, []);
  // The same loop that never leaves with the lock (it always drops it) is no wrapper.
  const dropping = header.replace('            return;\n        spin_unlock(l);', '            spin_unlock(l);\n        spin_unlock(l);\n        return;');
  assert.notDeepEqual((await checkFixtureTree({ 'include/ring.h': dropping, ...pair })).warnings, []);
});

test('a retry loop whose lock the function drops again before returning is no lock wrapper', () => {
  // KVM's kvm_xen_shared_info_init(): the loop leaves with gpc->lock held, the function writes
  // under it and releases it; nothing is left to the caller.
  const body = (after: string): string => `static int cache_init(struct vm *kvm)
{
    struct cache *gpc = &kvm->cache;
    do {
        read_lock_irq(&gpc->lock);
        if (cache_check(gpc))
            break;
        read_unlock_irq(&gpc->lock);
        cache_refresh(gpc);
    } while (1);
    gpc->khva->version = 1;
${after}    return 0;
}
`;
  assert.deepEqual(lockWrappers(body('    read_unlock_irq(&gpc->lock);\n')).map((w) => w.name), []);
  // Without the release after the loop the function returns holding the lock: a wrapper.
  assert.deepEqual(lockWrappers(body('')).map((w) => `${w.name}:${w.op}`), ['cache_init:lock']);
});

test('lock wrappers generated by a token-pasting macro, and a macro around a wrapper', async () => {
  const header = `#define ring_lock_gen(kind, param, obj, irq) \\
static inline void \\
kind##_ring_lock##irq(param) \\
{ \\
    for ( ; ; ) \\
    { \\
        spinlock_t *l = &ring_home(obj)->lock; \\
        spin_lock##irq(l); \\
        if ( l == &ring_home(obj)->lock ) \\
            return; \\
        spin_unlock##irq(l); \\
    } \\
}

ring_lock_gen(fast, struct ring *r, r->owner, )
ring_lock_gen(fast, struct ring *r, r->owner, _irq)

static inline void fast_ring_unlock(struct ring *r)
{
    spin_unlock(&ring_home(r->owner)->lock);
}

#define fast_ring_lock_irqsave(r, flags) ({ local_irq_save(flags); fast_ring_lock(r); })
#define fast_ring_unlock_irqrestore(r, flags) ({ fast_ring_unlock(r); local_irq_restore(flags); })
`;
  const generated = lockedPair('fast_ring_lock_irq(r);', 'fast_ring_unlock(r);');
  assert.deepEqual((await checkFixtureTree({ 'include/ring.h': header, ...generated })).warnings, []);
  const wrapped = lockedPair('fast_ring_lock_irqsave(r, flags);', 'fast_ring_unlock_irqrestore(r, flags);');
  assert.deepEqual((await checkFixtureTree({ 'include/ring.h': header, ...wrapped })).warnings, []);
  // Without the header every one of them is an unknown call: nothing orders the two sides.
  assert.notDeepEqual((await checkFixtureTree(generated)).warnings, []);
});

test('lock wrappers: what is learned, and what is not', async () => {
  const { treeLockWrappers } = await import('../../engine/concurrency/lock-wrappers');
  const learned = treeLockWrappers([`static void take(struct ring *r)
{
    _spin_lock(&r->lock);
}

static void give(struct ring *r)
{
    spin_unlock(&r->lock);
}

static void take_global(struct ring *r)
{
    spin_lock(&global_lock);
}

static void report_end(unsigned long *flags)
{
    spin_unlock_irqrestore(&report_lock, *flags);
}

static void use_both(struct ring *r)
{
    take(r);
    r->data = 1;
    give(r);
}

#define RING_TAKE(r, f) ({ local_irq_save(f); take(r); })
`]);
  assert.deepEqual(learned.map((w) => `${w.name}:${w.op}`).sort(), ['RING_TAKE:lock', 'give:unlock', 'take:lock']);
});

test('a function that takes a field of its argument again before returning is no lock wrapper of the whole argument', async () => {
  const { treeLockWrappers } = await import('../../engine/concurrency/lock-wrappers');
  // Swaps with the field's lock dropped (by a callee) and takes it again: its caller releases
  // the field directly, so keyed as the whole `kvm` the lock would never be released.
  const invalidate = (field: string): string => `static void invalidate_slot(struct kvm *kvm, struct slot *old)
{
    swap_active_slots(kvm);
    mutex_lock(${field});
    old->arch = 0;
}
`;
  assert.deepEqual(treeLockWrappers([invalidate('&kvm->slots_arch_lock')]).map((w) => `${w.name}:${w.op}`), []);
  // Control: the argument itself is the lock; the first-parameter rule learns that one.
  assert.deepEqual(treeLockWrappers([invalidate('kvm')]).map((w) => `${w.name}:${w.op}`), ['invalidate_slot:lock']);
});

test('own stack: a struct the function declares itself is not shared, even when callees read it', async () => {
  const reader = (decl: string, arg: string): string => `struct ring { int data; int ready; spinlock_t lock; };
void get_ready(struct ring *src, int *out)
{
    *out = src->ready;
}
void get_data(struct ring *src, int *out)
{
    *out = src->data;
}
int ring_peek(struct ring *r)
{
    ${decl}
    int a, b;
    get_ready(${arg}, &a);
    get_data(${arg}, &b);
    return a + b;
}
`;
  const onStack = await checkFixtureTree({ 'a.c': WRITER(), 'b.c': reader('struct ring snap;', '&snap') });
  // Extraction already marks what callees read through `&snap` as this CPU's own (calls.ts);
  // the own-stack rule covers the declarations extraction cannot see through.
  assert.deepEqual(onStack.warnings, [], JSON.stringify(onStack));
  // Through a pointer the same two reads are of shared memory: the message passing is reported.
  const shared = await checkFixtureTree({ 'a.c': WRITER(), 'b.c': reader('struct ring *snap = r;', 'snap') });
  assert.equal(shared.excluded['own-stack'] ?? 0, 0, JSON.stringify(shared));
  assert.notDeepEqual(shared.warnings, []);
});

test('load buffering is reported only where a side orders its load before its store', async () => {
  const side = (name: string, a: string, b: string, mid: string): string => `struct ring { int data; int ready; spinlock_t lock; };
void ${name}(struct ring *r)
{
    if (READ_ONCE(r->${a}))
        return;
    ${mid}
    WRITE_ONCE(r->${b}, 1);
}
`;
  const plain = await checkFixtureTree({ 'a.c': side('left', 'data', 'ready', ''), 'b.c': side('right', 'ready', 'data', '') });
  assert.ok((plain.excluded['load-buffering-unordered'] ?? 0) > 0, JSON.stringify(plain));
  // smp_wmb() orders stores among themselves, not a load before a store: still not reported.
  const wmb = await checkFixtureTree({ 'a.c': side('left', 'data', 'ready', 'smp_wmb();'), 'b.c': side('right', 'ready', 'data', '') });
  assert.ok((wmb.excluded['load-buffering-unordered'] ?? 0) > 0, JSON.stringify(wmb));
  // With smp_mb() on one side the code says it orders the two: the other side is judged.
  const ordered = await checkFixtureTree({ 'a.c': side('left', 'data', 'ready', 'smp_mb();'), 'b.c': side('right', 'ready', 'data', '') });
  assert.equal(ordered.excluded['load-buffering-unordered'] ?? 0, 0, JSON.stringify(ordered));
});

test('code of two architectures never runs together', async () => {
  const other = await checkFixtureTree({ 'arch/x86/a.c': WRITER(), 'arch/arm/b.c': READER() });
  assert.deepEqual(other.warnings, []);
  // The same two files under one architecture, or one of them common code, are paired.
  assert.notDeepEqual((await checkFixtureTree({ 'arch/arm/a.c': WRITER(), 'arch/arm/b.c': READER() })).warnings, []);
  assert.notDeepEqual((await checkFixtureTree({ 'common/a.c': WRITER(), 'arch/arm/b.c': READER() })).warnings, []);
});

test('a lock at both ends of where the two sides meet orders the cycle, whatever the other accesses do', async () => {
  // The writer stores the data outside the lock and the flag inside; the reader reads the flag
  // inside the lock and the data after it. The flag is where they meet: both hold the lock there.
  const writer = `struct ring { int data; int ready; spinlock_t lock; };
void ring_publish(struct ring *r)
{
    r->data = 1;
    smp_wmb();
    spin_lock(&r->lock);
    r->ready = 1;
    spin_unlock(&r->lock);
}
`;
  const reader = (locked: boolean): string => `struct ring { int data; int ready; spinlock_t lock; };
int ring_consume(struct ring *r)
{
    int f;
    ${locked ? 'spin_lock(&r->lock);' : ''}
    f = r->ready;
    ${locked ? 'spin_unlock(&r->lock);' : ''}
    if (f)
        return r->data;
    return 0;
}
`;
  const met = await checkFixtureTree({ 'a.c': writer, 'b.c': reader(true) });
  assert.deepEqual(met.warnings, []);
  assert.ok((met.excluded['common-lock'] ?? 0) > 0, JSON.stringify(met));
  // The reader reads the flag without the lock: nothing orders the data read, the warning stays.
  assert.notDeepEqual((await checkFixtureTree({ 'a.c': writer, 'b.c': reader(false) })).warnings, []);
});

test('device register accessors are no sign of a protocol between two CPUs', async () => {
  const writer = (between: string): string => `struct regs { int go; };
struct dev { int data; int ready; struct regs *regs; };
void dev_start(struct dev *d)
{
    d->data = 1;
    ${between};
    d->ready = 1;
}
`;
  const reader = `struct dev { int data; int ready; };
int dev_result(struct dev *d)
{
    if (d->ready)
        return d->data;
    return 0;
}
`;
  // writel() carries a wmb for the device; between two plain stores it shows no CPU protocol.
  const device = await checkFixtureTree({ 'a.c': writer('writel(1, &d->regs->go)'), 'b.c': reader });
  assert.deepEqual(device.warnings, []);
  assert.ok((device.excluded['no-lockless-evidence'] ?? 0) > 0, JSON.stringify(device));
  assert.notDeepEqual((await checkFixtureTree({ 'a.c': writer('smp_wmb()'), 'b.c': reader })).warnings, []);
});

test('a lock wrapper that returns its lock: its unlock wrapper releases it through the argument they share', async () => {
  const header = (unlockParams: string): string => `spinlock_t *lock_of(unsigned int cpu);
static inline spinlock_t *cpu_lock(unsigned int cpu)
{
    spinlock_t *l = lock_of(cpu);
    spin_lock(l);
    return l;
}
static inline void cpu_unlock(${unlockParams})
{
    spin_unlock(l);
}
`;
  const learned = lockWrappers(header('spinlock_t *l, unsigned int cpu'));
  assert.deepEqual(learned.filter((w) => w.name.startsWith('cpu_')), [{ name: 'cpu_lock', op: 'lock' }, { name: 'cpu_unlock', op: 'unlock', arg: -1 }]);
  // No shared argument to release it by: the lock wrapper is not learned (it would stay held).
  assert.deepEqual(lockWrappers(header('spinlock_t *l')).map((w) => w.name), ['cpu_unlock']);
  // Both sides lock and unlock before their accesses. Keyed by the argument and released
  // through the pointer, the lock stayed "held" on both sides and hid the race.
  const writer = `struct ring { int data; int ready; };
void ring_publish(struct ring *r, unsigned int cpu)
{
    spinlock_t *l;
    r->data = 1;
    smp_wmb();
    l = cpu_lock(cpu);
    cpu_unlock(l, cpu);
    r->ready = 1;
}
`;
  const reader = `struct ring { int data; int ready; };
int ring_consume(struct ring *r, unsigned int cpu)
{
    spinlock_t *l = cpu_lock(cpu);
    cpu_unlock(l, cpu);
    if (r->ready)
        return r->data;
    return 0;
}
`;
  const r = await checkFixtureTree({ 'include/cpu_lock.h': header('spinlock_t *l, unsigned int cpu'), 'a.c': writer, 'b.c': reader });
  assert.ok(r.warnings.some((w) => w.includes('@b.c:')), JSON.stringify(r));
});

test('message passing needs its flag marked (or a barrier): a marked data access is no handshake', async () => {
  const writer = (dataStore: string, flagStore: string): string => `struct job { unsigned long state; int owner; };
void job_hand_over(struct job *j)
{
    ${dataStore};
    ${flagStore};
}
`;
  const reader = (flagLoad: string): string => `struct job { unsigned long state; int owner; };
int job_peek(struct job *j)
{
    if (${flagLoad})
        return test_bit(0, &j->state);
    return 0;
}
`;
  // set_bit() on the data, then a plain owner field read plainly: no sign the owner field is
  // read while it is written (the usual case: both under a lock the tool does not see).
  const dataOnly = await checkFixtureTree({ 'a.c': writer('set_bit(0, &j->state)', 'j->owner = 1'), 'b.c': reader('j->owner') });
  assert.deepEqual(dataOnly.warnings, []);
  assert.ok((dataOnly.excluded['no-lockless-evidence'] ?? 0) > 0, JSON.stringify(dataOnly));
  // The same handshake with the flag written by WRITE_ONCE(), or read by READ_ONCE(), stands.
  assert.notDeepEqual((await checkFixtureTree({ 'a.c': writer('set_bit(0, &j->state)', 'WRITE_ONCE(j->owner, 1)'), 'b.c': reader('j->owner') })).warnings, []);
  assert.notDeepEqual((await checkFixtureTree({ 'a.c': writer('set_bit(0, &j->state)', 'j->owner = 1'), 'b.c': reader('READ_ONCE(j->owner)') })).warnings, []);
});

test('a barrier vouches for the message whose flag sits beside it, not for stores further on', async () => {
  const writer = (afterBarrier: string): string => `struct res { int data; int ready; void *lock_ptr; };
void res_switch(struct res *r, void *l)
{
    r->data = 1;
    smp_wmb();
    ${afterBarrier}
}
`;
  const reader = `struct res { int data; int ready; void *lock_ptr; };
int res_peek(struct res *r)
{
    if (r->ready)
        return r->data;
    return 0;
}
`;
  // The barrier publishes the lock pointer; `ready`, stored after that, is no flag it was meant for.
  const further = await checkFixtureTree({ 'a.c': writer('r->lock_ptr = l;\n    r->ready = 1;'), 'b.c': reader });
  assert.deepEqual(further.warnings, []);
  assert.ok((further.excluded['no-lockless-evidence'] ?? 0) > 0, JSON.stringify(further));
  // The flag right after the barrier: the reader's missing read barrier is reported.
  assert.notDeepEqual((await checkFixtureTree({ 'a.c': writer('r->ready = 1;\n    r->lock_ptr = l;'), 'b.c': reader })).warnings, []);
});

test('where both sides hold a lock and one of them is reached through a pointer, lock identity decides: not reported', async () => {
  const writer = (lock: string, unlock: string): string => `struct res { int data; int ready; spinlock_t lock; };
void res_set(struct res *r, spinlock_t *l)
{
    ${lock}
    r->data = 1;
    smp_wmb();
    r->ready = 1;
    ${unlock}
}
`;
  const reader = `struct res { int data; int ready; spinlock_t lock; };
int res_get(struct res *r)
{
    int v = 0;
    spin_lock(&r->lock);
    if (r->ready)
        v = r->data;
    spin_unlock(&r->lock);
    return v;
}
`;
  // `l` may point at `r->lock` or not: the code is lock-based where it meets, counted, not reported.
  const viaPointer = await checkFixtureTree({ 'a.c': writer('spin_lock(l);', 'spin_unlock(l);'), 'b.c': reader });
  assert.deepEqual(viaPointer.warnings, []);
  assert.ok((viaPointer.excluded['lock-identity'] ?? 0) > 0, JSON.stringify(viaPointer));
  // A writer that takes no lock: the reader's lock orders nothing on the writer's side.
  assert.notDeepEqual((await checkFixtureTree({ 'a.c': writer('', ''), 'b.c': reader })).warnings, []);
});

test('store buffering: the full barrier vouches for the load right after it, not for loads further on', async () => {
  const waiter = (loadsAfterBarrier: string): string => `struct gate { int want; int busy; int count; };
int gate_wait(struct gate *g)
{
    g->want = 1;
    smp_mb();
    ${loadsAfterBarrier}
}
`;
  const owner = `struct gate { int want; int busy; int count; };
int gate_take(struct gate *g)
{
    g->busy = 1;
    return g->want;
}
`;
  // The barrier is for the count read after it; \`busy\`, read after that, is no flag it was meant for.
  const further = await checkFixtureTree({ 'a.c': waiter('int n = g->count;\n    return g->busy + n;'), 'b.c': owner });
  assert.deepEqual(further.warnings, []);
  assert.ok((further.excluded['no-lockless-evidence'] ?? 0) > 0, JSON.stringify(further));
  // \`busy\` read right after the barrier: the owner's missing barrier is reported.
  assert.notDeepEqual((await checkFixtureTree({ 'a.c': waiter('int b = g->busy;\n    return b + g->count;'), 'b.c': owner })).warnings, []);
});

test("a barrier a knowledge-base primitive brings through the primitives it calls is the caller's own", async () => {
  // vcpu_pause() reaches smp_mb() through vcpu_sleep_sync() and sync_vcpu_execstate(), every
  // step a knowledge-base fact: the reader orders its flag before the registers it then reads.
  const writer = `struct vcpu { int regs; int ready; };
void vc_set(struct vcpu *v)
{
    v->regs = 1;
    v->ready = 1;
}
`;
  const reader = (between: string): string => `struct vcpu { int regs; int ready; };
void my_pause(struct vcpu *v) { smp_mb(); }
int vc_get(struct vcpu *v)
{
    if (!v->ready)
        return 0;
    ${between}
    return v->regs;
}
`;
  const kb = await checkFixtureTree({ 'a.c': writer, 'b.c': reader('vcpu_pause(v);') });
  assert.ok(kb.warnings.some((w) => w.endsWith('@a.c:5')), JSON.stringify(kb));
  // The same barrier in a callee with a body in view speaks for that callee, not the reader.
  // (Neither function then shows lockless intent of its own, so the two are not even paired.)
  const body = await checkFixtureTree({ 'a.c': writer, 'b.c': reader('my_pause(v);') });
  assert.deepEqual(body.warnings, []);
  // Control: the barrier written in the reader itself.
  const own = await checkFixtureTree({ 'a.c': writer, 'b.c': reader('smp_mb();') });
  assert.ok(own.warnings.some((w) => w.endsWith('@a.c:5')), JSON.stringify(own));
});

test('two different constant bits of one word carry no message where the sides meet', async () => {
  // The word is the data of the handshake: the writer clears one bit, then raises `ready`.
  const writer = `struct vc { unsigned long flags; int ready; };
void vc_set(struct vc *v)
{
    clear_bit(_VC_blocked, &v->flags);
    WRITE_ONCE(v->ready, 1);
}
`;
  const reader = (bit: string): string => `struct vc { unsigned long flags; int ready; };
int vc_get(struct vc *v)
{
    if (READ_ONCE(v->ready))
        return test_bit(${bit}, &v->flags);
    return 0;
}
`;
  // The reader tests a bit the writer never touches: its test reads the same either way.
  const other = await checkFixtureTree({ 'a.c': writer, 'b.c': reader('_VC_migrating') });
  assert.deepEqual(other.warnings, []);
  assert.ok((other.excluded['different-bits'] ?? 0) > 0, JSON.stringify(other));
  // The bit the writer clears: a stale read of it is reported.
  const same = await checkFixtureTree({ 'a.c': writer, 'b.c': reader('_VC_blocked') });
  assert.notDeepEqual(same.warnings, [], JSON.stringify(same));
  // A variable bit number may be any bit, the writer's too: not ruled out.
  const variable = await checkFixtureTree({ 'a.c': writer, 'b.c': reader('v->ready') });
  assert.equal(variable.excluded['different-bits'] ?? 0, 0, JSON.stringify(variable));
  assert.notDeepEqual(variable.warnings, [], JSON.stringify(variable));
});
