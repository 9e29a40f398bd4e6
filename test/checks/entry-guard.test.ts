// A message-passing reader its callers enter only after checking the flag and issuing a read
// barrier (engine/pair/entry-guard.ts) is ordered after the flag: the judged reader starts with
// the caller's check. Only when every caller is in view and checks the flag the right way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, only } from './helpers';

const file = 'xen/common/entry_guard_example.c';

const code = (a: { storage?: string; entry?: string; extra?: string }): string => `struct ring { int prod; int cons; };
static struct ring rg;
static int ready;

void publish(struct ring *r)
{
    rg.prod = r->prod;
    smp_wmb();
    WRITE_ONCE(ready, 1);
}

${a.storage ?? 'static'} int consume(void)
{
    if ( !READ_ONCE(ready) )
        return 0;
    return rg.prod;
}

void reader_entry(void)
{
${a.entry ?? '    if ( !READ_ONCE(ready) )\n        return;\n    smp_rmb();\n    consume();'}
}
${a.extra ?? ''}`;

/** The message-passing findings on consume()'s read of the data. */
async function staleReads(a: Parameters<typeof code>[0]): Promise<string[]> {
  const r = await check({ file, text: code(a), arch: 'all' });
  return only(r, 'arch-specific-ordering').filter((f) => f.place.function === 'consume').map((f) => f.message);
}

test('entry guard: a static reader whose only caller checks the flag and then smp_rmb() is not reported', async () => {
  assert.deepEqual(await staleReads({}), []);
});

test('entry guard: the check written as `if (flag) { smp_rmb(); call(); }` counts the same', async () => {
  assert.deepEqual(await staleReads({ entry: '    if ( READ_ONCE(ready) ) {\n        smp_rmb();\n        consume();\n    }' }), []);
});

test('entry guard: a caller entered only past the same check passes it on', async () => {
  const entry = '    if ( !READ_ONCE(ready) )\n        return;\n    smp_rmb();\n    relay();';
  const relay = (storage: string): string => code({ entry }).replace('void reader_entry', `${storage}void relay(void)\n{\n    consume();\n}\n\nvoid reader_entry`);
  const stale = async (text: string): Promise<string[]> =>
    only(await check({ file, text, arch: 'all' }), 'arch-specific-ordering').filter((f) => f.place.function === 'consume').map((f) => f.message);
  assert.deepEqual(await stale(relay('static ')), []);
  // relay() itself may be called from elsewhere: consume() is no longer entered only past the check.
  assert.equal((await stale(relay(''))).length, 1);
});

test('entry guard: without the read barrier (a compiler barrier only) the stale read is reported', async () => {
  const stale = await staleReads({ entry: '    if ( !READ_ONCE(ready) )\n        return;\n    barrier();\n    consume();' });
  assert.equal(stale.length, 1, stale.join('\n'));
});

test('entry guard: a check that goes on when the flag is clear orders nothing', async () => {
  const stale = await staleReads({ entry: '    if ( READ_ONCE(ready) )\n        return;\n    smp_rmb();\n    consume();' });
  assert.equal(stale.length, 1, stale.join('\n'));
});

test('entry guard: a reader with callers out of view (not static, named again as in a prototype, used as a value, or one unguarded caller) is reported', async () => {
  for (const a of [{ storage: '' }, { extra: 'static int consume(void);\n' }, { extra: 'void (*hook)(void) = consume;\n' }, { extra: 'void other(void)\n{\n    consume();\n}\n' }]) {
    const stale = await staleReads(a);
    assert.equal(stale.length, 1, JSON.stringify(a));
  }
});
