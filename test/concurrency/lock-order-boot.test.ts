// Whole-tree mode: code that runs only while the system boots runs before other CPUs do
// anything else, so a boot path and a runtime path that take two locks in opposite orders
// never wait for each other. A boot path that takes a lock it already holds still deadlocks
// its own CPU.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkFixtureTree } from './helpers';

const tree = (attr: string, retake: boolean): string => `static DEFINE_SPINLOCK(table_lock);
static DEFINE_SPINLOCK(irq_lock);
static void route_irq(void)
{
    spin_lock(&table_lock);
    spin_unlock(&table_lock);
}
static int ${attr}setup_routes(void)
{
    spin_lock(&irq_lock);
    route_irq();
    spin_unlock(&irq_lock);
    return 0;
}
void rebalance(void)
{
    spin_lock(&table_lock);
    spin_lock(&irq_lock);
    spin_unlock(&irq_lock);
    spin_unlock(&table_lock);
}
${retake ? `static void ${attr}reserve_table(void)
{
    spin_lock(&table_lock);
    route_irq();
    spin_unlock(&table_lock);
}
` : ''}int start(void)
{
    ${retake ? 'reserve_table();\n    ' : ''}return setup_routes();
}
`;

test('lock order: an __init path and a runtime path in opposite orders never meet', async () => {
  const r = await checkFixtureTree({ 'setup.c': tree('__init ', false).replace('int start(void)', 'int __init start(void)') });
  assert.deepEqual(r.warnings, [], JSON.stringify(r));
});

test('control: the same two paths at run time are reported', async () => {
  const r = await checkFixtureTree({ 'setup.c': tree('', false) });
  assert.ok(r.warnings.some((w) => w.startsWith('lock-order-inversion@setup.c')), JSON.stringify(r));
});

test('lock order: a boot path that takes a lock it holds still deadlocks its own CPU', async () => {
  const r = await checkFixtureTree({ 'setup.c': tree('__init ', true).replace('int start(void)', 'int __init start(void)') });
  // reserve_table() retakes table_lock through route_irq() (start() does so only inside its call
  // of reserve_table(): reported once, there); setup_routes()'s order against rebalance() stays
  // unreported.
  assert.deepEqual(r.warnings, ['lock-order-inversion@setup.c:25'], JSON.stringify(r));
});
