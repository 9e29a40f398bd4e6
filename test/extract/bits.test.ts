// What a condition tests and what a write changes, bit by bit (engine/extract/bits.ts): the
// litmus translation writes a branch as the flag value it needs only from these, so each form
// that is read must be read exactly, and every other form must be left alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bitRef, bitWrite, sameBit, storedZero } from '../../engine/extract/bits';
import type { Cond, Thread } from '../../engine/extract/types';
import { extractText, parser } from './helpers';

const file = 'xen/common/bits_example.c';

async function thread(body: string, extra = ''): Promise<Thread> {
  const p = await parser();
  const text = `struct vcpu { unsigned long pause_flags; unsigned long mask; int data; int vcpu_id; };
${extra}
void f(struct vcpu *v)
{
${body}
}
`;
  const res = extractText(p, text, file, { profile: { os: 'xen' } });
  const t = res.value.find((x) => x.name === 'f');
  assert.ok(t, 'f extracted');
  return t;
}

/** The condition of the branch guarding a write to `v->data`, and its thread. */
async function guardOf(cond: string): Promise<{ t: Thread; c: Cond }> {
  const t = await thread(`    if ( ${cond} )\n        v->data = 1;`);
  const w = t.events.find((e) => e.kind === 'W' && e.loc.text === 'v->data')!;
  return { t, c: t.conds[w.guards[0]!.cond]! };
}

/** The bit test of the branch guarding the write to `v->data`, as `<read text> bit <bit> set|clear`. */
async function guardTest(cond: string): Promise<string | undefined> {
  const { t, c } = await guardOf(cond);
  if (!c.bitTest) return undefined;
  const r = t.events[c.bitTest.read]!;
  return `${r.kind === 'R' || r.kind === 'RMW' ? r.loc.text : '?'} ${c.bitTest.bit.form} ${c.bitTest.bit.text} ${c.bitTest.set ? 'set' : 'clear'}`;
}

test('bits: a mask test, a bit test call, and their negations name the read, the bit and the polarity', async () => {
  assert.equal(await guardTest('v->pause_flags & VPF_blocked'), 'v->pause_flags mask VPF_blocked set');
  assert.equal(await guardTest('VPF_blocked & v->pause_flags'), 'v->pause_flags mask VPF_blocked set');
  assert.equal(await guardTest('!(v->pause_flags & VPF_blocked)'), 'v->pause_flags mask VPF_blocked clear');
  assert.equal(await guardTest('unlikely(v->pause_flags & VPF_blocked)'), 'v->pause_flags mask VPF_blocked set');
  assert.equal(await guardTest('(v->pause_flags & VPF_blocked) == 0'), 'v->pause_flags mask VPF_blocked clear');
  assert.equal(await guardTest('!!(v->pause_flags & (1UL << _VPF_blocked))'), 'v->pause_flags number _VPF_blocked set');
  assert.equal(await guardTest('test_bit(_VPF_blocked, &v->pause_flags)'), 'v->pause_flags number _VPF_blocked set');
  assert.equal(await guardTest('!test_bit(_VPF_blocked, &v->pause_flags)'), 'v->pause_flags number _VPF_blocked clear');
  assert.equal(await guardTest('test_and_clear_bit(_VPF_blocked, &v->pause_flags)'), 'v->pause_flags number _VPF_blocked set');
});

test('bits: an early return on `!test_and_clear_bit()` guards the rest with the bit found set', async () => {
  const t = await thread('    if ( !test_and_clear_bit(_VPF_blocked, &v->pause_flags) )\n        return;\n    v->data = 1;');
  const w = t.events.find((e) => e.kind === 'W' && e.loc.text === 'v->data')!;
  const g = w.guards[0]!;
  const c = t.conds[g.cond]!;
  assert.equal(t.events[c.bitTest!.read]!.kind, 'RMW');
  // The condition "bit clear" is false on the path that goes on.
  assert.deepEqual({ set: c.bitTest!.set, value: g.value }, { set: false, value: false });
});

test('bits: a condition that is more than one bit of one read has no bit test', async () => {
  assert.equal(await guardTest('v->pause_flags & (VPF_blocked | VPF_down)'), undefined);
  assert.equal(await guardTest('v->pause_flags & v->mask'), undefined);
  assert.equal(await guardTest('v->pause_flags == VPF_blocked'), undefined);
  assert.equal(await guardTest('(v->pause_flags & VPF_blocked) && v->vcpu_id'), undefined);
  assert.equal(await guardTest('check(v) & VPF_blocked'), undefined);
});

test('bits: the left operand of && and || is a logical condition with its own bit test', async () => {
  const t = await thread('    if ( !(v->pause_flags & VPF_blocked) || !test_bit(v->vcpu_id, &v->mask) )\n        v->data = 0;');
  const poll = t.events.find((e) => e.kind === 'R' && e.loc.text === 'v->mask')!;
  const logical = poll.guards.map((g) => ({ g, c: t.conds[g.cond]! })).find((x) => x.c.kind === 'logical')!;
  // The right operand of || runs when the left is false: with VPF_blocked set.
  assert.equal(logical.g.value, false);
  assert.deepEqual(logical.c.bitTest && { bit: logical.c.bitTest.bit.text, set: logical.c.bitTest.set }, { bit: 'VPF_blocked', set: false });
});

test('bits: a loop condition is tested again on every iteration and is not read as one bit test', async () => {
  const t = await thread('    while ( v->pause_flags & VPF_blocked )\n        v->data = 1;');
  assert.ok(t.conds.every((c) => c.bitTest === undefined));
});

test('bits: an inlined callee\'s bit test names the read inlined into the caller', async () => {
  const t = await thread('    if ( v->data )\n        g(v);', `static void g(struct vcpu *w)
{
    if ( w->pause_flags & VPF_blocked )
        w->vcpu_id = 0;
}`);
  const c = t.conds.find((x) => x.bitTest)!;
  const r = t.events[c.bitTest!.read]!;
  assert.ok(r.kind === 'R' && r.loc.text === 'v->pause_flags', `read ${JSON.stringify(r)}`);
  assert.ok(r.via?.some((f) => f.callee === 'g'));
});

test('bits: clear_bit, test_and_clear_bit, `&= ~M` and atomic_andnot clear; set_bit and `|= M` set', async () => {
  const t = await thread(`    clear_bit(_VPF_blocked, &v->pause_flags);
    test_and_clear_bit(_VPF_blocked, &v->pause_flags);
    v->pause_flags &= ~VPF_blocked;
    set_bit(_VPF_down, &v->pause_flags);
    v->pause_flags |= VPF_down;
    v->pause_flags += 2;
    v->pause_flags &= v->mask;`);
  const writes = t.events.filter((e) => e.kind === 'W' || e.kind === 'RMW').map((e) => {
    const b = bitWrite(e);
    return b ? `${b.set ? 'set' : 'clear'} ${b.bit.form} ${b.bit.text}` : '-';
  });
  assert.deepEqual(writes, ['clear number _VPF_blocked', 'clear number _VPF_blocked', 'clear mask VPF_blocked', 'set number _VPF_down', 'set mask VPF_down', '-', '-']);
});

test('bits: a mask and a bit number are the same bit by Xen\'s `_NAME` convention, a shift or a power of two; nothing else', () => {
  assert.ok(sameBit(bitRef('VPF_blocked', 'mask'), bitRef('_VPF_blocked', 'number')));
  assert.ok(sameBit(bitRef('(1UL << _VPF_blocked)', 'mask'), bitRef('_VPF_blocked', 'number')));
  assert.ok(sameBit(bitRef('BIT(3)', 'mask'), bitRef('3', 'number')));
  assert.ok(sameBit(bitRef('0x8', 'mask'), bitRef('3', 'number')));
  assert.ok(!sameBit(bitRef('0x8', 'mask'), bitRef('4', 'number')));
  assert.ok(!sameBit(bitRef('VPF_down', 'mask'), bitRef('_VPF_blocked', 'number')));
  assert.ok(!sameBit(bitRef('PGC_need_scrub', 'mask'), bitRef('_PGC_allocated', 'number')));
  // A variable index may be a different bit on each CPU.
  assert.ok(!sameBit(bitRef('v->vcpu_id', 'number'), bitRef('v->vcpu_id', 'number')));
});

/** The zero test of the branch guarding the write to `v->data`, as `<read text> nonzero|zero`. */
async function zeroTest(cond: string): Promise<string | undefined> {
  const { t, c } = await guardOf(cond);
  if (!c.zeroTest) return undefined;
  const r = t.events[c.zeroTest.read]!;
  return `${r.kind === 'R' ? r.loc.text : '?'} ${c.zeroTest.nonzero ? 'nonzero' : 'zero'}`;
}

test('bits: a branch on whether one read is zero names the read and the way', async () => {
  assert.equal(await zeroTest('READ_ONCE(v->mask)'), 'v->mask nonzero');
  assert.equal(await zeroTest('!v->mask'), 'v->mask zero');
  assert.equal(await zeroTest('likely(v->mask != 0)'), 'v->mask nonzero');
  assert.equal(await zeroTest('v->mask == 0'), 'v->mask zero');
  assert.equal(await zeroTest('v->mask == 1'), undefined);
  assert.equal(await zeroTest('v->mask > 0'), undefined);
  assert.equal(await zeroTest('v->mask & VPF_blocked'), undefined);
});

test('bits: a store of a zero or non-zero constant is told apart; any other value is not', async () => {
  const t = await thread(`    v->mask = 0;
    WRITE_ONCE(v->mask, 1);
    v->mask = NULL;
    v->data = true;
    v->mask = v->data;
    xchg(&v->mask, 0);`);
  const writes = t.events.filter((e) => e.kind === 'W' || e.kind === 'RMW').map((e) => storedZero(e) ?? '-');
  assert.deepEqual(writes, ['zero', 'nonzero', 'zero', 'nonzero', '-', 'zero']);
});
