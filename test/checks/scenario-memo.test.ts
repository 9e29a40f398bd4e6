// Warm re-checks reuse the scenarios of unchanged functions (pair/scenario-memo.ts), and only
// those: a change to the code or to the lines a patch adds pairs again.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { AnalysisCache } from '../../engine/analysis-cache';
import { analyzeDocument } from '../../engine/analyze';
import { initCParser } from '../../engine/c/init';
import { repoRoot } from '../support/paths';

const dir = join(repoRoot, 'fixtures', 'patch-review');
const treeFile = join(dir, 'tree', 'xen', 'common', 'ring.c');

test('a warm re-check reuses the scenarios and reports the same; an edit to the code pairs again', async () => {
  const parser = await initCParser();
  const cache = new AnalysisCache();
  const tree = [{ path: treeFile, text: readFileSync(treeFile, 'utf8') }];
  const text = readFileSync(join(dir, 'drop-wmb.patch'), 'utf8');
  const run = (t: string) => analyzeDocument({ path: 'drop-wmb.patch', text: t, kind: 'patch', parser, cache, config: { arch: 'all', os: 'xen' }, tree });
  const summary = (a: Awaited<ReturnType<typeof run>>) => a.findings.map((f) => `${f.code}@${f.place.range.line}:${f.severity}`).sort();
  const first = await run(text);
  const hits = cache.stats().scenarios.hits;
  const again = await run(text.replace(/^Subject: (.*)$/m, 'Subject: $1 (v2)'));
  assert.ok(cache.stats().scenarios.hits > hits, 'the second analysis reused the scenarios');
  assert.deepEqual(summary(again), summary(first));
  assert.ok(first.findings.some((f) => f.code === 'ordering-regression'));
  // Keep the barrier (turn the removed lines into context): nothing is regressed any more.
  const kept = text.replace(/^-(    \/\* Pairs|    smp_wmb)/gm, ' $1').replace('@@ -9,8 +9,6 @@', '@@ -9,8 +9,8 @@');
  const after = await run(kept);
  assert.deepEqual(after.findings.filter((f) => f.code === 'ordering-regression'), []);
});

test('a function newly used as a value is re-paired: the kept scenarios follow the view, not only the threads', async () => {
  const parser = await initCParser();
  const cache = new AnalysisCache();
  const code = `struct priv { spinlock_t lock; int a; int b; };
static void set_both(struct priv *p) { WRITE_ONCE(p->a, 1); WRITE_ONCE(p->b, 1); }
void update(struct priv *p) { spin_lock(&p->lock); set_both(p); spin_unlock(&p->lock); }
void reader(struct priv *p, int *out) { int x, y; spin_lock(&p->lock); x = READ_ONCE(p->b); y = READ_ONCE(p->a); spin_unlock(&p->lock); *out = x + y; }
`;
  const run = (t: string) => analyzeDocument({ path: 'priv.c', text: t, kind: 'c', parser, cache, config: { arch: 'all', os: 'xen' } });
  const warns = (a: Awaited<ReturnType<typeof run>>) => a.findings.filter((f) => f.severity === 'warning' && f.place.function === 'set_both');
  const ops = (fn: string) => `${code}struct priv_ops { void (*fn)(struct priv *); } ops = { .fn = ${fn} };\n`;
  // Every caller of the static helper holds p->lock, as the reader does: nothing to report.
  assert.deepEqual(warns(await run(ops('NULL'))), []);
  // The same functions and globals, unchanged, but set_both() is now also reachable through a pointer.
  const escaped = await run(ops('set_both'));
  assert.notDeepEqual(warns(escaped), [], JSON.stringify(escaped.findings.map((f) => f.message)));
});
