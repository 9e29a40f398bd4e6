// Two functions that both update one location of a cycle with a plain read-modify-write
// (`c->count++` and `c->count--`) cannot run at the same time without losing an update,
// whatever the barriers: the code keeps them apart some other way, and the cycle is no barrier
// question. A side that only reads the location stays judged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkFixtureTree } from './helpers';

const counters = (reader: string): string => `struct ctr { int count; int seq; };
void ctr_add(struct ctr *c)
{
    c->count++;
    smp_wmb();
    WRITE_ONCE(c->seq, c->seq + 1);
}
int ctr_take(struct ctr *c)
{
    int s = READ_ONCE(c->seq);
${reader}
}
`;

test('plain updates on both sides: the counter is incremented here and decremented there', async () => {
  const r = await checkFixtureTree({ 'a.c': counters('    c->count--;\n    return s;') });
  assert.deepEqual(r.warnings, [], JSON.stringify(r));
  assert.ok((r.excluded['plain-updates'] ?? 0) > 0, JSON.stringify(r));
});

test('control: a side that only reads the counter is a reader, and the missing read barrier is reported', async () => {
  const r = await checkFixtureTree({ 'a.c': counters('    return s + c->count;') });
  assert.equal(r.excluded['plain-updates'] ?? 0, 0, JSON.stringify(r));
  assert.notDeepEqual(r.warnings, [], JSON.stringify(r));
});

test('control: an atomic decrement is one instruction, so the two updates may well run together and the cycle is judged', async () => {
  const r = await checkFixtureTree({ 'a.c': counters('    atomic_dec(&c->count);\n    return s;') });
  assert.equal(r.excluded['plain-updates'] ?? 0, 0, JSON.stringify(r));
});

// Away from the cycle only plain updates count (a data race the kernel memory model leaves
// undefined): both sides bump a plain element count besides the flag and the data they pass.
const table = (otherCount: string): string => `struct tab { int data; int ready; int nel; };
void tab_publish(struct tab *t)
{
    t->data = 1;
    smp_wmb();
    WRITE_ONCE(t->ready, 1);
    t->nel++;
}
int tab_consume(struct tab *t)
{
    int r = READ_ONCE(t->ready);
    int d = t->data;
    ${otherCount};
    return r + d;
}
`;

test('plain updates on both sides: a plain count both bump, away from where the cycle meets', async () => {
  const r = await checkFixtureTree({ 'a.c': table('t->nel--') });
  assert.deepEqual(r.warnings, [], JSON.stringify(r));
  assert.ok((r.excluded['plain-updates'] ?? 0) > 0, JSON.stringify(r));
});

test('control: away from the cycle a marked update on one side does not count, and the missing read barrier is reported', async () => {
  const r = await checkFixtureTree({ 'a.c': table('WRITE_ONCE(t->nel, READ_ONCE(t->nel) - 1)') });
  assert.equal(r.excluded['plain-updates'] ?? 0, 0, JSON.stringify(r));
  assert.notDeepEqual(r.warnings, [], JSON.stringify(r));
});
