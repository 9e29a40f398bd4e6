// A learned lock wrapper orders memory like the primitive it ends in: `evtchn_write_lock()`
// takes its lock in write mode and, on Xen for Arm, is a full barrier like write_lock().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { treeKbConfig } from '../../engine/cli/tree-check';
import { effectsFor, loadConfig, lookup } from '../../engine/kb/index';
import { checkFixtureTree } from './helpers';

const header = `struct evtchn { rwlock_t lock; int state; };
static inline void evtchn_write_lock(struct evtchn *evtchn)
{
    write_lock(&evtchn->lock);
}
static inline void evtchn_write_unlock(struct evtchn *evtchn)
{
    write_unlock(&evtchn->lock);
}
#define RING_LOCK(r) spin_lock(&(r)->lock)
`;

test('a learned wrapper takes the mode and the per-architecture barriers of the primitive it calls', () => {
  const kb = loadConfig(treeKbConfig([{ text: header }], undefined, 'xen').text).kb;
  const xen = lookup(kb, 'evtchn_write_lock', { os: 'xen' })!;
  assert.deepEqual(effectsFor(xen, { os: 'xen', arch: 'arm64' }).map((e) => e.op === 'F' ? `F ${e.fence}` : e.op === 'LOCK' ? `LOCK ${e.mode}` : e.op), ['LOCK write', 'F mb']);
  assert.deepEqual(effectsFor(xen, { os: 'xen', arch: 'x86' }).map((e) => e.op), ['LOCK']);
  const unlock = lookup(kb, 'evtchn_write_unlock', { os: 'xen' })!;
  assert.deepEqual(effectsFor(unlock, { os: 'xen', arch: 'arm64' }).map((e) => e.op === 'F' ? `F ${e.fence}` : e.op), ['F mb', 'UNLOCK']);
  // Linux's write_lock() is an acquire only: no fence on any architecture.
  const linux = lookup(kb, 'evtchn_write_lock', { os: 'linux' })!;
  assert.deepEqual(effectsFor(linux, { os: 'linux', arch: 'arm64' }).map((e) => e.op === 'LOCK' ? `LOCK ${e.mode}` : e.op), ['LOCK write']);
});

test('config: "like" must name a lock primitive of the same direction', () => {
  const bad = loadConfig(JSON.stringify({ locks: { my_lock: { op: 'lock', like: 'spin_unlock' } } }));
  assert.match(bad.problems.map((p) => p.message).join('\n'), /"like" must name a knowledge-base lock primitive/);
  assert.equal(loadConfig(JSON.stringify({ locks: { my_lock: { op: 'lock', like: 'spin_lock' } } })).problems.length, 0);
});

const file = `#include "ev.h"
struct domain { int active; int xen; };
void alloc_one(struct domain *d, struct evtchn *chn)
{
    write_atomic(&d->active, d->active + 1);
    LOCK_CALL(chn);
    chn->state = 1;
    UNLOCK_CALL(chn);
    write_atomic(&d->xen, d->xen + 1);
}
int has_active(struct domain *d)
{
    int x = read_atomic(&d->xen);
    smp_rmb();
    return read_atomic(&d->active) > x;
}
`;

test('whole tree: stores on either side of a write-lock wrapper are ordered on Arm, as on x86', async () => {
  const r = await checkFixtureTree({ 'include/ev.h': header, 'common/a.c': file.replace('LOCK_CALL', 'evtchn_write_lock').replace('UNLOCK_CALL', 'evtchn_write_unlock') });
  assert.deepEqual(r.warnings, [], JSON.stringify(r));
});

test('control: with no lock between the stores the Arm reordering is reported', async () => {
  const r = await checkFixtureTree({ 'include/ev.h': header, 'common/a.c': file.replace('LOCK_CALL(chn);', '').replace('UNLOCK_CALL(chn);', '') });
  assert.notDeepEqual(r.warnings, [], JSON.stringify(r));
});
