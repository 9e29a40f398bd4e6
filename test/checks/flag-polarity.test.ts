// A writer that clears a flag bit (vcpu_unblock(): test_and_clear_bit(_VPF_blocked), then
// clear_bit()) against readers that branch on that bit. The litmus test starts the bit set and
// clears it, and a branch that tests exactly that bit runs its accesses only with the value it
// needs. A reader that reads `poll_mask` only while VPF_blocked is still set cannot take part in
// "flag seen new, data seen old", directly or after a re-read of the flag (coherence), and the
// simulator says so. The controls keep the same readers and flip what the branch or the writer
// does, or hide the bit behind a local: those are reported as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, only } from './helpers';

const file = 'xen/common/sched/polarity_example.c';

const head = `#define _VPF_blocked 0
#define VPF_blocked (1UL<<_VPF_blocked)
struct domain { unsigned long poll_mask[4]; };
struct vcpu { unsigned long pause_flags; int vcpu_id; int is_urgent; struct domain *domain; int poll_evtchn; int state; };
`;

/** vcpu_unblock() as Xen writes it; `flag` is the call that ends the poll (clear_bit in Xen). */
const unblock = (flag = 'clear_bit') => `
void vcpu_unblock(struct vcpu *v)
{
    if ( !test_and_clear_bit(_VPF_blocked, &v->pause_flags) )
        return;
    if ( unlikely(v->poll_evtchn != 0) )
    {
        v->poll_evtchn = 0;
        if ( test_and_clear_bit(v->vcpu_id, v->domain->poll_mask) )
            ${flag}(_VPF_blocked, &v->pause_flags);
    }
}
`;

/** vcpu_urgent_count_update(): poll_mask is read only past a short-circuit on VPF_blocked. */
const urgent = (blocked = 'v->pause_flags & VPF_blocked') => `
static inline void urgent_update(struct vcpu *v)
{
    if ( unlikely(v->is_urgent) )
    {
        if ( !(${blocked}) ||
             !test_bit(v->vcpu_id, v->domain->poll_mask) )
            v->is_urgent = 0;
    }
    else
    {
        if ( unlikely(${blocked}) &&
             unlikely(test_bit(v->vcpu_id, v->domain->poll_mask)) )
            v->is_urgent = 1;
    }
}
`;

/** vcpu_wake()'s blocked arm: it has just read VPF_blocked clear, then re-reads it inside. */
const wake = `
void wake(struct vcpu *v)
{
    if ( v->state > 2 )
        v->state = 1;
    else if ( !(v->pause_flags & VPF_blocked) )
    {
        if ( v->state == 2 )
            urgent_update(v);
    }
}
`;

async function pollReads(text: string): Promise<string[]> {
  const a = await check({ file, text, os: 'xen' });
  return only(a, 'arch-specific-ordering').map((f) => `${f.place.function}:${f.place.range.line}: ${f.message}`)
    .filter((m) => m.includes('poll_mask') && m.includes('vcpu_unblock'));
}

test('flag polarity: poll_mask is read only with VPF_blocked still set, which vcpu_unblock() clears: no stale read', async () => {
  assert.deepEqual(await pollReads(head + unblock() + urgent()), []);
});

test('flag polarity (control): the same reader against a writer that sets VPF_blocked is reported', async () => {
  const found = await pollReads(head + unblock('set_bit') + urgent());
  assert.ok(found.length > 0, 'the reader reads poll_mask after seeing the new (set) flag');
});

test('flag polarity (control): a branch that reads poll_mask with the flag clear, the new value, is reported', async () => {
  const found = await pollReads(head + unblock() + urgent('!(v->pause_flags & VPF_blocked)'));
  assert.ok(found.length > 0);
});

test('flag polarity: a re-read of the flag after reading it clear cannot return it set (coherence): no stale read', async () => {
  const text = head + unblock() + urgent() + wake;
  const a = await check({ file, text, os: 'xen' });
  const inWake = only(a, 'arch-specific-ordering').filter((f) => f.place.function === 'wake' && f.message.includes('poll_mask'));
  assert.deepEqual(inWake.map((f) => f.message), []);
});

test('flag polarity (control): the re-read that goes on with the flag clear is reported in the caller', async () => {
  const text = head + unblock() + urgent('!(v->pause_flags & VPF_blocked)') + wake;
  const a = await check({ file, text, os: 'xen' });
  const inWake = only(a, 'arch-specific-ordering').filter((f) => f.place.function === 'wake' && f.message.includes('poll_mask'));
  assert.ok(inWake.length > 0);
});

test('flag polarity (control): a bit tested through a local copy is not read, and the reader is judged as before', async () => {
  const local = urgent().replace('if ( unlikely(v->is_urgent) )', 'unsigned long pf = v->pause_flags;\n    if ( unlikely(v->is_urgent) )')
    .replaceAll('v->pause_flags & VPF_blocked', 'pf & VPF_blocked');
  const found = await pollReads(head + unblock() + local);
  assert.ok(found.length > 0);
});

// A writer that publishes data, then clears the busy bit; a reader that reads the data only while
// the bit is still set. The outcome asks for the data register 0, the value it starts with: a
// read that never ran must not count as one that returned 0.
const busy = (cond: string) => `#define _F_busy 0
struct chan { unsigned long flags; int data; };

void finish(struct chan *c)
{
    WRITE_ONCE(c->data, 1);
    smp_wmb();
    clear_bit(_F_busy, &c->flags);
}

int peek(struct chan *c)
{
    int d = 0;
    if ( ${cond} )
        d = READ_ONCE(c->data);
    return d;
}
`;

test('flag polarity: data read only while the bit is still set is never stale, and a skipped read is not a stale one', async () => {
  const a = await check({ file: 'xen/common/busy_example.c', text: busy('test_bit(_F_busy, &c->flags)'), os: 'xen' });
  assert.deepEqual(a.findings.filter((f) => f.severity === 'warning' || f.severity === 'error').map((f) => `${f.code}: ${f.message}`), []);
});

test('flag polarity (control): data read once the bit is seen clear, with no read barrier, is reported', async () => {
  const a = await check({ file: 'xen/common/busy_example.c', text: busy('!test_bit(_F_busy, &c->flags)'), os: 'xen' });
  assert.equal(only(a, 'arch-specific-ordering').filter((f) => f.place.function === 'peek').length, 1);
});

// Peers of the same shape are judged once (pair/index.ts representatives). A writer that clears
// the bit and one that sets it differ only in that: they must not count as one.
test('flag polarity: a clearing and a setting writer elsewhere in the tree are two peers, and the setter is still judged', async () => {
  const writer = (name: string, op: string) => `${head}
void ${name}(struct vcpu *v)
{
    clear_bit(v->vcpu_id, v->domain->poll_mask);
    ${op}(_VPF_blocked, &v->pause_flags);
}
`;
  const treeTexts = [
    { path: 'xen/common/sched/a_clears.c', text: writer('unblock_a', 'clear_bit') },
    { path: 'xen/common/sched/b_sets.c', text: writer('block_b', 'set_bit') },
  ];
  const a = await check({ file, text: head + urgent().replace('static inline ', ''), os: 'xen', treeTexts });
  const against = only(a, 'arch-specific-ordering').map((f) => f.message).filter((m) => m.includes('poll_mask'));
  assert.ok(against.some((m) => m.includes('block_b()')), JSON.stringify(against));
  assert.ok(!against.some((m) => m.includes('unblock_a()')), JSON.stringify(against));
});

// vcpu_reset() against vcpu_unblock(): the reader goes on to `poll_evtchn` only when its
// test_and_clear_bit() found VPF_blocked still set, the value before vcpu_reset() clears it.
// The writer orders nothing (Xen's is under domain_lock, which the reader does not take), and
// the reader's test_and_clear_bit() is fully ordered: only the writer can break the handshake.
const reset = (cond: string) => `${head}
void reset(struct vcpu *v)
{
    WRITE_ONCE(v->poll_evtchn, 0);
    clear_bit(_VPF_blocked, &v->pause_flags);
}

int unblock(struct vcpu *v)
{
    if ( ${cond} )
        return 0;
    return READ_ONCE(v->poll_evtchn);
}
`;

const againstUnblock = (a: Awaited<ReturnType<typeof check>>): string[] =>
  a.findings.filter((f) => f.message.includes('unblock()')).map((f) => `${f.code}: ${f.message}`);

test('flag polarity: a read past `!test_and_clear_bit()` runs only with the bit found set: no stale read', async () => {
  const a = await check({ file, text: reset('!test_and_clear_bit(_VPF_blocked, &v->pause_flags)'), os: 'xen' });
  assert.deepEqual(againstUnblock(a), []);
});

test('flag polarity (control): a read past `test_and_clear_bit()` found clear, the new value, is reported', async () => {
  const a = await check({ file, text: reset('test_and_clear_bit(_VPF_blocked, &v->pause_flags)'), os: 'xen' });
  assert.equal(againstUnblock(a).length, 1);
});

// A flag written as a value: the writer clears `busy` with a store of 0 and orders nothing;
// the reader reads the data only while `busy` is still non-zero, the value before the store.
const store = (cond: string) => `struct job { int busy; int result; };

void complete(struct job *j)
{
    WRITE_ONCE(j->result, 1);
    WRITE_ONCE(j->busy, 0);
}

int poll(struct job *j)
{
    if ( ${cond} )
        return READ_ONCE(j->result);
    return -1;
}
`;

const againstPoll = (a: Awaited<ReturnType<typeof check>>): string[] =>
  a.findings.filter((f) => f.message.includes('poll()') || f.place.function === 'poll').map((f) => `${f.code}: ${f.message}`);

test('flag polarity: data read only while the flag is still non-zero, against a store of 0, is never stale', async () => {
  const a = await check({ file: 'xen/common/job_example.c', text: store('READ_ONCE(j->busy)'), os: 'xen' });
  assert.deepEqual(againstPoll(a), []);
});

test('flag polarity (control): data read once the flag is seen zero, the new value, is reported', async () => {
  const a = await check({ file: 'xen/common/job_example.c', text: store('!READ_ONCE(j->busy)'), os: 'xen' });
  assert.ok(againstPoll(a).length > 0);
});
