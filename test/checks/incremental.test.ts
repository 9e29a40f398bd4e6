// Re-analysis with a cache kept across edits must say exactly what a fresh analysis says: the
// same findings, fixes, notes and problems at the same positions. Each fixture goes through a
// seeded series of edits an editor would send (lines added above functions so they move, a
// barrier deleted, a line changed inside a hunk, a prose line added to a mail), and after every
// edit the cached result is compared with one computed from nothing.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { AnalysisCache } from '../../engine/analysis-cache';
import { analyzeDocument, documentKind } from '../../engine/analyze';
import { initCParser } from '../../engine/c/init';
import { extractC } from '../../engine/extract/index';
import { ParseCache } from '../../engine/extract/parse-cache';
import { prng } from '../support/prng';
import { seeds } from './helpers';

type Edit = (lines: string[], rand: () => number) => string[];

const pick = <T>(xs: readonly T[], rand: () => number): T => xs[Math.floor(rand() * xs.length)]!;

/** A blank line (C) or a prose line (mail, above the first diff) that moves everything below. */
const insertAbove: Edit = (lines, rand) => {
  const firstDiff = lines.findIndex((l) => /^(> ?)*(diff --git|--- a\/|@@ )/.test(l));
  const at = firstDiff > 0 ? Math.floor(rand() * firstDiff) : Math.floor(rand() * lines.length);
  return [...lines.slice(0, at), firstDiff > 0 ? 'One more line of explanation.' : '', ...lines.slice(at)];
};

/** Deletes the text of a barrier call (the line stays, so hunk counts stay valid). */
const dropBarrier: Edit = (lines, rand) => {
  const at = lines.map((l, i) => (/smp_(w|r)?mb\(\)|smp_store_release|smp_load_acquire/.test(l) ? i : -1)).filter((i) => i >= 0);
  if (at.length === 0) return lines;
  const i = pick(at, rand);
  return lines.map((l, k) => (k === i ? l.replace(/smp_(w|r)?mb\(\);?|smp_store_release|smp_load_acquire/, '') : l));
};

/** Renames a local store's value inside a line of code (changes one function only). */
const touchLine: Edit = (lines, rand) => {
  const at = lines.map((l, i) => (/=\s*\d+;/.test(l) ? i : -1)).filter((i) => i >= 0);
  if (at.length === 0) return lines;
  const i = pick(at, rand);
  return lines.map((l, k) => (k === i ? l.replace(/=\s*(\d+);/, (_m, n: string) => `= ${Number(n) + 1};`) : l));
};

const FIXTURES: Array<{ file: string; tree?: string[] }> = [
  { file: '000-v1-smp_mb.patch', tree: ['000-getvcpucontext-reader.c'] },
  { file: '000-v1-quoted-reply.txt' },
  { file: '001-pre-patch-gic-vgic.c' },
  { file: '001-v3-rank-vgic-lock-inversion.patch' },
  { file: '002-kvm-request-both-mb.c' },
  { file: '003-v2-set-way.patch' },
  { file: '004-dirty-ring-plain.c' },
];

for (const fx of FIXTURES) {
  test(`incremental re-analysis equals a fresh one through a series of edits: ${fx.file}`, async () => {
    const parser = await initCParser();
    const path = seeds(fx.file);
    const tree = (fx.tree ?? []).map((f) => ({ path: seeds(f), text: readFileSync(seeds(f), 'utf8') }));
    const kind = documentKind({ path });
    const cache = new AnalysisCache();
    const analyze = (text: string, c?: AnalysisCache) => analyzeDocument({ path, text, kind, parser, config: { arch: 'all' }, tree, ...(c ? { cache: c } : {}) });
    const rand = prng(fx.file.length * 7919);
    let lines = readFileSync(path, 'utf8').split('\n');
    await analyze(lines.join('\n'), cache);
    for (const edit of [insertAbove, touchLine, insertAbove, dropBarrier, insertAbove]) {
      lines = edit(lines, rand);
      const text = lines.join('\n');
      const [cached, fresh] = [await analyze(text, cache), await analyze(text)];
      assert.deepEqual(JSON.parse(JSON.stringify(cached)), JSON.parse(JSON.stringify(fresh)), `after ${edit.name}`);
    }
    // The edits left most functions as they were: their threads came from the cache.
    assert.ok(cache.parses.threadHits > 0, 'no thread was reused');
  });
}

test('a function that moved is reused with its positions shifted, and equals a fresh extraction', async () => {
  const parser = await initCParser();
  const text = readFileSync(seeds('001-pre-patch-gic-vgic.c'), 'utf8');
  const cache = new ParseCache();
  extractC(parser, { text, cache });
  const moved = '\n\n\n' + text;
  const before = cache.threadHits;
  const again = extractC(parser, { text: moved, cache });
  const fresh = extractC(parser, { text: moved });
  assert.deepEqual(again, fresh);
  assert.equal(cache.threadHits - before, fresh.value.length, 'every function should come from the cache');
});

test('a caller is extracted again when the body of a callee it summarized changes', async () => {
  const parser = await initCParser();
  const callee = (body: string) => `static void publish(struct vcpu *v)\n{\n${body}}\n\nvoid caller(struct vcpu *v)\n{\n    v->data = 1;\n    publish(v);\n}\n`;
  const cache = new ParseCache();
  const first = extractC(parser, { text: callee('    WRITE_ONCE(v->flag, 1);\n'), cache }).value.find((t) => t.name === 'caller')!;
  const changed = callee('    smp_wmb();\n    WRITE_ONCE(v->flag, 1);\n');
  const second = extractC(parser, { text: changed, cache }).value.find((t) => t.name === 'caller')!;
  assert.deepEqual(second, extractC(parser, { text: changed }).value.find((t) => t.name === 'caller'));
  assert.ok(second.events.some((e) => e.kind === 'F') && !first.events.some((e) => e.kind === 'F'), 'the new fence inside publish() reaches the caller');
});
