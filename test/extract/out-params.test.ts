// Out-parameters: what a function writes through `uint32_t *status` is its caller's variable.
// Two functions' integer pointer parameters are not one location because they share a type
// (or a name), and a callee inlined with `&local` writes the caller's own stack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractC } from '../../engine/extract/index';
import { sameLoc } from '../../engine/pair/peers';
import type { Event, Thread } from '../../engine/extract/types';
import { parser } from './helpers';

async function threads(code: string): Promise<Thread[]> {
  return (await extractC(await parser(), { text: code, profile: { os: 'xen' } })).value;
}

function access(ts: Thread[], fn: string, kind: 'R' | 'W', text: string): Event & { kind: 'R' | 'W' } {
  const e = ts.find((t) => t.name === fn)?.events.find((x) => x.kind === kind && x.loc.text === text);
  assert.ok(e, `${fn}() ${kind} ${text}`);
  return e as Event & { kind: 'R' | 'W' };
}

const code = `
struct page { unsigned long count; };
int page_offline(struct page *pg, uint32_t *status)
{
    *status = 1;
    pg->count = 0;
    return 0;
}
int page_online(struct page *pg, uint32_t *status)
{
    *status = 2;
    return pg->count;
}
void count_up(unsigned long *counter)
{
    (*counter)++;
}
int sysctl(struct page *pg)
{
    uint32_t st;
    unsigned long n = 0;
    page_offline(pg, &st);
    count_up(&n);
    return st;
}
int sysctl_shared(struct page *pg, struct page *other)
{
    page_offline(pg, &other->count);
    return 0;
}
`;

test('integer pointer parameters of two functions are two locations, whatever their type and name', async () => {
  const ts = await threads(code);
  const a = access(ts, 'page_offline', 'W', '*status');
  const b = access(ts, 'page_online', 'W', '*status');
  assert.equal(sameLoc(a.loc, b.loc), false);
  // Struct fields through pointer parameters still match by type.
  assert.equal(sameLoc(access(ts, 'page_offline', 'W', 'pg->count').loc, access(ts, 'page_online', 'R', 'pg->count').loc), true);
});

test('a pointer-to-pointer parameter is an out-parameter too: `*out` is not every `struct page *` object', async () => {
  const ts = await threads(`
struct page { unsigned long count; };
void pick(struct page **out, struct page *pg) { *out = pg; }
void set(struct page *pg, struct page *v) { *pg = *v; }
`);
  assert.equal(sameLoc(access(ts, 'pick', 'W', '*out').loc, access(ts, 'set', 'W', '*pg').loc), false);
});

test('a callee inlined with `&local` writes the caller\'s stack: a CPU-local location', async () => {
  const ts = await threads(code);
  const sys = ts.find((t) => t.name === 'sysctl')!;
  const viaOffline = sys.events.find((e) => e.kind === 'W' && e.via?.some((v) => v.callee === 'page_offline') && e.loc.text === 'st');
  assert.ok(viaOffline, JSON.stringify(sys.events.map((e) => ('loc' in e ? e.loc.text : e.kind))));
  assert.equal(viaOffline.kind === 'W' && viaOffline.loc.cpuLocal, true);
  assert.ok(sys.events.filter((e) => e.via?.some((v) => v.callee === 'count_up') && 'loc' in e).every((e) => 'loc' in e && e.loc.cpuLocal));
  // Through a pointer into shared memory the same store is shared, keyed as the caller's field.
  const shared = ts.find((t) => t.name === 'sysctl_shared')!.events.find((e) => e.kind === 'W' && e.via?.some((v) => v.callee === 'page_offline') && e.loc.text === 'other->count');
  assert.ok(shared && shared.kind === 'W');
  assert.ok(!shared.loc.cpuLocal);
  assert.equal(sameLoc(shared.loc, access(ts, 'page_online', 'R', 'pg->count').loc), true);
});
