// Locks along goto paths: the code after a label runs with the locks its gotos held, not with
// the state the statement before the label (often `unlock(); return rc;`) left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { storeTo as store, xenThread as thread } from './helpers';

test('goto: the error path after `unlock; return` still holds the lock its goto held', async () => {
  const t = await thread(`
int setup(struct domain *d)
{
    int rc;
    spin_lock(&d->lock);
    rc = prepare(d);
    if ( rc )
        goto error;
    d->ready = 1;
    spin_unlock(&d->lock);
    return 0;
 error:
    d->table = NULL;
    spin_unlock(&d->lock);
    return rc;
}`, 'setup');
  assert.deepEqual(store(t, 'd->ready').held.length, 1);
  assert.equal(store(t, 'd->table').held.length, 1, 'the store on the error path is under d->lock');
  assert.equal(store(t, 'd->table').held[0], store(t, 'd->ready').held[0]);
});

test('goto: a label reached by fall-through and by a goto outside the lock holds only what both held', async () => {
  const t = await thread(`
int op(struct domain *d)
{
    if ( !d->enabled )
        goto out;
    spin_lock(&d->lock);
    d->count = 1;
 out:
    d->done = 1;
    return 0;
}`, 'op');
  assert.equal(store(t, 'd->count').held.length, 1);
  assert.equal(store(t, 'd->done').held.length, 0, 'the goto jumped past the lock');
});

test('goto: a label after `return` that no goto reaches keeps walking with the state it has', async () => {
  const t = await thread(`
int f(struct domain *d)
{
    spin_lock(&d->lock);
    return 0;
 unused:
    d->x = 1;
    return 1;
}`, 'f');
  assert.equal(store(t, 'd->x').held.length, 1);
});
