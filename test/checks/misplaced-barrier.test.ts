// misplaced-barrier: a barrier after the flag store (seed 000's v1 shape) orders nothing the
// reader relies on; the finding points at it and says where it belongs. The control has the same
// barrier between the two stores: nothing to report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, messages, only } from './helpers';

const file = 'xen/common/ring_example.c';

const ring = (writer: string): string => `struct ring { int data; int ready; };
void ring_publish(struct ring *r)
{
${writer}
}
int ring_consume(struct ring *r)
{
    if ( !READ_ONCE(r->ready) )
        return 0;
    smp_rmb();
    return r->data;
}
`;

test('a write barrier after the flag store is misplaced: it belongs before the flag', async () => {
  const text = ring('    r->data = 1;\n    WRITE_ONCE(r->ready, 1);\n    smp_wmb();');
  const a = await check({ file, text, os: 'xen' });
  const mis = only(a, 'misplaced-barrier');
  assert.equal(mis.length, 1, messages(a));
  assert.equal(mis[0]!.place.range.line, 6, 'on the smp_wmb() line');
  assert.match(mis[0]!.message, /belongs before `WRITE_ONCE\(r->ready, 1\)`/);
  assert.ok(a.findings.some((f) => f.code === 'arch-specific-ordering' || f.code === 'missing-barrier'), 'the unordered flag store itself is reported too');
});

test('control: the same barrier between the two stores is not misplaced, and nothing is reported', async () => {
  const a = await check({ file, text: ring('    r->data = 1;\n    smp_wmb();\n    WRITE_ONCE(r->ready, 1);'), os: 'xen' });
  assert.deepEqual(only(a, 'misplaced-barrier'), [], messages(a));
  assert.deepEqual(a.findings.filter((f) => f.severity === 'warning'), [], messages(a));
});
