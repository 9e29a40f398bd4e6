// A function that only ever starts on other CPUs by an IPI its launcher sends runs after the
// launcher's earlier stores are visible (kb/hv-events.ts IPI_CALLBACK_LAUNCHERS): the pause
// handshake of a debugger stub (launcher stores `paused`, launches, then waits for the count;
// the callback counts itself in, then reads `paused`) has no store-buffering outcome.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkFixtureTree } from './helpers';

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
