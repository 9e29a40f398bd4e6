// Which architectures build a common file, from the tree's own Makefiles and Kconfig files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kbuild } from '../../engine/concurrency/kbuild';

/** A tree from its Kconfig files and its build files by path (`common/Makefile`, `virt/Makefile.kvm`). */
const tree = (kconfigs: Record<string, string>, files: Record<string, string>, arches = ['arm', 'x86']): Kbuild => new Kbuild({
  kconfigs: Object.entries(kconfigs).map(([path, text]) => ({ path, text })),
  makefileDirs: Object.keys(files).filter((p) => /(^|\/)(Makefile|Kbuild)$/.test(p)).map((p) => p.replace(/\/?(Makefile|Kbuild)$/, '')),
  read: (path) => files[path],
  arches,
});

const KCONFIG = {
  'arch/x86/Kconfig': 'config X86\n\tdef_bool y\n\tselect HAS_KEXEC\n\tselect ACPI\n',
  'arch/arm/Kconfig': 'config ARM\n\tdef_bool y\n\nconfig ACPI\n\tbool "ACPI support" if UNSUPPORTED\n\tdepends on ARM_64\n\nconfig ARM_64\n\tdef_bool y\n',
  'common/Kconfig': 'config HAS_KEXEC\n\tbool\n\nconfig KEXEC\n\tbool "kexec support"\n\tdefault y\n\tdepends on HAS_KEXEC\n\nconfig TRACE\n\tbool "tracing"\n\tdepends on !HAS_KEXEC\n',
  'drivers/acpi/Kconfig': 'config ACPI\n\tbool\n',
  'Kconfig.debug': 'config CRASH_DEBUG\n\tbool "crash debug"\n\tdepends on X86 || ARM_64\n\nconfig GDB_X86\n\tbool "gdb"\n\tdepends on (X86)\n',
};
const MAKEFILES = {
  Makefile: 'obj-y += common/\nobj-$(CONFIG_ACPI) += drivers/\n',
  'common/Makefile': 'obj-y += domain.o\nobj-$(CONFIG_KEXEC) += kexec.o\nobj-$(CONFIG_TRACE) += trace.o\nobj-$(CONFIG_CRASH_DEBUG) += gdbstub.o\nobj-$(CONFIG_GDB_X86) += \\\n\tgdbx.o\nobj-$(CONFIG_NOWHERE) += ghost.o\n',
  'drivers/Makefile': 'obj-y += osl.o\n',
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

// A partial Linux-like tree: common KVM code in virt/kvm is built by each arch/<a>/kvm/Makefile,
// which includes virt/kvm/Makefile.kvm; its objects are the including directory's `kvm.o`.
const KVM_KCONFIG = {
  'arch/x86/Kconfig': 'config X86\n\tdef_bool y\n\tselect HAVE_KVM\n',
  'arch/arm64/Kconfig': 'config ARM64\n\tdef_bool y\n\tselect ARCH_HAS_FOO \\\n\t\tif FOO\n\tselect HAVE_KVM\n',
  'virt/kvm/Kconfig': 'config HAVE_KVM\n\tbool\n\nconfig HAVE_RING\n\tbool\n\nconfig HAVE_RING_TSO\n\tbool\n\tselect HAVE_RING\n\nconfig HAVE_MMIO\n\tbool\n',
  'arch/x86/kvm/Kconfig': 'if VIRTUALIZATION\n\nmenuconfig KVM\n\ttristate "KVM"\n\tdepends on HAVE_KVM\n\tselect HAVE_RING_TSO\n\tselect HAVE_MMIO\n\nendif\n',
  'arch/arm64/kvm/Kconfig': 'menuconfig KVM\n\tbool "KVM"\n\tdepends on HAVE_KVM\n\tselect HAVE_MMIO\n\thelp\n\t  Some text.\n\n\t  select HAVE_RING_TSO here is prose, not a select.\n\nconfig KVM_DEBUG\n\tbool "debug"\n',
};
const KVM_FILES = {
  'virt/kvm/Makefile.kvm': 'KVM ?= ../../../virt/kvm\n\nkvm-y := $(KVM)/main.o\nkvm-$(CONFIG_HAVE_RING) += $(KVM)/ring.o\nkvm-$(CONFIG_HAVE_MMIO) += \\\n\t$(KVM)/mmio.o\nkvm-y += $(addprefix $(KVM)/, hidden.o)\n',
  'arch/x86/Kbuild': 'obj-$(CONFIG_KVM) += kvm/\n',
  'arch/x86/kvm/Makefile': 'ccflags-y += -I $(srctree)/arch/x86/kvm\ninclude $(srctree)/virt/kvm/Makefile.kvm\nkvm-y += x86.o\nobj-$(CONFIG_KVM) += kvm.o\n',
  'arch/arm64/Kbuild': 'obj-$(CONFIG_KVM) += kvm/\n',
  'arch/arm64/kvm/Makefile': 'include $(srctree)/virt/kvm/Makefile.kvm\nobj-$(CONFIG_KVM) += kvm.o\nkvm-y += arm.o\n',
};
const kvmTree = (kconfigs: Record<string, string> = KVM_KCONFIG, files: Record<string, string> = KVM_FILES, arches = ['arm64', 'x86']): Kbuild => tree(kconfigs, files, arches);

test('a file of an included Makefile is built by the arches whose Makefiles include it, narrowed by its symbol', () => {
  const k = kvmTree();
  assert.deepEqual(k.archesOf('virt/kvm/ring.c'), ['x86'], 'HAVE_RING comes only from x86 KVM (through HAVE_RING_TSO)');
  assert.equal(k.archesOf('virt/kvm/main.c'), undefined, 'kvm-y: every arch that includes the file');
  assert.equal(k.archesOf('virt/kvm/mmio.c'), undefined, 'a continued line, selected by both');
});

test('controls: an arch without KVM, an arch that selects the symbol too, and words not read', () => {
  // riscv has no kvm Makefile: the common files are the two includers' only.
  const withRiscv = kvmTree(KVM_KCONFIG, KVM_FILES, ['arm64', 'riscv', 'x86']);
  assert.deepEqual(withRiscv.archesOf('virt/kvm/main.c'), ['arm64', 'x86']);
  assert.deepEqual(withRiscv.archesOf('virt/kvm/ring.c'), ['x86']);
  const bothRing = kvmTree({ ...KVM_KCONFIG, 'arch/arm64/kvm/Kconfig': 'menuconfig KVM\n\tbool "KVM"\n\tselect HAVE_RING\n' });
  assert.equal(bothRing.archesOf('virt/kvm/ring.c'), undefined, 'arm64 selects it as well');
  assert.equal(kvmTree().archesOf('virt/kvm/hidden.c'), undefined, '$(addprefix ...) names nothing: no narrowing');
  assert.equal(kvmTree().archesOf('virt/kvm/unnamed.c'), undefined, 'a file no Makefile names');
});

test('a select counts where its own definition is read: a symbol defined in both arches selects only in the one whose block says so', () => {
  // Both arches define KVM; only x86's block selects HAVE_RING_TSO. Read as "selected by KVM",
  // ring.c would be built by arm64 too.
  const k = kvmTree();
  assert.deepEqual(k.archesOf('virt/kvm/ring.c'), ['x86']);
  // A select in a common definition holds wherever its symbol is on.
  const common = kvmTree({ ...KVM_KCONFIG, 'virt/kvm/Kconfig': `${KVM_KCONFIG['virt/kvm/Kconfig']}\nconfig KVM_COMMON\n\tdef_bool KVM\n\tselect HAVE_RING\n` });
  assert.equal(common.archesOf('virt/kvm/ring.c'), undefined);
  // ... and only where its definition's depends hold.
  const gated = kvmTree({ ...KVM_KCONFIG, 'virt/kvm/Kconfig': `${KVM_KCONFIG['virt/kvm/Kconfig']}\nconfig KVM_COMMON\n\tdef_bool y\n\tdepends on X86\n\tselect HAVE_RING\n` });
  assert.deepEqual(gated.archesOf('virt/kvm/ring.c'), ['x86']);
});

test('Kconfig: a continued select line does not end its block, help text is not read', () => {
  // Without joining `select ARCH_HAS_FOO \ if FOO`, the `if FOO` line ended ARM64's block and its
  // `select HAVE_KVM` was lost: arm64 would build no KVM at all.
  assert.equal(kvmTree().archesOf('virt/kvm/main.c'), undefined);
  const noHelp = kvmTree({ ...KVM_KCONFIG, 'arch/arm64/kvm/Kconfig': KVM_KCONFIG['arch/arm64/kvm/Kconfig'].replace(/\thelp\n/, '') });
  assert.equal(noHelp.archesOf('virt/kvm/ring.c'), undefined, 'the same words outside help text are a select');
});

/** The KVM tree with a third arch, riscv, whose kvm Makefile is `makefile`. */
const withRiscv = (makefile: string): Kbuild => kvmTree(KVM_KCONFIG, { ...KVM_FILES, 'arch/riscv/Kbuild': 'obj-y += kvm/\n', 'arch/riscv/kvm/Makefile': makefile }, ['arm64', 'riscv', 'x86']);

test('objects of an included file are relative to the including directory; `?=` keeps the includer\'s value', () => {
  const k = withRiscv('KVM := ../../../virt/alt\ninclude $(srctree)/virt/kvm/Makefile.kvm\nobj-y += kvm.o\n');
  assert.deepEqual(k.archesOf('virt/alt/main.c'), ['riscv']);
  assert.deepEqual(k.archesOf('virt/kvm/main.c'), ['arm64', 'x86']);
});

test('a variable set inside ifdef is not known: its words name nothing, not the last value', () => {
  const k = withRiscv('ifdef CONFIG_ALT\nKVM := ../../../virt/alt\nendif\ninclude $(srctree)/virt/kvm/Makefile.kvm\nobj-y += kvm.o\n');
  assert.equal(k.archesOf('virt/alt/main.c'), undefined, 'not named: every arch');
});

test('a composite object named under two conditions is built where either holds', () => {
  const k = kvmTree(KVM_KCONFIG, {
    ...KVM_FILES,
    'arch/x86/kvm/Makefile': 'include $(srctree)/virt/kvm/Makefile.kvm\nobj-$(CONFIG_KVM_INTEL) += kvm.o\nobj-$(CONFIG_KVM_AMD) += kvm.o\n',
  }, ['arm64', 'riscv', 'x86']);
  assert.deepEqual(k.archesOf('virt/kvm/main.c'), ['arm64', 'x86'], 'KVM_INTEL and KVM_AMD are defined nowhere: x86 stays');
});

test('a partial tree is read from the build root above it: common KVM code only x86 builds has no Arm-only finding', async () => {
  const { checkFixtureTree } = await import('./helpers');
  const ring = 'struct ring { int data; int ready; };\nvoid ring_publish(struct ring *r)\n{\n    r->data = 1;\n    WRITE_ONCE(r->ready, 1);\n}\n\nint ring_consume(struct ring *r)\n{\n    if (!READ_ONCE(r->ready))\n        return 0;\n    smp_rmb();\n    return r->data;\n}\n';
  const linux = (kconfigs: Record<string, string>): Record<string, string> => ({ Kconfig: 'mainmenu "Linux"\n', ...kconfigs, ...KVM_FILES, 'virt/kvm/ring.c': ring });
  // Only virt/kvm is checked; the root above it has arch/ and Kconfig.
  const x86 = await checkFixtureTree(linux(KVM_KCONFIG), { trees: ['virt/kvm'], os: 'linux' });
  assert.deepEqual(x86.warnings, []);
  const both = await checkFixtureTree(linux({ ...KVM_KCONFIG, 'arch/arm64/kvm/Kconfig': 'menuconfig KVM\n\tbool "KVM"\n\tselect HAVE_RING\n' }), { trees: ['virt/kvm'], os: 'linux' });
  assert.ok(both.warnings.some((w) => w.includes('virt/kvm/ring.c')), `arm64 builds it too: the Arm reordering stays: ${JSON.stringify(both)}`);
});

test('builtForFiles: folders under one build root share it; a folder with no root above it narrows nothing', async () => {
  const { builtForFiles } = await import('../../engine/cli/kbuild-files');
  const { mkdtempSync, mkdirSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { dirname, join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'hvb-kbuild-'));
  try {
    const files: Record<string, string> = { 'linux/Kconfig': 'mainmenu "Linux"\n', 'linux/virt/kvm/ring.c': '', 'linux/virt/kvm/main.c': '', 'other/virt/kvm/ring.c': '' };
    for (const [p, t] of Object.entries({ ...KVM_KCONFIG, ...KVM_FILES })) files[`linux/${p}`] = t;
    for (const [p, t] of Object.entries(files)) { mkdirSync(dirname(join(dir, p)), { recursive: true }); writeFileSync(join(dir, p), t); }
    const ring = join(dir, 'linux/virt/kvm/ring.c');
    const checked = [join(dir, 'linux/virt/kvm'), join(dir, 'linux/arch/x86/kvm'), join(dir, 'other/virt/kvm')];
    const out = builtForFiles(checked, [ring, join(dir, 'linux/virt/kvm/main.c'), join(dir, 'other/virt/kvm/ring.c')]);
    assert.deepEqual(out, { [ring]: ['x86'] }, 'main.c is built by both arches; other/ has no arch/ and Kconfig above it');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
