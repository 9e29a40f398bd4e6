// Locks held after an if/else: those held on both arms, each as many times as on both. Two
// domains' locks of one type share a key, so one arm may hold the key twice and the other once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { storeTo as store, xenThread as thread } from './helpers';

const twice = (elseLocks: boolean): string => `
long op(struct domain *d, struct domain *e, int n)
{
    spin_lock(&d->lock);
    if ( n )
        spin_lock(&e->lock);
    else
        ${elseLocks ? 'spin_lock(&e->lock);' : 'd->x = 0;'}
    d->c = 3;
    spin_unlock(&d->lock);
    d->after = 1;
    return 0;
}
`;

test('if/else: a key held twice on one arm and once on the other is held once after, and free after its unlock', async () => {
  const t = await thread(twice(false), 'op');
  assert.deepEqual(store(t, 'd->c').held, ['struct domain->lock']);
  assert.deepEqual(store(t, 'd->after').held, []);
});

test('if/else control: held twice on both arms stays held twice, once after one unlock', async () => {
  const t = await thread(twice(true), 'op');
  assert.deepEqual(store(t, 'd->c').held, ['struct domain->lock', 'struct domain->lock']);
  assert.deepEqual(store(t, 'd->after').held, ['struct domain->lock']);
});
