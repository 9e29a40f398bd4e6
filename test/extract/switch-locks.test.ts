// Locks across the arms of a switch: each case is entered from the switch's head, so a lock
// one case leaves held (a conditional unlock the walk cannot follow, a double lock of one key)
// is not held in the next case, unless that case is reached by falling through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { storeTo as store, xenThread as thread } from './helpers';

/**
 * The first case takes two locks of one type and releases one: after it the walk holds one of
 * them (as an inlined callee's double lock of two domains' `event_lock`, keyed alike, reads
 * when the second unlock is one the walk cannot follow).
 */
const dispatcher = (fallthrough: boolean): string => `
long op(struct domain *d, struct domain *e, int cmd, int n)
{
    switch ( cmd )
    {
    case 1:
        spin_lock(&d->lock);
        spin_lock(&e->lock);
        d->a = 1;
        spin_unlock(&d->lock);
        ${fallthrough ? '/* fall through */' : 'break;'}
    case 2:
        d->b = 2;
        break;
    }
    d->c = 3;
    return 0;
}
`;

test('switch: a lock one case leaves held is not held in the next case, nor after the switch', async () => {
  const t = await thread(dispatcher(false), 'op');
  assert.deepEqual(store(t, 'd->a').held, ['struct domain->lock', 'struct domain->lock']);
  assert.deepEqual(store(t, 'd->b').held, []);
  assert.deepEqual(store(t, 'd->c').held, []);
});

test('switch: a case reached by falling through holds what both ways in hold', async () => {
  const t = await thread(dispatcher(true), 'op');
  assert.deepEqual(store(t, 'd->b').held, []);
  // From the head alone nothing is held; from the arm before, one lock: held on both, none.
});

test('switch: a lock taken before the switch is held in every case', async () => {
  const t = await thread(`
long op2(struct domain *d, int cmd)
{
    spin_lock(&d->lock);
    switch ( cmd )
    {
    case 1:
        d->a = 1;
        break;
    default:
        d->b = 2;
        break;
    }
    spin_unlock(&d->lock);
    return 0;
}
`, 'op2');
  assert.deepEqual(store(t, 'd->a').held, ['struct domain->lock']);
  assert.deepEqual(store(t, 'd->b').held, ['struct domain->lock']);
});
