// Which value of a flag a guarded access needs (engine/pair/flag-values.ts): only "the old one"
// is ever concluded, from a branch on exactly the bit the cycle's write changes (or on zero, for
// a store of a constant), and the location's values follow the write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { locValues, needsOld } from '../../engine/pair/flag-values';
import type { Event, Thread } from '../../engine/extract/types';
import { extractText, parser } from '../extract/helpers';

async function fn(text: string, name: string): Promise<Thread> {
  const p = await parser();
  const res = extractText(p, `struct s { unsigned long flags; int data; };\n${text}`, 'xen/common/flag_values_example.c', { profile: { os: 'xen' } });
  return res.value.find((t) => t.name === name)!;
}

const write = (t: Thread, loc: string): Event => t.events.find((e) => (e.kind === 'W' || e.kind === 'RMW') && e.loc.text === loc)!;

/** Does the read of `p->data` under `cond` need the old `p->flags`, against `writer`'s write? */
async function needs(cond: string, writer: string): Promise<boolean> {
  const r = await fn(`int r(struct s *p) { if ( ${cond} ) return READ_ONCE(p->data); return 0; }`, 'r');
  const w = await fn(`void w(struct s *p) { ${writer}; }`, 'w');
  const read = r.events.find((e) => e.kind !== 'W' && 'loc' in e && e.loc.text === 'p->flags')!;
  const target = r.events.find((e) => e.kind === 'R' && e.loc.text === 'p->data')!;
  return needsOld({ thread: r, read, target, values: locValues({ write: write(w, 'p->flags'), others: false }) });
}

test('flag values: a clear starts at 1 and goes to 0, a set or a non-zero store goes from 0 to 1, a store of 0 from 1 to 0', async () => {
  const w = await fn(`void w(struct s *p) { clear_bit(_F_A, &p->flags); set_bit(_F_A, &p->flags); WRITE_ONCE(p->flags, 0); WRITE_ONCE(p->flags, 2); p->flags = p->data; }`, 'w');
  const v = w.events.filter((e) => e.kind === 'W' || e.kind === 'RMW').filter((e) => 'loc' in e && e.loc.text === 'p->flags')
    .map((e) => { const x = locValues({ write: e, others: false }); return `${x.stale}->${x.fresh}`; });
  assert.deepEqual(v, ['1->0', '0->1', '1->0', '0->1', '0->1']);
  // Another write to the location in the test leaves the plain encoding.
  assert.deepEqual(locValues({ write: write(w, 'p->flags'), others: true }), { stale: 0, fresh: 1 });
});

test('flag values: a branch needing the bit as it was before the write needs the old value', async () => {
  assert.equal(await needs('p->flags & F_A', 'clear_bit(_F_A, &p->flags)'), true);
  assert.equal(await needs('!test_bit(_F_A, &p->flags)', 'set_bit(_F_A, &p->flags)'), true);
  assert.equal(await needs('READ_ONCE(p->flags)', 'WRITE_ONCE(p->flags, 0)'), true);
  assert.equal(await needs('!READ_ONCE(p->flags)', 'WRITE_ONCE(p->flags, 1)'), true);
});

test('flag values: a branch needing what the write leaves concludes nothing (the old value may have had it too)', async () => {
  assert.equal(await needs('!(p->flags & F_A)', 'clear_bit(_F_A, &p->flags)'), false);
  assert.equal(await needs('!READ_ONCE(p->flags)', 'WRITE_ONCE(p->flags, 0)'), false);
});

test('flag values: another bit, a value that is not a constant, or a bit test against a store concludes nothing', async () => {
  assert.equal(await needs('p->flags & F_B', 'clear_bit(_F_A, &p->flags)'), false);
  assert.equal(await needs('READ_ONCE(p->flags)', 'WRITE_ONCE(p->flags, p->data)'), false);
  assert.equal(await needs('p->flags & F_A', 'WRITE_ONCE(p->flags, 0)'), false);
  assert.equal(await needs('READ_ONCE(p->flags)', 'clear_bit(_F_A, &p->flags)'), false);
});
