// Locks held by callers that the call graph sees only with three rules: calls through a struct
// of function pointers (hooks.ts), a lock taken through a struct's lock pointer by two wrappers
// (lock-wrappers.ts lockPointerWrappers), and static functions told apart by file (model.ts).
// Each fixture is beside a control that differs only in what the rule looks at and keeps its
// warning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkFixtureTree, LOCKED_CONSUME, READER, WRITER } from './helpers';
import { hookFacts } from '../../engine/concurrency/hooks';
import { structLockPointers } from '../../engine/concurrency/pointer-fields';
import { ConcurrencyModel } from '../../engine/concurrency/model';

const READ_LOCKED = `struct ring { int data; int ready; spinlock_t lock; };
int ring_consume(struct ring *r);
${LOCKED_CONSUME}`;

/** An ops table whose `publish` hook is called with the ring lock held; `extra`: more code in the file. */
const OPS = (extra = ''): string => `struct ring { int data; int ready; spinlock_t lock; };
struct ring_ops { void (*publish)(struct ring *r); };
void ring_publish(struct ring *r);
static const struct ring_ops ops = { .publish = ring_publish, };
void do_publish(const struct ring_ops *o, struct ring *r)
{
    spin_lock(&r->lock);
    if ( o->publish )
        o->publish(r);
    spin_unlock(&r->lock);
}
${extra}`;

test('hook: a function called only through an ops table field, with the lock held there, holds it on entry', async () => {
  const held = await checkFixtureTree({ 'a.c': WRITER(), 'b.c': READER(), 'c.c': READ_LOCKED, 'd.c': OPS() });
  assert.deepEqual(held.warnings, []);
  assert.ok((held.excluded['common-lock'] ?? 0) > 0, JSON.stringify(held));
  // The hook copied into a variable: a call through it is not seen, so the callers are unknown.
  const copied = await checkFixtureTree({
    'a.c': WRITER(), 'b.c': READER(), 'c.c': READ_LOCKED,
    'd.c': OPS('void (*saved)(struct ring *r);\nvoid keep(const struct ring_ops *o)\n{\n    saved = o->publish;\n}\n'),
  });
  assert.notDeepEqual(copied.warnings, []);
  // The function also passed as a value elsewhere: its address escapes, the warning stays.
  const escaped = await checkFixtureTree({
    'a.c': WRITER(), 'b.c': READER(), 'c.c': READ_LOCKED,
    'd.c': OPS('void register_cb(void (*f)(struct ring *));\nvoid setup(void)\n{\n    register_cb(ring_publish);\n}\n'),
  });
  assert.notDeepEqual(escaped.warnings, []);
});

test('hook: a macro that calls a member named by its parameter hides calls, so the field is not resolved', () => {
  const text = '#define CALL_HOOK(o, f, r) (o)->f(r)\nstatic const struct ops t = { .publish = ring_publish, };\nvoid go(struct ops *o, struct ring *r)\n{\n    CALL_HOOK(o, publish, r);\n}\n';
  assert.deepEqual(hookFacts([{ path: 'a.c', text, callees: ['CALL_HOOK'] }]).targets, {});
  // A macro that only tests the member (`if ( !o->f )`) and prints its name hides no call.
  const test = '#define CHECK(f) if ( !ops->f ) printk(#f)\nstatic const struct ops t = { .publish = ring_publish, };\nvoid go(struct ops *o, struct ring *r)\n{\n    CHECK(publish);\n    o->publish(r);\n}\n';
  const facts = hookFacts([{ path: 'a.c', text: test, callees: ['printk', 'o->publish'] }]);
  assert.deepEqual(facts.targets, { publish: ['ring_publish'] });
  assert.ok(facts.explained.includes('ring_publish'));
});

test('hook: a call the index does not list (one more in the text) leaves the field unresolved', () => {
  const text = 'static const struct ops t = { .publish = ring_publish, };\nvoid go(struct ops *o, struct ring *r)\n{\n    o->publish(r);\n    o->publish(r);\n}\n';
  assert.deepEqual(hookFacts([{ path: 'a.c', text, callees: ['o->publish'] }]).targets, {});
  assert.deepEqual(hookFacts([{ path: 'a.c', text, callees: ['o->publish', 'o->publish'] }]).targets, { publish: ['ring_publish'] });
});

test('macro argument used only as a member name is no use of the function of that name', async () => {
  const callers = (check: string): string => `struct ring { int data; int ready; spinlock_t lock; };
struct ring_ops { void (*ring_publish)(struct ring *r); };
void ring_publish(struct ring *r);
${check}
void do_publish(struct ring *r)
{
    spin_lock(&r->lock);
    ring_publish(r);
    spin_unlock(&r->lock);
}
void checks(struct ring_ops *ops)
{
    CHECK(ring_publish);
}
`;
  const member = await checkFixtureTree({ 'a.c': WRITER(), 'b.c': READER(), 'c.c': READ_LOCKED, 'd.c': callers('#define CHECK(f) if ( !ops->f ) printk(#f)') });
  assert.deepEqual(member.warnings, []);
  // A macro that passes its argument on as a value takes the function's address.
  const value = await checkFixtureTree({ 'a.c': WRITER(), 'b.c': READER(), 'c.c': READ_LOCKED, 'd.c': callers('#define CHECK(f) register_cb(f)') });
  assert.notDeepEqual(value.warnings, []);
});

/** Lock pointers in a struct, a getter, and two wrapper pairs that take what one points to. */
const LOCK_POINTER = (decl: string, field: string): string => `struct res { ${decl} };
struct item { unsigned int cpu; };
struct task { unsigned int cpu; };
static inline struct res *get_res(unsigned int cpu)
{
    return per_cpu_res(cpu);
}
static inline spinlock_t *item_res_lock(const struct item *i)
{
    spinlock_t *lock = get_res(i->cpu)->lock_ptr;
    spin_lock(lock);
    return lock;
}
static inline void item_res_unlock(spinlock_t *lock, const struct item *i)
{
    spin_unlock(lock);
}
static inline spinlock_t *task_res_lock(const struct task *t)
{
    spinlock_t *lock = get_res(t->cpu)->${field};
    spin_lock(lock);
    return lock;
}
static inline void task_res_unlock(spinlock_t *lock, const struct task *t)
{
    spin_unlock(lock);
}
`;

const PTR_CALLERS = `struct ring { int data; int ready; };
struct item { unsigned int cpu; };
struct task { unsigned int cpu; };
void ring_publish(struct ring *r);
int ring_consume(struct ring *r);
void do_publish(struct ring *r, struct task *t)
{
    spinlock_t *lock = task_res_lock(t);
    ring_publish(r);
    task_res_unlock(lock, t);
}
int do_consume(struct ring *r, struct item *i)
{
    int v;
    spinlock_t *lock = item_res_lock(i);
    v = ring_consume(r);
    item_res_unlock(lock, i);
    return v;
}
`;

test('lock pointer: two wrappers that take what one struct lock pointer points to take one lock', async () => {
  const tree = (decl: string, field: string): Record<string, string> => ({ 'include/res.h': LOCK_POINTER(decl, field), 'a.c': WRITER(), 'b.c': READER(), 'c.c': PTR_CALLERS });
  const one = await checkFixtureTree(tree('spinlock_t *lock_ptr, *other_ptr, _lock;', 'lock_ptr'));
  assert.deepEqual(one.warnings, []);
  assert.ok((one.excluded['common-lock'] ?? 0) > 0, JSON.stringify(one));
  // The field is no lock pointer the tree declares: each wrapper keys its lock by its argument
  // (a struct item, a struct task), two locks.
  const plain = await checkFixtureTree(tree('void *lock_ptr, *other_ptr;', 'lock_ptr'));
  assert.notDeepEqual(plain.warnings, []);
  // Two lock pointers: no common lock; either may point to the lock the other does, so the
  // cycle is not judged for lock identity (rule-out.ts lockIdentityUnknown), not ruled out by a lock.
  const two = await checkFixtureTree(tree('spinlock_t *lock_ptr, *other_ptr, _lock;', 'other_ptr'));
  assert.equal(two.excluded['common-lock'], undefined, JSON.stringify(two));
  assert.ok((two.excluded['lock-identity'] ?? 0) > 0, JSON.stringify(two));
});

test('lock pointers of a struct are read from its definition, comma lists included', () => {
  const text = 'struct sr {\n    struct x *p;\n    spinlock_t         *schedule_lock,\n                       _lock;\n    rwlock_t *rw;\n    int *n;\n};\n';
  assert.deepEqual([...structLockPointers([text])], [['struct sr->schedule_lock', 'spinlock_t'], ['struct sr->rw', 'rwlock_t']]);
});

test('static functions of two files with one name are two functions: one file\'s callers say nothing of the other\'s', async () => {
  const locked = `struct ring { int data; int ready; spinlock_t lock; };
static void ring_publish(struct ring *r)
{
    r->data = 1;
    smp_wmb();
    r->ready = 1;
}
void do_publish(struct ring *r)
{
    spin_lock(&r->lock);
    ring_publish(r);
    spin_unlock(&r->lock);
}
`;
  const other = (storage: string): string => `struct ring;
${storage}void ring_publish(struct ring *r)
{
}
void kick(struct ring *r)
{
    ring_publish(r);
}
`;
  const apart = await checkFixtureTree({ 'a.c': locked, 'b.c': READER(), 'c.c': READ_LOCKED, 'd.c': other('static ') });
  assert.deepEqual(apart.warnings, []);
  // The same call of a writer that is not static in a.c: it may be the one kick() calls.
  const shared = await checkFixtureTree({ 'a.c': locked.replace('static void ring_publish', 'void ring_publish'), 'b.c': READER(), 'c.c': READ_LOCKED, 'd.c': other('') });
  assert.notDeepEqual(shared.warnings, []);
});

test('a static function called from a header\'s inline function may be any file\'s: each gets that caller', () => {
  const fn = (name: string, file: string, calls: Array<{ callee: string; held: string[] }>, isStatic = false) => ({ name, file, init: false, calls, orders: false, marked: [], ...(isStatic ? { static: true as const } : {}) });
  const facts = (header: boolean) => ({
    addressTaken: [],
    functions: [
      fn('helper', 'a.c', [], true),
      fn('helper', 'b.c', [], true),
      fn('do_a', 'a.c', [{ callee: 'helper', held: ['L'] }]),
      fn('do_b', 'b.c', [{ callee: 'helper', held: ['M'] }]),
      ...(header ? [fn('inline_h', 'x.h', [{ callee: 'helper', held: [] }])] : []),
    ],
  });
  const own = new ConcurrencyModel(facts(false));
  assert.deepEqual([...own.locksOnEntry('helper', 'a.c')], ['L']);
  assert.deepEqual([...own.locksOnEntry('helper', 'b.c')], ['M']);
  const viaHeader = new ConcurrencyModel(facts(true));
  assert.deepEqual([...viaHeader.locksOnEntry('helper', 'a.c')], []);
  assert.deepEqual([...viaHeader.locksOnEntry('helper', 'b.c')], []);
});
