// Reader-writer locks in the generated tests: a reader excludes a writer of the same lock (so a
// write-locked publication read under read_lock is serialized and clean), while a lock that is
// only ever read-locked excludes nothing (two readers run together).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, codes } from './helpers';

const code = (writer: string): string => [
  'struct dom { rwlock_t lock; int data; int flag; };',
  '',
  'void publish(struct dom *d)',
  '{',
  writer === 'write' ? '    write_lock(&d->lock);' : writer === 'read' ? '    read_lock(&d->lock);' : '',
  '    d->data = 1;',
  '    WRITE_ONCE(d->flag, 1);',
  writer === 'write' ? '    write_unlock(&d->lock);' : writer === 'read' ? '    read_unlock(&d->lock);' : '',
  '}',
  '',
  'int consume(struct dom *d)',
  '{',
  '    int r = 0;',
  '',
  '    read_lock(&d->lock);',
  '    if ( READ_ONCE(d->flag) )',
  '        r = d->data;',
  '    read_unlock(&d->lock);',
  '    return r;',
  '}',
  '',
].join('\n');

const file = 'xen/common/rw_example.c';

test('rwlock: a reader under read_lock against a writer under write_lock is serialized: clean', async () => {
  const a = await check({ file, text: code('write'), arch: 'all' });
  assert.deepEqual(codes(a, 'warning'), []);
});

test('rwlock: two read_lock holders do not exclude each other: the publication can be seen out of order', async () => {
  const a = await check({ file, text: code('read'), arch: 'all' });
  assert.ok(codes(a, 'warning').some((c) => c === 'missing-barrier' || c === 'arch-specific-ordering'), codes(a).join(', '));
});

test("rwlock: a writer that takes no lock is not excluded by the reader's read_lock", async () => {
  const a = await check({ file, text: code('none'), arch: 'all' });
  assert.ok(codes(a, 'warning').some((c) => c === 'missing-barrier' || c === 'arch-specific-ordering'), codes(a).join(', '));
});
