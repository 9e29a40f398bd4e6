// An object a function allocated, or was handed by callers that allocated it, is known to no
// other CPU until it is published (stored where others find it, rcu_assign_pointer(), a list
// insertion): its initialisation cannot race. The vGIC ranks Xen sets up while it creates a
// domain are the real case; these fixtures are written from scratch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkFixtureTree } from './helpers';

const READER = `struct ring { int data; int ready; };
int ring_poll(struct ring *r)
{
    if (READ_ONCE(r->ready)) {
        smp_rmb();
        return r->data;
    }
    return 0;
}
`;

const creator = (body: string, pool = ''): string => `struct ring { int data; int ready; };
struct pool { struct ring *slots; struct ring *spare; struct list_head list; };
struct ring *rings[4];
struct list_head pools;
static void ring_setup(struct ring *r)
{
    r->data = 1;
    r->ready = 1;
}
static struct ring *ring_alloc(void)
{
    struct ring *r = xzalloc(struct ring);
    return r;
}
${pool}${body}
`;

const POOL_INIT = (spare: boolean): string => `static int pool_init(struct pool *p)
{
    p->slots = xzalloc_array(struct ring, 4);
    if (!p->slots)
        return -ENOMEM;
    ring_setup(&p->slots[1]);
${spare ? '    ring_setup(p->spare);\n' : ''}    return 0;
}
`;

const CREATE = (order: 'setup first' | 'publish first' | 'stored first' | 'callee stores first'): string => `static void ring_register(int i, struct ring *r)
{
    rings[i] = r;
}
int ring_create(int i)
{
    struct ring *r = ring_alloc();
    if (!r)
        return -ENOMEM;
${order === 'publish first' ? '    rcu_assign_pointer(rings[i], r);\n' : order === 'stored first' ? '    rings[i] = r;\n' : order === 'callee stores first' ? '    ring_register(i, r);\n' : ''}    ring_setup(r);
${order === 'setup first' ? '    rcu_assign_pointer(rings[i], r);\n' : ''}    return 0;
}
`;

test('construction: a ring set up before it is published is no message passing with its readers', async () => {
  const r = await checkFixtureTree({ 'a.c': creator(CREATE('setup first')), 'b.c': READER });
  assert.ok((r.excluded.construction ?? 0) > 0, JSON.stringify(r));
  assert.deepEqual(r.warnings.filter((w) => w.includes('a.c:7') || w.includes('a.c:8')), [], JSON.stringify(r));
});

test('control: set up after rcu_assign_pointer() published it, the unordered stores are reported', async () => {
  const r = await checkFixtureTree({ 'a.c': creator(CREATE('publish first')), 'b.c': READER });
  assert.equal(r.excluded.construction ?? 0, 0, JSON.stringify(r));
  assert.ok(r.warnings.some((w) => w.endsWith('@a.c:8')), JSON.stringify(r));
});

test('control: a plain store of the pointer into a global publishes it too', async () => {
  const r = await checkFixtureTree({ 'a.c': creator(CREATE('stored first')), 'b.c': READER });
  assert.equal(r.excluded.construction ?? 0, 0, JSON.stringify(r));
  assert.ok(r.warnings.some((w) => w.endsWith('@a.c:8')), JSON.stringify(r));
});

test('control: a callee that stores the pointer into a global publishes it before the set-up', async () => {
  const r = await checkFixtureTree({ 'a.c': creator(CREATE('callee stores first')), 'b.c': READER });
  assert.equal(r.excluded.construction ?? 0, 0, JSON.stringify(r));
  assert.ok(r.warnings.some((w) => w.endsWith('@a.c:8')), JSON.stringify(r));
});

test('construction: through a member the caller allocated, of an object its own caller is building', async () => {
  const pool = `int pool_create(void)
{
    struct pool *p = xzalloc(struct pool);
    if (!p)
        return -ENOMEM;
    pool_init(p);
    list_add(&p->list, &pools);
    return 0;
}
`;
  // ring_setup() is also handed p->spare, which pool_init() did not allocate: that caller may
  // pass a shared ring, so ring_setup() is still judged; with that call gone it is not.
  const shared = await checkFixtureTree({ 'a.c': creator(pool, POOL_INIT(true)), 'b.c': READER });
  assert.ok(shared.warnings.some((w) => w.endsWith('@a.c:8')), JSON.stringify(shared));
  const own = await checkFixtureTree({ 'a.c': creator(pool, POOL_INIT(false)), 'b.c': READER });
  assert.ok((own.excluded.construction ?? 0) > 0, JSON.stringify(own));
  assert.deepEqual(own.warnings.filter((w) => w.includes('@a.c:')), [], JSON.stringify(own));
});
