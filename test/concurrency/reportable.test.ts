// Whole-tree mode makes threads only of a document's functions that can take part in a finding
// (TreePeers.reportable(), read from the index); the others are walked only where a caller
// inlines them. What the whole file's extraction reported is still reported, from the index.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initCParser } from '../../engine/c/init';
import { treeFacts } from '../../engine/cli/tree-check';
import { ConcurrencyModel, TreePeers } from '../../engine/concurrency/index';
import { summarizeFile } from '../../engine/pair/summary';
import { checkFixtureTree } from './helpers';

const RING = `struct ring { int data; int ready; };
struct stats { int hits; int misses; };
void ring_publish(struct ring *r)
{
    r->data = 1;
    smp_wmb();
    r->ready = 1;
}
int ring_peek(struct ring *r)
{
    if (r->ready)
        return r->data;
    return 0;
}
static void note_miss(struct stats *s)
{
    s->misses = s->misses + 1;
    asm volatile("nop");
}
void count(struct stats *s, int hit)
{
    if (hit)
        s->hits = s->hits + 1;
    else
        note_miss(s);
}
`;

const STATS = `struct stats { int hits; int misses; };
void reset_stats(struct stats *s)
{
    s->hits = 0;
    s->misses = 0;
}
`;

test('only functions with evidence of their own or a peer that can form a reportable cycle are reportable', async () => {
  const parser = await initCParser();
  const summaries = [
    summarizeFile(parser, { path: 'ring.c', text: RING, concurrency: true, os: 'xen' }),
    summarizeFile(parser, { path: 'stats.c', text: STATS, concurrency: true, os: 'xen' }),
  ];
  const peers = new TreePeers(summaries, new ConcurrencyModel(treeFacts(summaries)));
  // ring_publish orders its stores; ring_peek shares both ring fields with it. The stats
  // functions share two fields with reset_stats, but none of the three shows lockless intent.
  assert.deepEqual([...peers.reportable(summaries[0]!)!].sort(), ['ring_peek', 'ring_publish']);
  assert.deepEqual([...peers.reportable(summaries[1]!)!], []);
  // Made lockless on purpose (a marked store), count() becomes reportable: it shares both
  // fields with reset_stats() (note_miss() inlined). note_miss() alone shares one, too few.
  const marked = summarizeFile(parser, { path: 'stats.c', text: STATS.replace('s->hits = 0;', 'WRITE_ONCE(s->hits, 0);'), concurrency: true, os: 'xen' });
  const withMarked = new TreePeers([summaries[0]!, marked], new ConcurrencyModel(treeFacts([summaries[0]!, marked])));
  assert.deepEqual([...withMarked.reportable(summaries[0]!)!].sort(), ['count', 'ring_peek', 'ring_publish']);
  // Without the index's facts nothing is left out.
  assert.equal(peers.reportable({ ...summaries[0]!, concurrency: undefined }), undefined);
});

test('a document checked whole-tree keeps its findings and every problem of its extraction', async () => {
  const r = await checkFixtureTree({ 'ring.c': RING, 'stats.c': STATS });
  // The reader misses its read barrier (Arm only for Xen): found between the two reportable functions.
  assert.deepEqual(r.warnings, ['arch-specific-ordering@ring.c:12']);
  // note_miss() is no thread of the analysis, yet its inline asm is still stated.
  assert.ok(r.problems.some((p) => /^ring\.c:18: unsupported: inline asm/.test(p)), JSON.stringify(r.problems));
});
