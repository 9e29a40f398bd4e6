// A patch that drops a negated conjunct from a "nothing to do" test (one that conjoins a
// knowledge-base work-pending test, negated, with others) lets the CPU idle with that work
// pending: a lost wake-up, in a predicate macro, a one-`return` function, or an `if`.
// Fixtures written for these tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, lineText, messages, onePatch, only } from './helpers';

const macro = (first: string, drop: 'work' | 'active'): string[] => [
  ' /* Whether the CPU may doze until the next interrupt. */',
  ' #define cpu_may_doze(c)          \\',
  `     (${first} &&         \\`,
  ...(drop === 'work'
    ? ['-      !work_queued(c) &&      \\', '       cpu_active(c))']
    : ['-      !work_queued(c) &&      \\', '-      cpu_active(c))', '+      !work_queued(c))']),
];

test('a predicate macro that drops a negated conjunct next to a negated need_resched() is a lost wake-up', async () => {
  const text = onePatch('include/linux/doze.h', 40, macro('!need_resched()', 'work'));
  const a = await check({ file: 'doze.patch', text, os: 'linux' });
  const [f, ...more] = only(a, 'lost-wakeup');
  assert.ok(f, messages(a));
  assert.equal(more.length, 0);
  assert.match(f.message, /drops `!work_queued\(c\)` from cpu_may_doze\(\), a test that nothing is pending/);
  assert.equal(f.place.function, 'cpu_may_doze');
  assert.match(lineText(text, f.place.range.line), /^- +!work_queued/);

  // Without a work-pending test the knowledge base knows, the macro is just a predicate.
  const plain = await check({ file: 'plain.patch', text: onePatch('include/linux/doze.h', 40, macro('!in_shutdown()', 'work')), os: 'linux' });
  assert.deepEqual(only(plain, 'lost-wakeup'), []);
});

test('an idle test losing a conjunct that is not negated, or gaining one, is not reported', async () => {
  const active = await check({ file: 'active.patch', text: onePatch('include/linux/doze.h', 40, macro('!need_resched()', 'active')), os: 'linux' });
  assert.deepEqual(only(active, 'lost-wakeup'), [], messages(active));
  // The fix direction: the patch adds the conjunct back.
  const lines = macro('!need_resched()', 'work').map((l) => (l.startsWith('-') ? `+${l.slice(1)}` : l));
  const added = await check({ file: 'added.patch', text: onePatch('include/linux/doze.h', 40, lines), os: 'linux' });
  assert.deepEqual(only(added, 'lost-wakeup'), [], messages(added));
});

test('a one-return predicate function and an if before halting lose a conjunct beside !softirq_pending(): lost wake-ups', async () => {
  const fn = onePatch('xen/arch/x86/idle.c', 12, [
    ' static bool idle_ok(unsigned int cpu)',
    ' {',
    '-    return !softirq_pending(cpu) && !timer_due(cpu);',
    '+    return !softirq_pending(cpu);',
    ' }',
  ]);
  const a = await check({ file: 'fn.patch', text: fn, os: 'xen' });
  const [f] = only(a, 'lost-wakeup');
  assert.ok(f, messages(a));
  assert.match(f.message, /drops `!timer_due\(cpu\)` from idle_ok\(\)/);

  const loop = (cond: string): string => onePatch('xen/arch/x86/idle.c', 30, [
    ' void idle_loop(void)',
    ' {',
    '     unsigned int cpu = smp_processor_id();',
    ' ',
    '     for ( ; ; )',
    '     {',
    '-        if ( !softirq_pending(cpu) && !callbacks_queued(cpu) )',
    `+        if ( ${cond} )`,
    '             halt();',
    '         do_softirq();',
    '     }',
    ' }',
  ]);
  const text = loop('!softirq_pending(cpu)');
  const b = await check({ file: 'loop.patch', text, os: 'xen' });
  const [g] = only(b, 'lost-wakeup');
  assert.ok(g, messages(b));
  assert.match(g.message, /drops `!callbacks_queued\(cpu\)` from the condition/);
  assert.equal(g.place.function, 'idle_loop');
  // Rewritten, not only narrowed: the patch tests something else instead.
  assert.deepEqual(only(await check({ file: 'other.patch', text: loop('!softirq_pending(cpu) && !rcu_work(cpu)'), os: 'xen' }), 'lost-wakeup'), []);
});

test('idle tests the patch does not touch are not judged, even when two #ifdef variants differ by a conjunct', async () => {
  const tree = [
    '#ifdef CONFIG_IDLE_WORK',
    '#define cpu_may_doze(c) (!need_resched() && !idle_work(c))',
    '#else',
    '#define cpu_may_doze(c) (!need_resched())',
    '#endif',
    '',
    'int doze_level(void)',
    '{',
    '    return 1;',
    '}',
    '',
  ].join('\n');
  const text = onePatch('include/linux/doze.h', 7, [' int doze_level(void)', ' {', '-    return 1;', '+    return 2;', ' }']);
  const a = await check({ file: 'level.patch', text, treeTexts: [{ path: 'include/linux/doze.h', text: tree }], os: 'linux' });
  assert.deepEqual(only(a, 'lost-wakeup'), [], messages(a));
});
