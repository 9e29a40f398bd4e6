// check-outside-lock on fixtures written for it: a test made before taking the lock that the
// tested location's writers hold, acted on under the lock without testing again. Each warning
// has a control that differs only in what the rule looks at and stays quiet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, messages, only } from './helpers';
import { checkFixtureTree } from '../concurrency/helpers';
import { perCpuPointers } from '../../engine/concurrency/per-cpu-pointers';

const file = 'xen/common/fifo_example.c';

/** A NULL test of `d->fifo` before `d->lock`, then a use through it under the lock. */
const nullTest = (o: { inside?: boolean; marked?: boolean; writerLock?: string } = {}): string => `struct fifo { unsigned int count; };
struct dom { spinlock_t lock; spinlock_t other; struct fifo *fifo; };

void fifo_reset(struct dom *d)
{
    spin_lock(&d->${o.writerLock ?? 'lock'});
    d->fifo = NULL;
    spin_unlock(&d->${o.writerLock ?? 'lock'});
}

int fifo_expand(struct dom *d)
{
    int rc = -1;

    if ( !${o.marked ? 'READ_ONCE(d->fifo)' : 'd->fifo'} )
        return -1;

    spin_lock(&d->lock);
${o.inside ? '    if ( d->fifo )\n        rc = d->fifo->count++;\n' : '    rc = d->fifo->count++;\n'}    spin_unlock(&d->lock);
    return rc;
}
`;

test('check-outside-lock: a pointer tested for NULL before the lock its writer holds, used under it: warning at the test', async () => {
  const text = nullTest();
  const a = await check({ file, text, os: 'xen' });
  const f = only(a, 'check-outside-lock');
  assert.equal(f.length, 1, messages(a));
  assert.equal(f[0]!.severity, 'warning');
  assert.equal(text.split('\n')[f[0]!.place.range.line - 1]!.trim(), 'if ( !d->fifo )');
  assert.match(f[0]!.message, /`d->fifo` is tested before spin_lock\(\) takes `d->lock`.*fifo_reset\(\)/);
});

test('check-outside-lock control: tested again under the lock (double-checked locking): quiet', async () => {
  const a = await check({ file, text: nullTest({ inside: true }), os: 'xen' });
  assert.deepEqual(only(a, 'check-outside-lock'), [], messages(a));
});

test('check-outside-lock control: a marked read says the lockless test is deliberate: quiet', async () => {
  const a = await check({ file, text: nullTest({ marked: true }), os: 'xen' });
  assert.deepEqual(only(a, 'check-outside-lock'), [], messages(a));
});

test('check-outside-lock control: the writer holds another lock, so the lock taken does not protect the pointer: quiet', async () => {
  const a = await check({ file, text: nullTest({ writerLock: 'other' }), os: 'xen' });
  assert.deepEqual(only(a, 'check-outside-lock'), [], messages(a));
});

/** "Nothing to do if already so" before the lock, then set under it. */
const compareThenSet = (retest: boolean): string => `struct table { spinlock_t lock; unsigned int version; };

int set_version(struct table *t, unsigned int v)
{
    if ( t->version == v )
        return 0;

    spin_lock(&t->lock);
${retest ? '    if ( t->version == v )\n        goto out;\n' : ''}    t->version = v;
${retest ? ' out:\n' : ''}    spin_unlock(&t->lock);
    return 0;
}
`;

test('check-outside-lock: compared with a value before the lock, set to that value under it: warning', async () => {
  const a = await check({ file, text: compareThenSet(false), os: 'xen' });
  const f = only(a, 'check-outside-lock');
  assert.equal(f.length, 1, messages(a));
  assert.match(f[0]!.message, /`t->version` is tested before spin_lock\(\) takes `t->lock`/);
});

test('check-outside-lock control: the same comparison repeated under the lock: quiet', async () => {
  const a = await check({ file, text: compareThenSet(true), os: 'xen' });
  assert.deepEqual(only(a, 'check-outside-lock'), [], messages(a));
});

const movedOut = `--- a/xen/common/fifo_example.c
+++ b/xen/common/fifo_example.c
@@ -11,11 +11,13 @@ void fifo_reset(struct dom *d)
 int fifo_expand(struct dom *d)
 {
-    int rc = -1;
+    int rc;
+
+    if ( !d->fifo )
+        return -1;
 
     spin_lock(&d->lock);
-    if ( d->fifo )
-        rc = d->fifo->count++;
+    rc = d->fifo->count++;
     spin_unlock(&d->lock);
     return rc;
 }
`;

test('check-outside-lock in a patch: moving the test out of the lock is a warning on the moved line', async () => {
  const pre = nullTest({ inside: true }).replace('    if ( !d->fifo )\n        return -1;\n\n', '');
  const a = await check({ file: 'fifo.patch', text: movedOut, treeTexts: [{ path: file, text: pre }], os: 'xen' });
  const f = only(a, 'check-outside-lock');
  assert.equal(f.length, 1, messages(a));
  assert.equal(f[0]!.severity, 'warning');
  assert.equal(movedOut.split('\n')[f[0]!.place.range.line - 1], '+    if ( !d->fifo )');
});

test('coverage: a function only check-outside-lock judged counts as judged, and says its ordering was not', async () => {
  const a = await check({ file, text: compareThenSet(false), os: 'xen' });
  const fn = a.functions?.find((f) => f.function === 'set_version');
  assert.equal(fn?.judged, true, JSON.stringify(a.functions));
  assert.match(fn!.reason ?? '', /^judged by check-outside-lock only; ordering not judged: /);
  // Control: the same function with the comparison repeated under the lock has no finding, and
  // nothing else judged it.
  const quiet = await check({ file, text: compareThenSet(true), os: 'xen' });
  const same = quiet.functions?.find((f) => f.function === 'set_version');
  assert.equal(same?.judged, false, JSON.stringify(quiet.functions));
  assert.doesNotMatch(same!.reason ?? '', /judged by/);
});

test('per-CPU pointers: a local set only from a this-CPU accessor; not one set elsewhere too, nor another CPU\'s copy', () => {
  assert.deepEqual([...perCpuPointers('struct foreign_vmcs *fv;\n    fv = &this_cpu(foreign_vmcs);\n    if ( fv->v == v )\n')], ['fv']);
  assert.deepEqual([...perCpuPointers('struct ring *r = per_cpu_ptr(&rings, smp_processor_id());\n')], ['r']);
  assert.deepEqual([...perCpuPointers('struct timers *ts = &this_cpu(timers);\n    ts = &per_cpu(timers, cpu);\n')], []);
  assert.deepEqual([...perCpuPointers('struct ring *r = per_cpu_ptr(&rings, cpu);\n')], []);
});

test('whole tree: a per-CPU pointer\'s target is the running CPU\'s own, so its unlocked test races with nobody', async () => {
  const tpl = (get: string): string => `struct slot { struct vcpu *v; };
struct vcpu { spinlock_t lock; };
static DEFINE_PER_CPU(struct slot, slots);
void enter(struct vcpu *v)
{
    struct slot *s = ${get};

    if ( s->v == v )
        return;
    spin_lock(&v->lock);
    s->v = v;
    spin_unlock(&v->lock);
}
`;
  const own = await checkFixtureTree({ 'a.c': tpl('&this_cpu(slots)') });
  assert.deepEqual(own.warnings.filter((w) => w.startsWith('check-outside-lock')), []);
  const other = await checkFixtureTree({ 'a.c': tpl('&per_cpu(slots, 0)') });
  assert.deepEqual(other.warnings.filter((w) => w.startsWith('check-outside-lock')), ['check-outside-lock@a.c:8'], JSON.stringify(other));
});

test('whole tree: the writer that holds the lock is in another file, which the index brings in', async () => {
  const tester = `struct fifo { unsigned int count; };
struct dom { spinlock_t lock; struct fifo *fifo; };
int fifo_expand(struct dom *d)
{
    int rc;

    if ( !d->fifo )
        return -1;
    spin_lock(&d->lock);
    rc = d->fifo->count++;
    spin_unlock(&d->lock);
    return rc;
}
`;
  const writer = (lock: boolean): string => `struct fifo;
struct dom { spinlock_t lock; struct fifo *fifo; };
void fifo_reset(struct dom *d)
{
${lock ? '    spin_lock(&d->lock);\n' : ''}    d->fifo = NULL;
${lock ? '    spin_unlock(&d->lock);\n' : ''}}
`;
  const found = await checkFixtureTree({ 'a.c': tester, 'b.c': writer(true) });
  assert.deepEqual(found.warnings.filter((w) => w.startsWith('check-outside-lock')), ['check-outside-lock@a.c:7'], JSON.stringify(found));
  // The control: the same writer without the lock says nothing of what the lock protects.
  const unlocked = await checkFixtureTree({ 'a.c': tester, 'b.c': writer(false) });
  assert.deepEqual(unlocked.warnings.filter((w) => w.startsWith('check-outside-lock')), []);
});
