// Accesses a side makes to the cycle's own locations between its two accesses (revisits, see
// engine/pair/ordering-events.ts) are part of the judged test. A spin on a counter followed by a
// reset of that counter, a write barrier and a state store is ordered on Arm and in LKMM: the
// read before the reset of the same location is ordered by coherence, the barrier orders the
// reset before the state store. A reset on only some paths, or of another location, orders
// nothing. The master's read of a result after a plain spin with no read barrier stays broken.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, only } from './helpers';

const file = 'xen/common/handshake_example.c';

const handshake = (reset: string): string => `struct handshake { atomic_t done; int state; int result; };
static struct handshake hs;

static void set_state(int s)
{
    ${reset};
    smp_wmb();
    hs.state = s;
}

static void wait_done(void)
{
    while ( atomic_read(&hs.done) != 1 )
        cpu_relax();
}

int master(void)
{
    int ret;

    set_state(1);
    wait_done();
    ret = hs.result;
    set_state(2);
    return ret;
}

void worker(void)
{
    while ( hs.state == 0 )
        cpu_relax();
    hs.result = -1;
    smp_mb();
    atomic_inc(&hs.done);
}
`;

async function ordering(reset: string): Promise<{ spinThenState: string[]; resultAfterSpin: string[] }> {
  const a = await check({ file, text: handshake(reset), arch: 'all' });
  const messages = only(a, 'arch-specific-ordering').map((f) => f.message);
  return {
    spinThenState: messages.filter((m) => m.includes('load buffering') && m.includes('before `wait_done()` has read')),
    resultAfterSpin: messages.filter((m) => m.startsWith('`hs.result` can be satisfied before `wait_done()`')),
  };
}

test('revisits: resetting the counter just spun on, then smp_wmb(), orders the spin before the state store', async () => {
  const r = await ordering('atomic_set(&hs.done, 0)');
  assert.deepEqual(r.spinThenState, []);
});

test('revisits: a reset on only some paths orders nothing, and load buffering is reported', async () => {
  const r = await ordering('if ( s > 1 )\n        atomic_set(&hs.done, 0)');
  assert.equal(r.spinThenState.length, 1, r.spinThenState.join('\n'));
});

test('revisits: a write to another location orders nothing, and load buffering is reported', async () => {
  const r = await ordering('hs.result = 0');
  assert.equal(r.spinThenState.length, 1, r.spinThenState.join('\n'));
});

test('revisits: reading the result after a plain spin with no read barrier is still reported (the writer has smp_mb())', async () => {
  for (const reset of ['atomic_set(&hs.done, 0)', 'hs.result = 0']) {
    const r = await ordering(reset);
    assert.equal(r.resultAfterSpin.length, 1, reset);
  }
});
