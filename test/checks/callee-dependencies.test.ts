// Dependencies that pass through a call whose body is inlined (engine/extract/calls.ts): a
// branch on a parameter is a branch on the caller's argument, and a caller's branch on the
// returned value is a branch on what the callee read to choose it. Either is a control
// dependency from the read to a store under the branch, which Arm and LKMM keep in order, so
// load buffering through it is forbidden; the same shape without the dependency still warns.
// The side without the dependency under test orders itself (a release store, an acquire load):
// load buffering with ordering of its own on one side is what file and whole-tree mode judge
// at all (engine/concurrency/evidence.ts), and it orders only that side, so the other side's
// dependency decides.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, messages, only } from './helpers';

const file = 'xen/common/callee_dep_example.c';

// check_value() stores 1, the value produce() goes on with: after seeing a store of 0 there,
// produce() could not store at all (pair/flag-values.ts), and no cycle would be left to judge.
const throughParameter = (arg: string): string => `struct ring { int prod; };
int enabled;

static void check_value(int v)
{
    if ( v & 3 )
        WRITE_ONCE(enabled, 1);
}

void consume(struct ring *r)
{
    int p = READ_ONCE(r->prod);

    check_value(${arg});
}

void produce(struct ring *r)
{
    if ( READ_ONCE(enabled) )
        smp_store_release(&r->prod, 4);
}
`;

const throughReturn = (ready: string): string => `struct ring { int prod; };
int enabled;

static int ready(void)
{
${ready}
}

void produce(struct ring *r)
{
    if ( !ready() )
        return;
    WRITE_ONCE(r->prod, 4);
}

void consume(struct ring *r)
{
    if ( smp_load_acquire(&r->prod) )
        WRITE_ONCE(enabled, 0);
}
`;

const loadBuffering = (text: string): Promise<string[]> => check({ file, text, arch: 'all' })
  .then((a) => only(a, 'arch-specific-ordering').filter((f) => f.message.includes('load buffering')).map((f) => f.message));

test('callee dependencies: a store in the callee under a branch on the read value passed in is ordered after the read', async () => {
  const a = await check({ file, text: throughParameter('p'), arch: 'all' });
  assert.deepEqual(a.findings.filter((f) => f.message.includes('load buffering')), [], messages(a));
});

test('callee dependencies: the same callee given a constant has no dependency, and load buffering is reported', async () => {
  const lb = await loadBuffering(throughParameter('3'));
  assert.equal(lb.length, 1, lb.join('\n'));
  assert.match(lb[0]!, /check_value\(3\)/);
});

test("callee dependencies: a caller's early return on the callee's result orders its later store after the callee's read", async () => {
  const lb = await loadBuffering(throughReturn('    if ( !READ_ONCE(enabled) )\n        return 0;\n    return 1;'));
  assert.deepEqual(lb, []);
});

test('callee dependencies: a result that does not depend on the read gives no dependency', async () => {
  const lb = await loadBuffering(throughReturn('    int e = READ_ONCE(enabled);\n\n    (void)e;\n    return 1;'));
  assert.equal(lb.length, 1, lb.join('\n'));
});
