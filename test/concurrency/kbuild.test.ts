// Which architectures build a common file, from the tree's own Makefiles and Kconfig files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kbuild } from '../../engine/concurrency/kbuild';

const tree = (kconfigs: Record<string, string>, makefiles: Record<string, string>): Kbuild => new Kbuild({
  kconfigs: Object.entries(kconfigs).map(([path, text]) => ({ path, text })),
  makefile: (dir) => makefiles[dir],
  arches: ['arm', 'x86'],
});

const KCONFIG = {
  'arch/x86/Kconfig': 'config X86\n\tdef_bool y\n\tselect HAS_KEXEC\n\tselect ACPI\n',
  'arch/arm/Kconfig': 'config ARM\n\tdef_bool y\n\nconfig ACPI\n\tbool "ACPI support" if UNSUPPORTED\n\tdepends on ARM_64\n\nconfig ARM_64\n\tdef_bool y\n',
  'common/Kconfig': 'config HAS_KEXEC\n\tbool\n\nconfig KEXEC\n\tbool "kexec support"\n\tdefault y\n\tdepends on HAS_KEXEC\n\nconfig TRACE\n\tbool "tracing"\n\tdepends on !HAS_KEXEC\n',
  'drivers/acpi/Kconfig': 'config ACPI\n\tbool\n',
  'Kconfig.debug': 'config CRASH_DEBUG\n\tbool "crash debug"\n\tdepends on X86 || ARM_64\n\nconfig GDB_X86\n\tbool "gdb"\n\tdepends on (X86)\n',
};
const MAKEFILES = {
  '': 'obj-y += common/\nobj-$(CONFIG_ACPI) += drivers/\n',
  common: 'obj-y += domain.o\nobj-$(CONFIG_KEXEC) += kexec.o\nobj-$(CONFIG_TRACE) += trace.o\nobj-$(CONFIG_CRASH_DEBUG) += gdbstub.o\nobj-$(CONFIG_GDB_X86) += \\\n\tgdbx.o\nobj-$(CONFIG_NOWHERE) += ghost.o\n',
  drivers: 'obj-y += osl.o\n',
};

test('a file whose config depends on a symbol only x86 selects is x86 code', () => {
  const k = tree(KCONFIG, MAKEFILES);
  assert.deepEqual(k.archesOf('common/kexec.c'), ['x86']);
  assert.deepEqual(k.archesOf('common/gdbx.c'), ['x86'], 'a continued Makefile line and a parenthesized depends');
});

test('controls: built everywhere, unknown, negated or either-arch conditions narrow nothing', () => {
  const k = tree(KCONFIG, MAKEFILES);
  assert.equal(k.archesOf('common/domain.c'), undefined, 'obj-y');
  assert.equal(k.archesOf('common/trace.c'), undefined, '!HAS_KEXEC is not read');
  assert.equal(k.archesOf('common/gdbstub.c'), undefined, 'X86 || ARM_64');
  assert.equal(k.archesOf('common/ghost.c'), undefined, 'a symbol nobody defines');
  assert.equal(k.archesOf('common/unlisted.c'), undefined, 'a file no Makefile names');
  assert.equal(k.archesOf('arch/x86/irq.c'), undefined, 'arch/ paths speak for themselves');
});

test('a symbol defined for one arch and selected by another is on for both (directory rules included)', () => {
  const k = tree(KCONFIG, MAKEFILES);
  assert.equal(k.archesOf('drivers/osl.c'), undefined);
  const armOnly = tree({ ...KCONFIG, 'arch/x86/Kconfig': 'config X86\n\tdef_bool y\n\tselect HAS_KEXEC\n' }, MAKEFILES);
  assert.deepEqual(armOnly.archesOf('drivers/osl.c'), ['arm'], 'ACPI then only comes from the Arm definition');
});

test('a common file built only for x86 is judged only under x86-TSO; unmodelled arches add nothing', async () => {
  const { targetsFor } = await import('../../engine/checks/targets');
  const thread = { file: 'xen/common/kexec.c' } as Parameters<typeof targetsFor>[0]['thread'];
  assert.deepEqual(targetsFor({ thread, os: 'xen', arch: 'all' }), ['x86-tso', 'armv8']);
  assert.deepEqual(targetsFor({ thread, os: 'xen', arch: 'all', built: ['x86'] }), ['x86-tso']);
  assert.deepEqual(targetsFor({ thread, os: 'xen', arch: 'all', built: ['arm', 'riscv'] }), ['armv8']);
  assert.deepEqual(targetsFor({ thread, os: 'xen', arch: 'all', built: ['arm', 'x86'] }), ['x86-tso', 'armv8']);
});

test('a cycle with a peer under arch/x86 is judged only for x86: an Arm-only reordering in the common side is no finding', async () => {
  const { checkFixtureTree } = await import('./helpers');
  const writer = 'struct ring { int data; int ready; };\nvoid ring_publish(struct ring *r)\n{\n    r->data = 1;\n    WRITE_ONCE(r->ready, 1);\n}\n';
  const reader = 'struct ring { int data; int ready; };\nint ring_consume(struct ring *r)\n{\n    if (!READ_ONCE(r->ready))\n        return 0;\n    smp_rmb();\n    return r->data;\n}\n';
  const x86 = await checkFixtureTree({ 'common/a.c': writer, 'arch/x86/b.c': reader });
  assert.deepEqual(x86.warnings, []);
  const arm = await checkFixtureTree({ 'common/a.c': writer, 'arch/arm/b.c': reader });
  assert.ok(arm.warnings.some((w) => w.includes('common/a.c')), `the same reader under arch/arm keeps the writer's warning: ${JSON.stringify(arm)}`);
});
