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

// The cycle meets at fields other than the published pointer: the insert stores the height and
// then publishes a slot, the shrink reads the slot and then the height. What makes both of them
// updaters is that each also writes the root pointer, one with rcu_assign_pointer().
const meetsElsewhere = (shrinkMovesRoot: boolean): string => `struct node { void *slots[4]; int count; };
struct root { int height; void *rnode; };
void tree_insert(struct root *r, struct node *n, void *item)
{
    r->height = 1;
    rcu_assign_pointer(n->slots[0], item);
    rcu_assign_pointer(r->rnode, n);
}
void tree_shrink(struct root *r, struct node *n)
{
    void *p = n->slots[0];
    if (p && r->height > 0) {
${shrinkMovesRoot ? '        r->rnode = p;\n' : ''}        n->count = 0;
    }
}
`;

test('RCU updaters: both update the published root, though the cycle meets at a slot and the height', async () => {
  const r = await checkFixtureTree({ 'tree.c': meetsElsewhere(true) });
  assert.deepEqual(r.warnings, []);
  assert.ok((r.excluded['rcu-updaters'] ?? 0) > 0, JSON.stringify(r));
});

test('control: without the root update the shrink side is a reader of the slot, and its warning stays', async () => {
  const r = await checkFixtureTree({ 'tree.c': meetsElsewhere(false) });
  assert.notDeepEqual(r.warnings, [], JSON.stringify(r));
});
