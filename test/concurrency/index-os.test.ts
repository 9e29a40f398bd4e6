// The tree index reads each file's primitives the way the analysis does: with `--os` when it
// is given, else by the file's own guess (engine/kb/index.ts guessOs). Xen's __set_bit() is an
// atomic RMW, Linux's a plain load and store; a fact learned the Linux way on a Xen tree says
// a function marks nothing that the analysis then finds marked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initCParser } from '../../engine/c/init';
import { summarizeFile } from '../../engine/pair/summary';

const text = `struct s { unsigned long flags; };
void mark(struct s *p) { __set_bit(1, &p->flags); }
`;

test('the tree index reads primitives for the code base given, else for the one the file looks like', async () => {
  const parser = await initCParser();
  const marked = (os?: 'xen' | 'linux', path = 'drivers/mark.c'): readonly string[] =>
    summarizeFile(parser, { path, text, concurrency: true, os }).concurrency!.functions[0]!.marked;
  assert.notDeepEqual(marked('xen'), [], 'Xen: __set_bit() is an atomic RMW');
  assert.deepEqual(marked('linux'), [], 'Linux: __set_bit() is non-atomic, plain');
  assert.deepEqual(marked(undefined), [], 'guessed from a path and text that say nothing of Xen: Linux');
  assert.notDeepEqual(marked(undefined, 'xen/common/mark.c'), [], 'guessed from a path under xen/: Xen');
});
