// Which code is judged for ordering at all (engine/pair/intent.ts, and for a C file checked as
// it is also engine/concurrency/evidence.ts): plain accesses on both sides with no barrier or
// atomic of the functions' own are serialized by means extraction cannot see in most real code,
// and are left to data-race tools; a marked flag or a barrier beside the flag makes the pair a
// barrier question. A callee's internal ordering is judged once, at the callee.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, codes, only } from './helpers';
import type { Finding } from '../../engine/checks/types';

const file = 'xen/common/intent_example.c';
const ORDERING = ['missing-barrier', 'arch-specific-ordering'];

const pair = (flagStore: string, flagLoad: string): string => `struct obj { int data; int flag; };

void publish(struct obj *x)
{
    x->data = 1;
    ${flagStore};
}

int consume(struct obj *x)
{
    int r = 0;

    if ( ${flagLoad} )
        r = x->data;
    return r;
}
`;

test('intent: plain stores and loads on both sides, no barrier of their own: not judged', async () => {
  const a = await check({ file, text: pair('x->flag = 1', 'x->flag'), arch: 'all' });
  assert.deepEqual(codes(a, 'warning').filter((c) => ORDERING.includes(c)), []);
});

test('intent: the same handshake with a marked flag (WRITE_ONCE/READ_ONCE) is judged and broken', async () => {
  const a = await check({ file, text: pair('WRITE_ONCE(x->flag, 1)', 'READ_ONCE(x->flag)'), arch: 'all' });
  assert.ok(codes(a, 'warning').some((c) => ORDERING.includes(c)), codes(a).join(', '));
});

test('intent: a C file asks for the evidence whole-tree mode asks for: a barrier beside the flag, not elsewhere', async () => {
  // Before the flag store: the barrier is meant for it, and the reader's missing one is the question.
  const before = pair('x->flag = 1', 'x->flag').replace('    x->flag = 1;\n', '    smp_mb();\n    x->flag = 1;\n');
  const a = await check({ file, text: before, arch: 'all' });
  assert.ok(codes(a, 'warning').some((c) => ORDERING.includes(c)), codes(a).join(', '));
  // After it, the barrier orders what follows: the plain flag shows no handshake of its own.
  // (Seed 000's v1 patch has this shape; patch review judges it by what the patch changes.)
  const after = pair('x->flag = 1', 'x->flag').replace('    x->flag = 1;\n', '    x->flag = 1;\n    smp_mb();\n');
  const b = await check({ file, text: after, arch: 'all' });
  assert.deepEqual(codes(b, 'warning').filter((c) => ORDERING.includes(c)), []);
});

test("intent: a callee's own ordering is reported at the callee, not again at each call site", async () => {
  const text = `struct obj { int data; int flag; };

static void publish(struct obj *x)
{
    x->data = 1;
    WRITE_ONCE(x->flag, 1);
}

void caller_one(struct obj *x)
{
    publish(x);
}

void caller_two(struct obj *x)
{
    publish(x);
}

int consume(struct obj *x)
{
    int r = 0;

    if ( READ_ONCE(x->flag) )
        r = x->data;
    return r;
}
`;
  const a = await check({ file, text, arch: 'all' });
  const lines = text.split('\n');
  const writerFindings = [...only(a, 'missing-barrier'), ...only(a, 'arch-specific-ordering')]
    .filter((f) => !/READ_ONCE|r = x->data/.test(lines[f.place.range.line - 1] ?? ''));
  assert.ok(writerFindings.length > 0, 'the writer side is reported');
  for (const f of writerFindings) assert.match(lines[f.place.range.line - 1] ?? '', /WRITE_ONCE\(x->flag, 1\)/, 'only inside publish()');
});

test('a function with more shared accesses than pairing handles is reported, not silently skipped', async () => {
  const stores = Array.from({ length: 320 }, (_, i) => `    WRITE_ONCE(x->f${i}, ${i});`).join('\n');
  const text = `struct obj { int data; int flag; };\n\nvoid huge(struct obj *x)\n{\n${stores}\n    smp_wmb();\n    WRITE_ONCE(x->flag, 1);\n}\n`;
  const a = await check({ file, text, arch: 'all' });
  assert.ok(a.problems.some((p) => /^unsupported: huge\(\) at 3:1 has 321 shared accesses/.test(p.message)), JSON.stringify(a.problems.map((p) => p.message)));
});

test('one fault per place: the fields one call reads after the flag make one finding, not one per field', async () => {
  const text = (reads: string): string => `struct obj { int a; int b; int flag; };

void publish(struct obj *x)
{
    x->a = 1;
    x->b = 2;
    smp_wmb();
    WRITE_ONCE(x->flag, 1);
}

static int sum(struct obj *o)
{
    return o->a + o->b;
}

int consume(struct obj *x)
{
    int r = 0;

    if ( READ_ONCE(x->flag) )
        ${reads}
    return r;
}
`;
  const ordering = async (reads: string): Promise<Finding[]> => (await check({ file, text: text(reads), arch: 'all' })).findings.filter((f) => ORDERING.includes(f.code));
  const inCall = await ordering('r = sum(x);');
  assert.equal(inCall.length, 1, inCall.map((f) => f.message).join('\n'));
  assert.match(inCall[0]!.message, /and 1 similar case/);
  // Two reads written on two lines are two places, each its own finding.
  const twoLines = await ordering('{\n        r = x->a;\n        r += x->b;\n    }');
  assert.equal(twoLines.length, 2, twoLines.map((f) => f.message).join('\n'));
});
