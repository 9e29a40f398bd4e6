// Control dependencies are read off the guards (extract/deps.ts), not listed with the thread:
// the queries must say what the listing said, and only control ones may be left out of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractC } from '../../engine/extract/index';
import { dependencies, dependencyKinds, dependsOn, hasDependents } from '../../engine/extract/deps';
import type { Thread } from '../../engine/extract/types';
import { parser } from './helpers';

async function thread(code: string): Promise<Thread> {
  const res = extractC(await parser(), { text: code });
  return res.value[res.value.length - 1]!;
}

const CODE = `void f(struct s *p, int *a) {
  int i = p->idx;          /* e0 */
  int v = a[i];            /* e1: addr on e0 */
  if (p->flag) {           /* e2 */
    p->out = v;            /* e3: data on e1, ctrl on e2 */
    p->seen = 1;           /* e4: ctrl on e2 */
  }
  p->after = 2;            /* e5: nothing */
}`;

test('deps: value dependencies are listed, control ones are read off the guards', async () => {
  const t = await thread(CODE);
  assert.deepEqual(t.events.map((e) => `${e.kind} ${'loc' in e ? e.loc.text : ''}`), ['R p->idx', 'R a[i]', 'R p->flag', 'W p->out', 'W p->seen', 'W p->after']);
  assert.deepEqual(t.valueDeps.map((d) => `${d.kind} e${d.from}>e${d.to}`), ['addr e0>e1', 'data e1>e3']);
  assert.deepEqual(dependencies(t).map((d) => `${d.kind} e${d.from}>e${d.to}`), ['addr e0>e1', 'data e1>e3', 'ctrl e2>e3', 'ctrl e2>e4']);
  const [e0, e1, e2, e3, e4, e5] = t.events;
  assert.deepEqual(dependencyKinds(t, e1!, e3!), ['data']);
  assert.deepEqual(dependencyKinds(t, e2!, e3!), ['ctrl']);
  assert.deepEqual(dependencyKinds(t, e2!, e5!), []);
  assert.ok(dependsOn(t, e2!, e4!));
  assert.ok(dependsOn(t, e0!, e1!));
  assert.ok(!dependsOn(t, e0!, e3!), 'no dependency through an unrelated read');
  assert.ok(!dependsOn(t, e4!, e2!), 'never backwards');
  assert.ok(hasDependents(t, e2!) && hasDependents(t, e0!));
  assert.ok(!hasDependents(t, e5!) && !hasDependents(t, e4!));
});

test('deps: the list among some events keeps only those both ends of which are in the set', async () => {
  const t = await thread(CODE);
  assert.deepEqual(dependencies(t, new Set([1, 2, 3])).map((d) => `${d.kind} e${d.from}>e${d.to}`), ['data e1>e3', 'ctrl e2>e3']);
  assert.deepEqual(dependencies(t, new Set([0, 4])), []);
});

test('deps: a callee inlined under a branch depends on the caller\'s condition, and its own value deps come along', async () => {
  const t = await thread(`static void g(struct s *p) { int i = p->idx; p->slot[i] = 1; }
void f(struct s *p) { if (p->ready) g(p); }`);
  const read = t.events.find((e) => 'loc' in e && e.loc.text === 'p->ready')!;
  const idx = t.events.find((e) => 'loc' in e && e.loc.text === 'p->idx')!;
  const slot = t.events.find((e) => e.kind === 'W')!;
  assert.deepEqual(dependencyKinds(t, read, slot), ['ctrl']);
  assert.deepEqual(dependencyKinds(t, idx, slot), ['addr']);
  assert.ok(t.valueDeps.every((d) => d.kind === 'addr' || d.kind === 'data'));
});
