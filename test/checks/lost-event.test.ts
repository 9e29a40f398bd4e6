// lost-event beyond a dequeue: a delivery call the patch removes while the state it delivered
// is still there, because the function still publishes it, or because the call was what the
// function did when a test found the event pending. Fixtures written for these tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, lineText, messages, onePatch, only } from './helpers';

test('removing `if ( pending ) inject()` is a lost event; removing a test of a parameter, or moving the delivery, is not', async () => {
  const leave = (test: string): string[] => [
    ' void leave_hypervisor(struct vcpu *v, bool resend)',
    ' {',
    `-    if ( ${test} )`,
    '-        vgic_vcpu_inject_irq(v, UPCALL_IRQ, 1);',
    '     flush_lrs(v);',
    ' }',
  ];
  const text = onePatch('xen/arch/arm/leave.c', 10, leave('read_atomic(&v->shared->upcall_pending)'));
  const dropped = await check({ file: 'drop.patch', text, os: 'xen' });
  const [lost, ...more] = only(dropped, 'lost-event');
  assert.ok(lost, messages(dropped));
  assert.equal(more.length, 0);
  assert.match(lost.message, /removes vgic_vcpu_inject_irq\(\), but leave_hypervisor\(\) called it when `read_atomic\(&v->shared->upcall_pending\)` found an event pending/);
  assert.match(lineText(text, lost.place.range.line), /^- +vgic_vcpu_inject_irq/);
  assert.equal(lost.severity, 'warning');

  // A test of a parameter alone reads no pending state: the caller decided, not the event.
  const parameter = await check({ file: 'param.patch', text: onePatch('xen/arch/arm/leave.c', 10, leave('resend')), os: 'xen' });
  assert.deepEqual(only(parameter, 'lost-event'), []);

  // The same delivery added elsewhere in the patch: moved, not dropped.
  const moved = onePatch('xen/arch/arm/leave.c', 10, [
    ...leave('read_atomic(&v->shared->upcall_pending)'),
    ' ',
    ' void enter_guest(struct vcpu *v)',
    ' {',
    '+    if ( read_atomic(&v->shared->upcall_pending) )',
    '+        vgic_vcpu_inject_irq(v, UPCALL_IRQ, 1);',
    '     restore_lrs(v);',
    ' }',
  ]);
  assert.deepEqual(only(await check({ file: 'moved.patch', text: moved, os: 'xen' }), 'lost-event'), []);
});

test('removing the kick after publishing the work is a lost event; removing both is not', async () => {
  const post = (lines: Array<' ' | '-'>): string => onePatch('arch/x86/kvm/work.c', 20, [
    ' static void post_work(struct kvm_vcpu *vcpu, unsigned int n)',
    ' {',
    `${lines[0]}    set_bit(n, &vcpu->arch.work_pending);`,
    `${lines[1]}    kvm_vcpu_kick(vcpu);`,
    ' }',
  ]);
  const text = post([' ', '-']);
  const dropped = await check({ file: 'kick.patch', text, os: 'linux' });
  const [lost] = only(dropped, 'lost-event');
  assert.ok(lost, messages(dropped));
  assert.match(lost.message, /removes kvm_vcpu_kick\(\), but post_work\(\) still publishes `set_bit\(n, &vcpu->arch.work_pending\)`/);
  assert.match(lineText(text, lost.place.range.line), /^- +kvm_vcpu_kick/);
  assert.ok(lost.related.some((r) => /^\+?\s/.test(lineText(text, r.place.range.line)) && /nobody is told/.test(r.message)));

  assert.deepEqual(only(await check({ file: 'both.patch', text: post(['-', '-']), os: 'linux' }), 'lost-event'), []);
});
