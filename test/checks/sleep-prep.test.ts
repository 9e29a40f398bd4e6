// What a vCPU does to prepare its wake-up right before it sleeps, dropped by a patch: a call
// that updates state removed from a before-sleep hook, or a wrapper replaced by the sleep it
// wraps. Fixtures written for these tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, lineText, messages, onePatch, only } from './helpers';

const hookTree = (name: string): string => [
  'static void sync_wake_state(struct vcpu *v)',
  '{',
  '    v->arch.wake_mask = read_wake_reg();',
  '}',
  '',
  `void ${name}(struct vcpu *v)`,
  '{',
  '    sync_wake_state(v);',
  '    arm_doorbell(v);',
  '}',
  '',
].join('\n');

const dropFromHook = (name: string, line: 8 | 9): string => {
  const src = hookTree(name).split('\n').slice(0, 10);
  return onePatch('xen/arch/x86/block.c', 1, src.map((l, i) => (i + 1 === line ? `-${l}` : ` ${l}`)));
};

test('a call that updates state, removed from the hook run before a vCPU sleeps, is a lost wake-up', async () => {
  const text = dropFromHook('arch_vcpu_block', 8);
  const a = await check({ file: 'hook.patch', text, treeTexts: [{ path: 'xen/arch/x86/block.c', text: hookTree('arch_vcpu_block') }], os: 'xen' });
  const [f, ...more] = only(a, 'lost-wakeup');
  assert.ok(f, messages(a));
  assert.equal(more.length, 0, messages(a));
  assert.match(f.message, /removes sync_wake_state\(\) from arch_vcpu_block\(\), which runs right before the vCPU sleeps: it updated `v->arch.wake_mask`/);
  assert.match(lineText(text, f.place.range.line), /^- +sync_wake_state/);
});

test('a call whose effect is unknown, or one removed from a function that is no before-sleep hook, is not reported', async () => {
  const opaque = await check({ file: 'opaque.patch', text: dropFromHook('arch_vcpu_block', 9), treeTexts: [{ path: 'xen/arch/x86/block.c', text: hookTree('arch_vcpu_block') }], os: 'xen' });
  assert.deepEqual(only(opaque, 'lost-wakeup'), [], messages(opaque));
  const other = await check({ file: 'other.patch', text: dropFromHook('arch_vcpu_wake', 8), treeTexts: [{ path: 'xen/arch/x86/block.c', text: hookTree('arch_vcpu_wake') }], os: 'xen' });
  assert.deepEqual(only(other, 'lost-wakeup'), [], messages(other));
});

test('a wrapper that prepares the wake-up replaced by the sleep it wraps is a lost wake-up; a wrapper that only sleeps is not', async () => {
  const tree = (prepare: boolean): string => [
    'static void wait_for_irq(struct kvm_vcpu *vcpu)',
    '{',
    ...(prepare ? ['    sync_irq_state(vcpu);'] : []),
    '    schedule();',
    '}',
    '',
    'void handle_suspend(struct kvm_vcpu *vcpu)',
    '{',
    '    wait_for_irq(vcpu);',
    '}',
    '',
  ].join('\n');
  const patch = (prepare: boolean): string => onePatch('arch/arm64/kvm/suspend.c', prepare ? 7 : 6, [
    ' void handle_suspend(struct kvm_vcpu *vcpu)',
    ' {',
    '-    wait_for_irq(vcpu);',
    '+    schedule();',
    ' }',
  ]);
  const text = patch(true);
  const a = await check({ file: 'wrapper.patch', text, treeTexts: [{ path: 'arch/arm64/kvm/suspend.c', text: tree(true) }], os: 'linux' });
  const [f] = only(a, 'lost-wakeup');
  assert.ok(f, messages(a));
  assert.match(f.message, /calls schedule\(\) directly where handle_suspend\(\) called wait_for_irq\(\), which before sleeping calls sync_irq_state\(\)/);
  assert.match(lineText(text, f.place.range.line), /^\+ +schedule/);
  const bare = await check({ file: 'bare.patch', text: patch(false), treeTexts: [{ path: 'arch/arm64/kvm/suspend.c', text: tree(false) }], os: 'linux' });
  assert.deepEqual(only(bare, 'lost-wakeup'), [], messages(bare));
});

test('a wrapper the knowledge base knows (Xen vcpu_block_enable_events) replaced by vcpu_block() is a lost wake-up without its body in view', async () => {
  const text = onePatch('xen/common/sched/block.c', 30, [
    ' static long do_sleep(void)',
    ' {',
    '-    vcpu_block_enable_events();',
    '+    vcpu_block();',
    '     return 0;',
    ' }',
  ]);
  const a = await check({ file: 'block.patch', text, os: 'xen' });
  const [f] = only(a, 'lost-wakeup');
  assert.ok(f, messages(a));
  assert.match(f.message, /calls vcpu_block\(\) directly where do_sleep\(\) called vcpu_block_enable_events\(\), which before sleeping enables event delivery/);
});
