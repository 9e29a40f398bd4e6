// Whole-tree mode's deal of documents to workers (engine/cli/tree-schedule.ts): each worker
// walks its own stretch of the tree in path order, then takes from the back of the fullest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TreeSchedule } from '../../engine/cli/tree-schedule';

const drain = (s: TreeSchedule, order: number[]): string[][] => {
  const got: string[][] = order.map(() => []);
  for (let busy = true; busy;) {
    busy = false;
    for (const w of order) {
      const d = s.next(w);
      if (d !== undefined) { got[w]!.push(d); busy = true; }
    }
  }
  return got;
};

test('each worker starts on its own stretch, in path order, and every document is dealt once', () => {
  const docs = ['a/1.c', 'a/2.c', 'a/3.c', 'b/1.c', 'b/2.c', 'b/3.c'];
  const s = new TreeSchedule(docs, 2, () => 10);
  assert.equal(s.next(0), 'a/1.c');
  assert.equal(s.next(1), 'b/1.c');
  const rest = drain(s, [0, 1]);
  assert.deepEqual(rest, [['a/2.c', 'a/3.c'], ['b/2.c', 'b/3.c']]);
  assert.equal(s.next(0), undefined);
});

test('a worker done with its stretch takes from the back of the one with the most work left', () => {
  // A large file at the front (stretches: a, b | c to f): worker 0 is busy with it while worker 1 finishes its stretch
  // and then takes worker 0's documents from the back.
  const docs = ['a.c', 'b.c', 'c.c', 'd.c', 'e.c', 'f.c'];
  const cost = (d: string): number => (d === 'a.c' ? 30 : 10);
  const s = new TreeSchedule(docs, 2, cost);
  assert.equal(s.next(0), 'a.c');
  const taken: string[] = [];
  for (let d = s.next(1); d !== undefined; d = s.next(1)) taken.push(d);
  assert.deepEqual(taken, ['c.c', 'd.c', 'e.c', 'f.c', 'b.c']);
  assert.equal(s.next(0), undefined);
});

test('more workers than documents, and no documents', () => {
  const s = new TreeSchedule(['x.c'], 3, () => 1);
  assert.deepEqual(drain(s, [0, 1, 2]).flat(), ['x.c']);
  assert.equal(new TreeSchedule([], 2, () => 1).next(0), undefined);
});
