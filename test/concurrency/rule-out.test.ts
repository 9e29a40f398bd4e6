// rule-out.ts on hand-built sides: which lock keys name a lock, and the edge rule on its own
// (what the simulator never sees: locks held on entry, known only from the callers).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Event, Thread } from '../../engine/extract/types';
import { LocalAccesses } from '../../engine/concurrency/local';
import { namesALock, ruledOut } from '../../engine/concurrency/rule-out';

const span = { line: 1, col: 1, endLine: 1, endCol: 2 };

function access(id: number, kind: 'R' | 'W', text: string): Event {
  return { id, kind, loc: { text, key: text, root: text.split('->')[0]! }, annot: 'plain', span, stmt: span, srcLine: 1, text, guards: [], held: [], irqsOff: false } as Event;
}

function thread(name: string, events: Event[]): Thread {
  return { name, partial: false, span, params: [], events, conds: [], deps: [] };
}

// Message passing: the writer stores data then flag, the reader loads flag then data.
const writer = thread('w', [access(0, 'W', 'r->data'), access(1, 'W', 'r->ready')]);
const reader = thread('r', [access(0, 'R', 'r->ready'), access(1, 'R', 'r->data')]);
const sides = [
  { thread: writer, first: writer.events[0]!, second: writer.events[1]! },
  { thread: reader, first: reader.events[0]!, second: reader.events[1]! },
] as const;

function judge(held: (t: Thread, e: Event) => string[]): string | undefined {
  return ruledOut(sides, { neverConcurrent: () => undefined, local: new LocalAccesses(), lockset: (t, e) => new Set(held(t, e)) });
}

test('a lock held where the two sides meet (the flag) rules the cycle out; at the data alone too', () => {
  assert.match(judge((t, e) => (e.id === (t === writer ? 1 : 0) ? ['struct ring->lock'] : [])) ?? '', /both sides hold struct ring->lock where they meet/);
  assert.match(judge((t, e) => (e.id === (t === writer ? 0 : 1) ? ['struct ring->lock'] : [])) ?? '', /both sides hold/);
  // Held by each side, but never at both ends of one meeting: the writer at its data store, the
  // reader at its flag load.
  assert.equal(judge((t, e) => (e.id === 0 ? ['struct ring->lock'] : [])), undefined);
});

test('keys that name no lock order nothing: a pointer known only by a scalar or lock type', () => {
  for (const k of ['*unsigned int', '*int', '*spinlock_t', '*rwlock_t']) {
    assert.equal(namesALock(k), false, k);
    assert.equal(judge(() => [k]), undefined, k);
  }
  for (const k of ['struct domain->event_lock', '*struct sched_unit', 'heap_lock']) assert.equal(namesALock(k), true, k);
});
