// Two updaters of a pointer published to RCU readers exclude one another by their own lock
// (RCU orders updaters against readers only): a cycle between them is not a barrier question.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkFixtureTree } from './helpers';

const tree = (shrinkWrites: boolean): string => `struct root { int height; void *rnode; };
void tree_insert(struct root *r, void *n)
{
    r->height = 1;
    rcu_assign_pointer(r->rnode, n);
}
void tree_shrink(struct root *r)
{
    void *p = r->rnode;
    if (p && r->height > 0) {
${shrinkWrites ? '        r->rnode = NULL;\n' : ''}        r->height = 0;
    }
}
`;

test('RCU updaters: insert and shrink both update the published pointer', async () => {
  const r = await checkFixtureTree({ 'tree.c': tree(true) });
  assert.deepEqual(r.warnings, []);
  assert.ok((r.excluded['rcu-updaters'] ?? 0) > 0, JSON.stringify(r));
});

test('control: a side that only reads the published pointer is a reader, and its warning stays', async () => {
  const r = await checkFixtureTree({ 'tree.c': tree(false) });
  assert.notDeepEqual(r.warnings, [], JSON.stringify(r));
});
