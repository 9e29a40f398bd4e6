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
  return { name, partial: false, span, params: [], events, conds: [], valueDeps: [] };
}

// Message passing: the writer stores data then flag, the reader loads flag then data.
const writer = thread('w', [access(0, 'W', 'r->data'), access(1, 'W', 'r->ready')]);
const reader = thread('r', [access(0, 'R', 'r->ready'), access(1, 'R', 'r->data')]);
const sides = [
  { thread: writer, first: writer.events[0]!, second: writer.events[1]! },
  { thread: reader, first: reader.events[0]!, second: reader.events[1]! },
] as const;

function judge(held: (t: Thread, e: Event) => string[]): string | undefined {
  return ruledOut(sides, { neverConcurrent: () => undefined, local: new LocalAccesses(), lockset: (t, e) => new Set(held(t, e)), readMode: () => false });
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

test('two readers of one rwlock do not exclude each other; a writer and a reader do', () => {
  const rw = (mode: 'read' | 'write'): Thread => thread('x', [
    { id: 0, kind: 'LOCK', lock: { text: 'd->event_lock', key: 'struct domain->event_lock', root: 'd' }, mode, span, stmt: span, srcLine: 1, text: '', guards: [], held: [], irqsOff: false } as Event,
  ]);
  const ask = (modes: ['read' | 'write', 'read' | 'write']) => {
    const [wt, rt] = [rw(modes[0]), rw(modes[1])];
    const w = thread('w', [...wt.events, { ...access(1, 'W', 'r->data') }, { ...access(2, 'W', 'r->ready') }]);
    const r = thread('r', [...rt.events, { ...access(1, 'R', 'r->ready') }, { ...access(2, 'R', 'r->data') }]);
    const s = [{ thread: w, first: w.events[1]!, second: w.events[2]! }, { thread: r, first: r.events[1]!, second: r.events[2]! }] as const;
    return ruledOut(s, { neverConcurrent: () => undefined, local: new LocalAccesses(), lockset: () => new Set(['struct domain->event_lock']), readMode: () => true });
  };
  assert.equal(ask(['read', 'read']), undefined);
  assert.match(ask(['write', 'read']) ?? '', /both sides hold struct domain->event_lock/);
  // Held on entry only (no acquisition in view): exclusive only if nobody takes it for reading.
  assert.equal(judgeEntry(true), undefined);
  assert.match(judgeEntry(false) ?? '', /both sides hold/);
});

function judgeEntry(someReader: boolean): string | undefined {
  return ruledOut(sides, { neverConcurrent: () => undefined, local: new LocalAccesses(), lockset: () => new Set(['struct ring->lock']), readMode: () => someReader });
}
