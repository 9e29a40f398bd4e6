// A parameter that points to an object on a caller's stack in every calling context (the
// batch of requests a hypercall declares and hands down to its helpers) is memory no other
// CPU is given: a cycle through it is ruled out. Callers must all be known; a static
// function's name used as a value in another file is not that function.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkFixtureTree, WRITER } from './helpers';
import { stackObjects } from '../../engine/concurrency/stack-objects';

const requests = (a: { batch: string; extra?: string }): string => `struct ring { int data; int ready; spinlock_t lock; };
struct ring shared_rings[4];
static int ring_read(struct ring *r)
{
    if (READ_ONCE(r->ready))
        return r->data;
    return 0;
}
static int ring_fill(struct ring *req)
{
    return ring_read(req);
}
int ring_batch(void)
{
    struct ring batch[4];
    int out = 0, i;
    for (i = 0; i < 4; i++)
        out += ring_fill(${a.batch});
    return out;
}
${a.extra ?? ''}`;

test('caller stack: the request a helper reads lives on its caller\'s caller\'s stack', async () => {
  const r = await checkFixtureTree({ 'a.c': WRITER(), 'b.c': requests({ batch: '&batch[i]' }) });
  assert.deepEqual(r.warnings, [], JSON.stringify(r));
  assert.ok((r.excluded['caller-stack'] ?? 0) > 0, JSON.stringify(r));
});

test('control: the same helpers handed a global array are judged, and the message passing is reported', async () => {
  const r = await checkFixtureTree({ 'a.c': WRITER(), 'b.c': requests({ batch: '&shared_rings[i]' }) });
  assert.equal(r.excluded['caller-stack'] ?? 0, 0, JSON.stringify(r));
  assert.notDeepEqual(r.warnings, [], JSON.stringify(r));
});

test('caller stack: another file\'s macro argument named like the static helper does not open it to unknown callers', async () => {
  const other = `#define CASE(n) case n##_op: return n##_count
int pick(int k)
{
    switch (k) {
    CASE(ring_fill);
    }
    return 0;
}
`;
  const r = await checkFixtureTree({ 'a.c': WRITER(), 'b.c': requests({ batch: '&batch[i]' }), 'c.c': other });
  assert.deepEqual(r.warnings, [], JSON.stringify(r));
});

test('control: the helper used as a value in its own file may be called from anywhere, and the cycle is judged', async () => {
  const r = await checkFixtureTree({ 'a.c': WRITER(), 'b.c': requests({ batch: '&batch[i]', extra: 'int (*ring_hook)(struct ring *) = ring_fill;\n' }) });
  assert.notDeepEqual(r.warnings, [], JSON.stringify(r));
});

// A stack object whose address is handed to code on other CPUs is shared with them: the
// rendezvous a function runs with its own stack data (on_selected_cpus(..., &r, ...)), or an
// address stored where others find it. Passed to an ordinary callee, it stays this CPU's.
test('stack objects: not those handed to other CPUs or stored away', () => {
  const body = (use: string): string => `    struct ring snap;\n    int i, out[4];\n    ${use}\n    WRITE_ONCE(snap.ready, 1);\n`;
  assert.deepEqual([...stackObjects(body('ring_fill(&snap, out);')).keys()].sort(), ['i', 'out', 'snap']);
  assert.deepEqual([...stackObjects(body('on_selected_cpus(mask, ring_remote, &snap, 0);')).keys()].sort(), ['i', 'out']);
  assert.deepEqual([...stackObjects(body('stop_machine_run(ring_update, &snap, NR_CPUS);')).keys()].sort(), ['i', 'out']);
  assert.deepEqual([...stackObjects(body('req->ring = &snap;')).keys()].sort(), ['i', 'out']);
  assert.equal(stackObjects(body('ring_fill(&snap, out);')).get('out')?.array, true);
});
