// Patch review judges what a patch changes: the pre-image and the post-image of each touched
// function against the same peer. Fixtures in fixtures/patch-review/ were written for this.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../support/paths';
import { check, only } from './helpers';

const dir = join(repoRoot, 'fixtures', 'patch-review');
const ringTree = [join(dir, 'tree', 'xen', 'common', 'ring.c')];

test('a patch that only deletes a barrier is a regression on the removed line (peer from the tree)', async () => {
  const file = join(dir, 'drop-wmb.patch');
  const a = await check({ file, tree: ringTree });
  const regs = only(a, 'ordering-regression');
  assert.equal(regs.length, 1, JSON.stringify(a.findings.map((f) => f.message)));
  const text = readFileSync(file, 'utf8').split('\n');
  assert.equal(text[regs[0]!.place.range.line - 1], '-    smp_wmb();');
  assert.match(regs[0]!.message, /removes the ordering \(smp_wmb\(\)\)/);
  assert.match(regs[0]!.message, /ARMv8/);
  assert.equal(regs[0]!.place.function, 'mailbox_post');
  // The reader in the tree is the other CPU, named as a related place in its own file.
  assert.ok(regs[0]!.related.some((r) => r.place.file?.endsWith('ring.c') && r.message.includes('mailbox_take')));
  assert.match(regs[0]!.explanation, /\| ARMv8 \| forbidden \| allowed \|/);
});

test('without the tree, the hunk that starts at `{` still gives the function, judged against the assumed reader', async () => {
  const a = await check({ file: join(dir, 'drop-wmb.patch') });
  assert.equal(only(a, 'ordering-regression').length, 1);
});

test('the reverse patch (adding the barrier) gets an information note, not a warning', async () => {
  const text = readFileSync(join(dir, 'drop-wmb.patch'), 'utf8')
    .replace('@@ -9,8 +9,6 @@', '@@ -9,6 +9,8 @@').replace(/^-(    \/\* Pairs|    smp_wmb)/gm, '+$1');
  const postTree = readFileSync(ringTree[0]!, 'utf8').replace(/ *\/\* Pairs with smp_rmb\(\) in mailbox_take\(\). \*\/\n *smp_wmb\(\);\n/, '');
  const a = await check({ file: join(dir, 'add-wmb.patch'), text, treeTexts: [{ path: 'tree/xen/common/ring.c', text: postTree }] });
  assert.deepEqual(a.findings.filter((f) => f.severity === 'warning'), []);
  const notes = only(a, 'ordering-fix');
  assert.equal(notes.length, 1);
  assert.equal(notes[0]!.severity, 'information');
  assert.match(notes[0]!.message, /forbids an outcome that was allowed/);
});
