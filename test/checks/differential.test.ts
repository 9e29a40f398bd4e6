// Patch review judges what a patch changes: the pre-image and the post-image of each touched
// function against the same peer. Fixtures in fixtures/patch-review/ were written for this.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../support/paths';
import { check, onePatch, only } from './helpers';

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

test('new code that publishes with plain accesses is judged, as one finding for both sides', async () => {
  const a = await check({ file: join(dir, 'new-plain-publication.patch') });
  const serious = a.findings.filter((f) => f.severity === 'warning');
  assert.equal(serious.length, 1, JSON.stringify(serious.map((f) => f.message)));
  assert.equal(serious[0]!.place.function, 'vdev_submit');
  assert.match(serious[0]!.message, /allowed on ARMv8/);
  // The reader's half of the same fault is related, not a second warning.
  assert.ok(serious[0]!.related.some((r) => r.message.startsWith('the other side of the same fault')));
});

test('a patch shown twice gives each finding once, the copy related', async () => {
  const once = readFileSync(join(dir, 'new-plain-publication.patch'), 'utf8');
  const a = await check({ file: join(dir, 'twice.mbox'), text: `${once}\n${once}` });
  const serious = a.findings.filter((f) => f.severity === 'warning');
  assert.equal(serious.length, 1, JSON.stringify(serious.map((f) => [f.place.range.line, f.message])));
  // The second copy's lines are still reachable from the one finding.
  const firstCopyLines = once.split('\n').length;
  assert.ok(serious[0]!.related.some((r) => r.place.range.line > firstCopyLines), JSON.stringify(serious[0]!.related));
});

test('every touched function is listed as judged or not, with the reason', async () => {
  const a = await check({ file: join(dir, 'drop-wmb.patch') });
  assert.deepEqual(a.functions?.map((f) => [f.function, f.judged]), [['mailbox_post', true]]);
  const lonely = await check({ file: join(dir, 'lonely.patch'), text: readFileSync(join(dir, 'new-plain-publication.patch'), 'utf8').replace(/\+unsigned long vdev_poll[\s\S]*?\+}\n/, '') });
  const submit = lonely.functions?.find((f) => f.function === 'vdev_submit');
  assert.equal(submit?.judged, false);
  assert.match(submit?.reason ?? '', /no peer in view for `req->/);
});

test('a marked access made plain while the peer writes it is a regression on the `-` line', async () => {
  const file = join(dir, 'drop-read-atomic.patch');
  const a = await check({ file, tree: ringTree });
  const [reg] = only(a, 'ordering-regression');
  assert.ok(reg, JSON.stringify(a.findings.map((f) => f.message)));
  assert.equal(readFileSync(file, 'utf8').split('\n')[reg.place.range.line - 1], '-    if ( !read_atomic(&mb->ready) )');
  assert.match(reg.message, /plain access while mailbox_post\(\) accesses `mb->ready` concurrently/);
});

test('a function of the patched file that the patch does not touch is a peer, never reported', async () => {
  // The reader in the tree lost its smp_rmb() long ago; the patch only reorders an addition in the writer.
  const file = join(dir, 'rename.patch');
  const a = await check({ file, tree: [join(dir, 'tree-no-rmb', 'xen', 'common', 'ring.c')] });
  assert.deepEqual(a.findings.filter((f) => f.severity === 'warning').map((f) => f.message), []);
  assert.deepEqual(a.functions?.map((f) => f.function), ['mailbox_post']);
  assert.deepEqual(a.problems.filter((p) => /does not match/.test(p.message)), []);
});

test('a marked access made plain is a regression even with no peer in view', async () => {
  const a = await check({ file: join(dir, 'drop-read-atomic.patch') });
  const regs = only(a, 'ordering-regression');
  assert.equal(regs.length, 1, JSON.stringify(regs.map((f) => f.message)));
  assert.match(regs[0]!.message, /a plain load of `mb->ready`/);
  assert.match(regs[0]!.message, /No code of the other side is in view/);
});

test('calls the patch adds do not make the callees\' plain accesses new code: no new-code finding', async () => {
  const tree = [
    'struct vdev_req {',
    '    unsigned long addr;',
    '    int state;',
    '};',
    '',
    'static void vdev_set_addr(struct vdev_req *req, unsigned long addr)',
    '{',
    '    req->addr = addr;',
    '}',
    'static void vdev_set_ready(struct vdev_req *req)',
    '{',
    '    req->state = 1;',
    '}',
    '',
    'unsigned long vdev_poll(struct vdev_req *req)',
    '{',
    '    if ( req->state != 1 )',
    '        return 0;',
    '    return req->addr;',
    '}',
    '',
    'void vdev_kick(struct vdev_req *req, unsigned long addr)',
    '{',
    '    notify(req);',
    '}',
    '',
  ].join('\n');
  const patch = (added: string[]): string => onePatch('xen/drivers/vdev.c', 22, [
    ' void vdev_kick(struct vdev_req *req, unsigned long addr)',
    ' {',
    ...added.map((l) => `+${l}`),
    '     notify(req);',
    ' }',
  ], 'unsigned long vdev_poll(struct vdev_req *req)');
  const treeTexts = [{ path: 'xen/drivers/vdev.c', text: tree }];
  const viaCall = await check({ file: 'call.patch', text: patch(['    vdev_set_addr(req, addr);', '    vdev_set_ready(req);']), treeTexts });
  assert.deepEqual(viaCall.findings.filter((f) => f.severity === 'warning').map((f) => f.message), []);
  // The same two stores written by the patch itself are new code, judged against the reader.
  const direct = await check({ file: 'direct.patch', text: patch(['    req->addr = addr;', '    req->state = 1;']), treeTexts });
  assert.ok(direct.findings.some((f) => f.severity === 'warning' && f.place.function === 'vdev_kick'), JSON.stringify(direct.findings.map((f) => f.message)));
});

test('a race the patch leaves as it was is information on the patch, a warning on the file', async () => {
  const treeFile = join(dir, 'tree-no-rmb', 'xen', 'common', 'ring.c');
  const tree = readFileSync(treeFile, 'utf8');
  // The patch renames a local of the reader: the missing smp_rmb() was missing before it too.
  const patch = onePatch('xen/common/ring.c', 18, [
    ' {',
    '-    unsigned long v;',
    '+    unsigned long val;',
    ' ',
    '     if ( !read_atomic(&mb->ready) )',
    '         return 0;',
    '-    v = mb->payload;',
    '-    return v;',
    '+    val = mb->payload;',
    '+    return val;',
    ' }',
  ], 'void mailbox_post(struct mailbox *mb, unsigned long v)');
  assert.equal(tree.split('\n')[17], '{', 'the hunk starts at the reader\'s opening brace');
  const onFile = await check({ file: treeFile });
  assert.ok(onFile.findings.some((f) => f.severity === 'warning' && f.place.function === 'mailbox_take'), 'the file itself has the race');
  const a = await check({ file: 'rename.patch', text: patch, treeTexts: [{ path: 'tree/xen/common/ring.c', text: tree }] });
  assert.deepEqual(a.findings.filter((f) => f.severity === 'warning').map((f) => f.message), []);
  const kept = a.findings.filter((f) => f.place.function === 'mailbox_take' && f.severity === 'information');
  assert.ok(kept.some((f) => f.message.startsWith('Not introduced by this patch')), JSON.stringify(a.findings.map((f) => f.message)));
});

test('an atomic bitop made non-atomic (set_bit → __set_bit) is a regression, on the architectures where it is', async () => {
  const tree = [
    'struct vcpu { unsigned long pause_flags; };',
    '',
    'void vcpu_mark(struct vcpu *v, unsigned int bit)',
    '{',
    '    set_bit(bit, &v->pause_flags);',
    '}',
    '',
  ].join('\n');
  const patch = (from: string, to: string): string => onePatch('xen/common/flags.c', 3, [
    ' void vcpu_mark(struct vcpu *v, unsigned int bit)',
    ' {',
    `-    ${from}(bit, &v->pause_flags);`,
    `+    ${to}(bit, &v->pause_flags);`,
    ' }',
  ], 'struct vcpu { unsigned long pause_flags; };');
  const weakened = await check({ file: 'weaken.patch', text: patch('set_bit', '__set_bit'), treeTexts: [{ path: 'xen/common/flags.c', text: tree }], os: 'xen' });
  const regs = only(weakened, 'ordering-regression');
  assert.equal(regs.length, 1, JSON.stringify(weakened.findings.map((f) => f.message)));
  assert.match(regs[0]!.message, /`__set_bit\(\)`, a plain load and store on x86:/);
  assert.doesNotMatch(regs[0]!.message, /arm64/, 'Xen\'s __set_bit() is the atomic one on Arm');
  assert.equal(regs[0]!.place.range.line, 8, 'on the + line that brings the non-atomic form');
  const strengthened = await check({
    file: 'strengthen.patch', text: patch('__set_bit', 'set_bit'),
    treeTexts: [{ path: 'xen/common/flags.c', text: tree.replace('set_bit(', '__set_bit(') }], os: 'xen',
  });
  assert.deepEqual(only(strengthened, 'ordering-regression'), []);
  // Boot-time code (`__init`) runs before other CPUs share the word: relaxing it is no regression.
  const boot = (t: string): string => t.replace('void vcpu_mark(', 'void __init vcpu_mark(');
  const atBoot = await check({ file: 'boot.patch', text: boot(patch('set_bit', '__set_bit')), treeTexts: [{ path: 'xen/common/flags.c', text: boot(tree) }], os: 'xen' });
  assert.deepEqual(only(atBoot, 'ordering-regression'), []);
});

test('an entry stored only with write_atomic() before the patch and field by field after it is a regression', async () => {
  const tree = [
    'typedef union { struct { unsigned long mfn; unsigned int r; }; unsigned long raw; } pte_t;',
    '',
    'static void fill_entry(pte_t *e, unsigned long mfn)',
    '{',
    '    e->raw = 0;',
    '    e->mfn = mfn;',
    '    e->r = 1;',
    '}',
    '',
    'void install(pte_t *slot, unsigned long mfn)',
    '{',
    '    pte_t e;',
    '',
    '    fill_entry(&e, mfn);',
    '    write_atomic(&slot->raw, e.raw);',
    '}',
    '',
  ].join('\n');
  const patch = onePatch('xen/arch/x86/pt.c', 11, [
    ' {',
    '-    pte_t e;',
    '-',
    '-    fill_entry(&e, mfn);',
    '-    write_atomic(&slot->raw, e.raw);',
    '+    fill_entry(slot, mfn);',
    ' }',
  ], 'void install(pte_t *slot, unsigned long mfn)');
  const a = await check({ file: 'inplace.patch', text: patch, treeTexts: [{ path: 'xen/arch/x86/pt.c', text: tree }], os: 'xen' });
  const regs = only(a, 'ordering-regression').filter((f) => f.place.function === 'install');
  assert.equal(regs.length, 1, JSON.stringify(a.findings.map((f) => f.message)));
  assert.match(regs[0]!.message, /stores `slot->raw` with a plain store, in fill_entry\(\).* only with write_atomic\(\)/);
});

test('a primitive replaced by a weaker one on the same arguments (readl → readl_relaxed) is a regression naming what is lost', async () => {
  const tree = [
    'struct queue { void *prod_reg; unsigned int prod; };',
    '',
    'unsigned int queue_prod(struct queue *q)',
    '{',
    '    return readl(q->prod_reg);',
    '}',
    '',
  ].join('\n');
  const patch = (from: string, to: string): string => onePatch('xen/drivers/q.c', 3, [
    ' unsigned int queue_prod(struct queue *q)',
    ' {',
    `-    return ${from}(q->prod_reg);`,
    `+    return ${to}(q->prod_reg);`,
    ' }',
  ], 'struct queue { void *prod_reg; unsigned int prod; };');
  const relaxed = await check({ file: 'relax.patch', text: patch('readl', 'readl_relaxed'), treeTexts: [{ path: 'xen/drivers/q.c', text: tree }], os: 'xen' });
  const regs = only(relaxed, 'ordering-regression');
  assert.equal(regs.length, 1, JSON.stringify(relaxed.findings.map((f) => f.message)));
  assert.match(regs[0]!.message, /replaces `readl\(\)` .* by `readl_relaxed\(\)`, which drops the rmb barrier/);
  const back = await check({ file: 'back.patch', text: patch('readl_relaxed', 'readl'), treeTexts: [{ path: 'xen/drivers/q.c', text: tree.replace('readl(', 'readl_relaxed(') }], os: 'xen' });
  assert.deepEqual(only(back, 'ordering-regression'), []);
});

test('a check between marking itself blocked and sleeping that the patch removes is a lost wake-up; a check before the mark is not', async () => {
  const tree = [
    'long poll_once(struct vcpu *v, unsigned int n)',
    '{',
    '    if ( n > 128 )',
    '        return -EINVAL;',
    '    set_bit(_VPF_blocked, &v->pause_flags);',
    '    if ( work_pending(v) )',
    '        goto out;',
    '    raise_softirq(SCHEDULE_SOFTIRQ);',
    '    return 0;',
    ' out:',
    '    clear_bit(_VPF_blocked, &v->pause_flags);',
    '    return 0;',
    '}',
    '',
  ].join('\n');
  const drop = (lines: number[]): string => {
    const src = tree.split('\n');
    return onePatch('xen/common/poll.c', 1, src.slice(0, 13).map((l, i) => (lines.includes(i + 1) ? `-${l}` : ` ${l}`)));
  };
  const treeTexts = [{ path: 'xen/common/poll.c', text: tree }];
  const wake = await check({ file: 'wake.patch', text: drop([6, 7]), treeTexts, os: 'xen' });
  const lost = only(wake, 'lost-wakeup');
  assert.equal(lost.length, 1, JSON.stringify(wake.findings.map((f) => f.message)));
  assert.match(lost[0]!.message, /removes the check `work_pending\(v\)` that poll_once\(\) makes after it marks itself blocked/);
  assert.equal(lost[0]!.place.range.line, 10, 'on the removed `if` line');
  const validation = await check({ file: 'validation.patch', text: drop([3, 4]), treeTexts, os: 'xen' });
  assert.deepEqual(only(validation, 'lost-wakeup'), []);
});

test('the full fence before an x2APIC ICR write, removed by a patch to the IPI driver, is a regression', async () => {
  const tree = [
    'void send_ipi_mask(const cpumask_t *mask, int vector)',
    '{',
    '    unsigned int cpu;',
    '',
    '    smp_mb();',
    '    for_each_cpu ( cpu, mask )',
    '        apic_wrmsr(APIC_ICR, vector);',
    '}',
    '',
  ].join('\n');
  const body = tree.split('\n').slice(0, 8);
  const patch = (drop: number[]): string => onePatch('xen/arch/x86/genapic/x2apic.c', 1, body.map((l, i) => (drop.includes(i + 1) ? `-${l}` : ` ${l}`)));
  const treeTexts = [{ path: 'xen/arch/x86/genapic/x2apic.c', text: tree }];
  const removed = await check({ file: 'nofence.patch', text: patch([5]), treeTexts, os: 'xen' });
  const regs = only(removed, 'ordering-regression');
  assert.equal(regs.length, 1, JSON.stringify(removed.findings.map((f) => f.message)));
  assert.match(regs[0]!.message, /removes `smp_mb\(\)` \(smp_mb\) before the x2APIC ICR write in send_ipi_mask\(\)/);
  assert.equal(regs[0]!.place.range.line, 9, 'on the removed line');
  // A patch that keeps the fence (here: drops an unrelated blank line) is quiet.
  const kept = await check({ file: 'keep.patch', text: patch([4]), treeTexts, os: 'xen' });
  assert.deepEqual(only(kept, 'ordering-regression'), []);
});

test('an accessor call (a helper that is one READ_ONCE) replaced by a plain read is a regression; keeping the accessor is not', async () => {
  // Two hunks: the accessor's definition is removed in one, its use in the function in the other.
  const accessor = ['static inline unsigned long slot_read(unsigned long *slot)', '{', '    return READ_ONCE(*slot);', '}', ''];
  const body = (read: string, later: string): string[] => [
    'int walk(struct table *t, unsigned long *slot)',
    '{',
    `    unsigned long v = ${read};`,
    '    if (v & 1)',
    `        t->hits = ${later};`,
    '    return 0;',
    '}',
  ];
  const patchText = (was: string[], now: string[]): string => {
    const lines = [...accessor.map((l) => ` ${l}`)];
    for (let i = 0; i < was.length; i++) lines.push(...(was[i] === now[i] ? [` ${was[i]}`] : [`-${was[i]}`, `+${now[i]}`]));
    return onePatch('arch/arm64/kvm/walk.c', 10, lines);
  };
  const made = await check({ file: 'plain.patch', text: patchText(body('slot_read(slot)', 'v'), body('*slot', '*slot')), os: 'linux' });
  const regs = only(made, 'ordering-regression');
  assert.equal(regs.length, 1, JSON.stringify(made.findings.map((f) => f.message)));
  assert.match(regs[0]!.message, /makes `slot_read\(slot\)` \(READ_ONCE\(\) in slot_read\(\)\) a plain load of `\*slot`/);
  // The accessor is still called: the later plain read of `*slot` is a second read, not the first one rewritten.
  const kept = await check({ file: 'kept.patch', text: patchText(body('slot_read(slot)', 'v'), body('slot_read(slot)', '*slot')), os: 'linux' });
  assert.deepEqual(only(kept, 'ordering-regression'), [], JSON.stringify(kept.findings.map((f) => f.message)));
  // The other direction (plain read made the accessor) is no regression.
  const fixed = await check({ file: 'fixed.patch', text: patchText(body('*slot', '*slot'), body('slot_read(slot)', 'v')), os: 'linux' });
  assert.deepEqual(only(fixed, 'ordering-regression'), []);
});

test('a function changed in two hunks: each hunk\'s fragment is judged against its own other image', async () => {
  // The barrier goes in the first hunk; the second hunk, further down the same function, only
  // renames a local. Pairing the first fragment with the second one's image would lose it.
  const text = [
    'diff --git a/xen/common/ring.c b/xen/common/ring.c',
    '--- a/xen/common/ring.c',
    '+++ b/xen/common/ring.c',
    '@@ -9,7 +9,6 @@ void mailbox_post(struct mailbox *mb, unsigned long v)',
    ' {',
    '     mb->payload = v;',
    '     mb->extra = v + 1;',
    '-    smp_wmb();',
    '     write_atomic(&mb->ready, 1);',
    '     if ( v > 10 )',
    '     {',
    '@@ -30,5 +29,5 @@ void mailbox_post(struct mailbox *mb, unsigned long v)',
    '         count++;',
    '-        total += v;',
    '+        sum += v;',
    '     }',
    ' }',
    '',
  ].join('\n');
  const a = await check({ file: 'two-hunks.patch', text, os: 'xen' });
  const regs = only(a, 'ordering-regression');
  assert.equal(regs.length, 1, JSON.stringify(a.findings.map((f) => f.message)));
  assert.match(regs[0]!.message, /smp_wmb/);
});

test('an ordered accessor (smp_wmb(); set_bit()) replaced by the bare set_bit() loses its barrier: one finding for all sites', async () => {
  const helper = ['static inline void mark_ready(struct obj *o)', '{', '    smp_wmb();', '    set_bit(OBJ_READY, &o->flags);', '}', ''];
  const fill = (name: string, after: string[]): string[] => [`void ${name}(struct obj *o)`, '{', '    fill_payload(o->data);', ...after, '}', ''];
  const patchText = (now: string[]): string => {
    const was = ['    mark_ready(o);'];
    const lines = helper.map((l) => ` ${l}`);
    for (const name of ['fill_one', 'fill_two']) {
      lines.push(...fill(name, []).slice(0, 3).map((l) => ` ${l}`), ...was.map((l) => `-${l}`), ...now.map((l) => `+${l}`), ' }', ' ');
    }
    return onePatch('lib/obj.c', 20, lines);
  };
  const bare = await check({ file: 'bare.patch', text: patchText(['    set_bit(OBJ_READY, &o->flags);']), os: 'linux' });
  const regs = only(bare, 'ordering-regression');
  assert.equal(regs.length, 1, JSON.stringify(bare.findings.map((f) => f.message)));
  assert.match(regs[0]!.message, /replaces `mark_ready\(o\)` by a bare `set_bit\(OBJ_READY, &o->flags\)` \(and at 1 other place\): the smp_wmb\(\) that mark_ready\(\) put before the access is gone/);
  assert.equal(regs[0]!.related?.length, 2);
  // A fully ordered RMW orders by itself; an explicit barrier kept beside the bare access is the helper written out.
  for (const now of [['    test_and_set_bit(OBJ_READY, &o->flags);'], ['    smp_wmb();', '    set_bit(OBJ_READY, &o->flags);']]) {
    const a = await check({ file: 'ok.patch', text: patchText(now), os: 'linux' });
    assert.deepEqual(only(a, 'ordering-regression').map((f) => f.message), [], now.join(' '));
  }
});

test('Xen\'s arch_lock_release_barrier() is smp_mb() on Arm: moving it above a store of the unlock path is a regression there', async () => {
  const text = onePatch('xen/common/lk.c', 10, [
    ' void lk_release(struct lk *l)',
    ' {',
    '+    arch_lock_release_barrier();',
    '     l->owner = NO_OWNER;',
    '-    arch_lock_release_barrier();',
    '     write_atomic(&l->head, l->head + 1);',
    ' }',
  ]);
  const arm = await check({ file: 'lk.patch', text, os: 'xen', arch: 'arm64' });
  const regs = only(arm, 'ordering-regression');
  assert.equal(regs.length, 1, JSON.stringify(arm.findings.map((f) => f.message)));
  assert.match(regs[0]!.message, /before the earlier store to `l->owner`/);
});
