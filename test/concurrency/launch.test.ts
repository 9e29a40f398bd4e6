// A function that only ever starts on other CPUs by an IPI its launcher sends runs after the
// launcher's earlier stores are visible (kb/hv-events.ts IPI_CALLBACK_LAUNCHERS): the pause
// handshake of a debugger stub (launcher stores `paused`, launches, then waits for the count;
// the callback counts itself in, then reads `paused`) has no store-buffering outcome.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkFixtureTree } from './helpers';
import { argumentOrders } from '../../engine/concurrency/launch';

const stub = (o: { launchFirst?: boolean; table?: boolean } = {}): string => `static atomic_t paused;
static atomic_t count;
static void pause_this_cpu(void *unused)
{
    atomic_inc(&count);
    while ( atomic_read(&paused) )
        cpu_relax();
}
${o.table ? 'static struct ops o = { .fn = pause_this_cpu, };\n' : ''}void smp_pause(void)
{
    int cpu;
${o.launchFirst ? '    smp_call_function(pause_this_cpu, NULL, 0);\n    atomic_set(&paused, 1);\n' : '    for_each_online_cpu ( cpu )\n        atomic_set(&paused, 1);\n    smp_call_function(pause_this_cpu, NULL, 0);\n'}    while ( atomic_read(&count) < 3 )
        cpu_relax();
}
`;

test('a callback launched by IPI after the launcher stores its flag cannot miss that store', async () => {
  const r = await checkFixtureTree({ 'gdb.c': stub() });
  assert.deepEqual(r.warnings, []);
  assert.ok((r.excluded['ipi-launched'] ?? 0) > 0, JSON.stringify(r));
});

test('controls: the flag stored after the launch, in a loop that also launches, or the callback reachable another way, keep the warning', async () => {
  const looped = await checkFixtureTree({ 'gdb.c': stub().replace('    for_each_online_cpu ( cpu )\n        atomic_set(&paused, 1);\n    smp_call_function(pause_this_cpu, NULL, 0);\n', '    for_each_online_cpu ( cpu )\n    {\n        atomic_set(&paused, 1);\n        smp_call_function(pause_this_cpu, NULL, 0);\n    }\n') });
  assert.notDeepEqual(looped.warnings, [], 'a loop that launches and stores');
  const after = await checkFixtureTree({ 'gdb.c': stub({ launchFirst: true }) });
  assert.notDeepEqual(after.warnings, [], 'stored after the launch');
  const table = await checkFixtureTree({ 'gdb.c': stub({ table: true }) });
  assert.notDeepEqual(table.warnings, [], 'also in an ops table');
});

// An interrupt handler installed by one function (Xen's request_irq(), handler third) starts
// only when the interrupt is taken after the installation: a context set up before the call is
// seen by the handler, as an IPI callback sees its launcher's stores.
const device = (installFirst: boolean): string => `struct ctx { int index; struct dev *dev; };
struct dev { int irq; };
static void ctx_fault(int irq, void *data, struct cpu_user_regs *regs)
{
    struct ctx *c = data;
    struct dev *d = ACCESS_ONCE(c->dev);
    if ( d )
        printk("fault on %d\\n", c->index);
}
int ctx_init(struct ctx *c, struct dev *d)
{
${installFirst ? '    request_irq(d->irq, 0, ctx_fault, "ctx-fault", c);\n' : ''}    c->index = 3;
    smp_mb();
    ACCESS_ONCE(c->dev) = d;
${installFirst ? '' : '    return request_irq(d->irq, 0, ctx_fault, "ctx-fault", c);\n'}${installFirst ? '    return 0;\n' : ''}}
`;

test('an interrupt handler installed after the stores it reads cannot miss them', async () => {
  const r = await checkFixtureTree({ 'dev.c': device(false) });
  assert.deepEqual(r.warnings, [], JSON.stringify(r));
  assert.ok((r.excluded['irq-handler'] ?? 0) > 0, JSON.stringify(r));
});

test('control: a handler installed before the stores may run between them, and the missing read barrier is reported', async () => {
  const r = await checkFixtureTree({ 'dev.c': device(true) });
  assert.equal(r.excluded['irq-handler'] ?? 0, 0, JSON.stringify(r));
  assert.notDeepEqual(r.warnings, [], JSON.stringify(r));
});

// A driver ported from Linux keeps Linux's argument order through a macro of its own
// (`request_irq(irq, handler, flags, ...)`): the handler is the argument the macro passes on
// as Xen's third.
// Its handlers are Linux's, wrapped for Xen's signature and renamed by another macro.
const linuxOrder = (installFirst: boolean): string => `#define request_irq(irq, func, flags, name, dev) request_irq(irq, flags, func, name, dev)
${device(installFirst).replace(/request_irq\(d->irq, 0, ctx_fault, /g, 'request_irq(d->irq, ctx_fault, 0, ').replace('int ctx_init', `static void ctx_fault_xen(int irq, void *data, struct cpu_user_regs *regs)
{
    ctx_fault(irq, data, regs);
}
#define ctx_fault ctx_fault_xen
int ctx_init`)}`;

test('a handler installed through macros that keep Linux\'s argument order and rename it is still installed after the stores', async () => {
  const r = await checkFixtureTree({ 'dev.c': linuxOrder(false) });
  assert.deepEqual(r.warnings, [], JSON.stringify(r));
  assert.ok((r.excluded['irq-handler'] ?? 0) > 0, JSON.stringify(r));
  const early = await checkFixtureTree({ 'dev.c': linuxOrder(true) });
  assert.notDeepEqual(early.warnings, [], JSON.stringify(early));
});

test('argument orders: only a macro of a launcher\'s own name that permutes its parameters', () => {
  assert.deepEqual([...argumentOrders('#define request_irq(irq, func, flags, name, dev) request_irq(irq, flags, func, name, dev)\n')], [['request_irq', [0, 2, 1, 3, 4]]]);
  assert.deepEqual([...argumentOrders('#define request_irq(a, b) other_irq(b, a)\n#define my_irq(a, b) my_irq(b, a)\n#define request_irq(a, b, c) request_irq(a, b, 0)\n')], []);
});

// stop_machine_run() starts its callback on every CPU after the caller's earlier stores; a
// helper called only from that callback runs inside it and is started the same way.
const update = (helperCalledElsewhere: boolean): string => `static atomic_t cpu_out;
static atomic_t cpu_updated;
static int control_thread(void *patch)
{
    atomic_inc(&cpu_updated);
    smp_mb();
    while ( atomic_read(&cpu_out) )
        cpu_relax();
    return 0;
}
static int do_update(void *patch)
{
    return control_thread(patch);
}
int update_helper(void *patch)
{
    atomic_set(&cpu_out, 0);
    stop_machine_run(do_update, patch, NR_CPUS);
    return atomic_read(&cpu_updated);
}
${helperCalledElsewhere ? 'int poke(void) { return control_thread(NULL); }\n' : ''}`;

test('a helper that runs only inside a stop_machine_run() callback sees the stores made before the call', async () => {
  const r = await checkFixtureTree({ 'update.c': update(false) });
  assert.deepEqual(r.warnings, [], JSON.stringify(r));
  assert.ok((r.excluded['ipi-launched'] ?? 0) > 0, JSON.stringify(r));
});

test('control: the same helper also called directly from elsewhere is judged, and the store buffering is reported', async () => {
  const r = await checkFixtureTree({ 'update.c': update(true) });
  assert.notDeepEqual(r.warnings, [], JSON.stringify(r));
});
