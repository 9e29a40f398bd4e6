// Lock-held assertions behind macros and helpers (concurrency/lock-predicates.ts), locks
// taken through wrappers that name them under any parameter (lock-paths.ts), and a callee's
// assertion standing for its callers (model.ts): each beside a control that keeps its warning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkFixtureTree } from './helpers';
import { treeDefinitions, wrappersOf } from '../../engine/concurrency/lock-wrappers';
import { lockTestsOf, unreadLockTests } from '../../engine/concurrency/lock-predicates';
import { checkTree } from '../../engine/cli/tree-check';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A recursive lock kept in a struct of its own, taken through a token-pasting macro and a
 * generated function, released by a static inline, and tested by comparing its owner with
 * the running CPU, as Xen's mm locks are; `other` is a second lock of the same kind.
 */
const HEADER = `typedef struct { spinlock_t lock; int level; } big_lock_t;
struct ring { int data; int ready; big_lock_t big; big_lock_t other; };

static inline void _big_lock(struct ring *r, big_lock_t *l, int level)
{
    _set_lock_level(level);
    spin_lock_recursive(&l->lock);
}

static inline void big_unlock(big_lock_t *l)
{
    _set_lock_level(l->level);
    spin_unlock_recursive(&l->lock);
}

static inline bool big_locked_by_me(const big_lock_t *l)
{
    return (l->lock.recurse_cpu == current->processor);
}

#define declare_big_lock(name)                                      \\
    static inline void big_lock_##name(struct ring *r, big_lock_t *l) \\
    { _big_lock(r, l, 1); }
#define big_lock(name, r, l) big_lock_##name(r, l)

declare_big_lock(ring)
#define ring_lock(r)          big_lock(ring, r, &(r)->big)
#define ring_unlock(r)        big_unlock(&(r)->big)
#define ring_locked_by_me(r)  big_locked_by_me(&(r)->big)
#define other_locked_by_me(r) big_locked_by_me(&(r)->other)
`;

/** A message-passing writer whose body starts with `first` (an assertion, a call, or nothing). */
const writer = (first: string): string => `#include "ring.h"
void ring_publish(struct ring *r)
{
    ${first}
    r->data = 1;
    smp_wmb();
    r->ready = 1;
}
`;

/** A reader that takes the ring lock through the wrapper and reads without a read barrier. */
const READER = `#include "ring.h"
int ring_consume(struct ring *r)
{
    int v = 0;
    ring_lock(r);
    if (r->ready)
        v = r->data;
    ring_unlock(r);
    return v;
}
`;

test('lock wrappers and lock tests of a header: one path under the argument for the lock, its release and its test', () => {
  const defs = treeDefinitions([HEADER]);
  const wrappers = new Map(wrappersOf(defs).map((w) => [w.name, w]));
  assert.deepEqual(wrappers.get('ring_lock'), { name: 'ring_lock', op: 'lock', field: 'big.lock' });
  assert.deepEqual(wrappers.get('ring_unlock'), { name: 'ring_unlock', op: 'unlock', field: 'big.lock' });
  const tests = lockTestsOf(defs, { test: (n) => (n === 'spin_is_locked' ? { at: { arg: 0, field: '' }, mode: 'spin' } : undefined), owners: [{ field: 'recurse_cpu', cpus: ['current->processor'] }] });
  assert.deepEqual(tests.map((t) => `${t.name}:${t.at.arg}:${t.at.field}:${t.mode}`).sort(),
    ['big_locked_by_me:0:lock:spin', 'other_locked_by_me:0:other.lock:spin', 'ring_locked_by_me:0:big.lock:spin']);
  // Without the knowledge base's owner field, comparing a field with the CPU tests nothing.
  assert.deepEqual(lockTestsOf(defs, { test: () => undefined, owners: [] }), []);
});

test('an assertion through a test macro over an owner test, against the same lock taken through a wrapper macro: not reported', async () => {
  const held = await checkFixtureTree({ 'include/ring.h': HEADER, 'a.c': writer('ASSERT(ring_locked_by_me(r));'), 'b.c': READER });
  assert.deepEqual(held.warnings, []);
  assert.ok((held.excluded['common-lock'] ?? 0) > 0, JSON.stringify(held));
  // The assertion names the other lock of the struct: the two sides share no lock.
  const other = await checkFixtureTree({ 'include/ring.h': HEADER, 'a.c': writer('ASSERT(other_locked_by_me(r));'), 'b.c': READER });
  assert.notDeepEqual(other.warnings, []);
  // No assertion at all: reported.
  assert.notDeepEqual((await checkFixtureTree({ 'include/ring.h': HEADER, 'a.c': writer(''), 'b.c': READER })).warnings, []);
});

test("a callee's assertion on every path holds for its caller; one in a branch does not", async () => {
  const check = (cond: string): string => `#include "ring.h"
void ring_check(struct ring *r)
{
    ${cond ? `if (${cond})` : ''}
        ASSERT(ring_locked_by_me(r));
}
`;
  const always = await checkFixtureTree({ 'include/ring.h': HEADER, 'a.c': writer('ring_check(r);'), 'b.c': READER, 'c.c': check('') });
  assert.deepEqual(always.warnings, []);
  assert.ok((always.excluded['common-lock'] ?? 0) > 0, JSON.stringify(always));
  // The callee asserts only when its argument says so: the caller may run without the lock.
  const sometimes = await checkFixtureTree({ 'include/ring.h': HEADER, 'a.c': writer('ring_check(r);'), 'b.c': READER, 'c.c': check('r->big.level') });
  assert.notDeepEqual(sometimes.warnings, []);
  // The caller calls it only on one path of its own.
  const branch = await checkFixtureTree({ 'include/ring.h': HEADER, 'a.c': writer('if (r->big.level) ring_check(r);'), 'b.c': READER, 'c.c': check('') });
  assert.notDeepEqual(branch.warnings, []);
});

test('a lock asserted through a pointer field is the lock of the struct the field points to', async () => {
  const waiter = (field: string): string => `#include "ring.h"
struct waiter { int id; ${field}; };
void ring_publish(struct waiter *w)
{
    struct ring *r = w->ring;
    ASSERT(ring_locked_by_me(w->ring));
    r->data = 1;
    smp_wmb();
    r->ready = 1;
}
`;
  const typed = await checkFixtureTree({ 'include/ring.h': HEADER, 'a.c': waiter('struct ring *ring'), 'b.c': READER });
  assert.deepEqual(typed.warnings, []);
  assert.ok((typed.excluded['common-lock'] ?? 0) > 0, JSON.stringify(typed));
  // What the field points to is not declared: the asserted lock is keyed by the waiter, another lock.
  assert.notDeepEqual((await checkFixtureTree({ 'include/ring.h': HEADER, 'a.c': waiter('void *ring'), 'b.c': READER })).warnings, []);
});

test('a lock test not understood is said so where an assertion uses it, and counts nothing', async () => {
  const header = `${HEADER}
static inline int big_write_locked_by_me(big_lock_t *l)
{
    return (l->locker == smp_processor_id());
}
#define ring_write_locked(r) big_write_locked_by_me(&(r)->big)
#define ring_is_local(r) ((r)->cpu == smp_processor_id())
`;
  const knowledge = { test: () => undefined, owners: [{ field: 'recurse_cpu', cpus: ['smp_processor_id()', 'current->processor'] }] };
  const defs = treeDefinitions([header]);
  const unread = unreadLockTests(defs, knowledge, lockTestsOf(defs, knowledge));
  // A CPU number compared with the running CPU is no lock test: not listed.
  assert.deepEqual(unread.map((u) => u.name).sort(), ['big_write_locked_by_me', 'ring_write_locked']);
  const dir = mkdtempSync(join(tmpdir(), 'hvb-unread-'));
  try {
    mkdirSync(join(dir, 'include'));
    writeFileSync(join(dir, 'include/ring.h'), header);
    writeFileSync(join(dir, 'a.c'), writer('ASSERT(ring_write_locked(r));'));
    writeFileSync(join(dir, 'b.c'), READER);
    const res = await checkTree({ dirs: [dir], arch: 'all', os: 'xen', workers: 1 });
    const a = res.reports.find((r) => r.file.endsWith('a.c'))!;
    assert.ok(a.analysis.problems.some((p) => /^unsupported: ring_write_locked at 4:12 \(lock test not understood: big_write_locked_by_me\(\) is not understood/.test(p.message)), JSON.stringify(a.analysis.problems));
    // Nothing is held: the reader's lock orders nothing against the writer.
    assert.ok(res.reports.some((r) => r.analysis.findings.some((f) => f.severity === 'warning')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
