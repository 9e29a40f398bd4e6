// The seed table of issue 5: what a reviewer of each seed thread should be told.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseInput } from '../../engine/patch/index';
import { gitApplyCheck } from '../patch/helpers';
import { applyFix, check, codes, lineText, only, preferred, seeds } from './helpers';

const reader000 = seeds('000-getvcpucontext-reader.c');

test('000 v1 patch: missing-barrier at v->is_initialised = 1, overstrong smp_mb, preferred fix = one smp_wmb before it', async () => {
  const file = seeds('000-v1-smp_mb.patch');
  const text = readFileSync(file, 'utf8');
  const a = await check({ file, tree: [reader000] });
  const [missing] = only(a, 'missing-barrier');
  assert.ok(missing, JSON.stringify(codes(a)));
  assert.match(lineText(text, missing.place.range.line), /^ +v->is_initialised = 1;/);
  assert.equal(text.split('\n')[missing.place.range.line - 1]!.slice(missing.place.range.col - 1, missing.place.range.endCol - 1), 'v->is_initialised = 1');
  assert.deepEqual(missing.models.map((m) => [m.model, m.verdict]), [['sc', 'forbidden'], ['x86-tso', 'forbidden'], ['armv8', 'allowed'], ['lkmm', 'allowed']]);
  assert.ok(missing.related.some((r) => r.place.file === reader000 && /sync_vcpu_execstate/.test(r.message)), 'names the reader pairing');
  assert.ok(missing.witness && missing.witness.length >= 3);
  assert.ok(missing.witness.filter((w) => w.cpu === 1 && w.place).every((w) => w.place!.file === reader000), 'reader steps name their file');
  assert.match(missing.litmus ?? '', /exists \(1:r0=1 \/\\ 1:r1=0\)/);
  const [over] = only(a, 'overstrong-barrier');
  assert.ok(over);
  assert.equal(over.severity, 'information');
  assert.match(lineText(text, over.place.range.line), /smp_mb\(\);/);
  // The preferred fix leaves exactly one barrier, an smp_wmb() right before the flag store.
  const fix = preferred(missing);
  assert.ok(fix.repairs.includes(over.id) && fix.repairs.includes(missing.id), 'repairs both findings');
  const fixed = applyFix(text, fix);
  const lines = fixed.split('\n');
  const at = lines.findIndex((l) => /^ +v->is_initialised = 1;/.test(l));
  assert.match(lines[at - 1]!, /^\+ +smp_wmb\(\); \/\* Pairs with smp_mb\(\) in do_domctl\(\) \(via vcpu_pause\(\)\)\. \*\/$/);
  assert.equal(fixed.match(/smp_mb\(\);/g)?.length ?? 0, 0);
  assert.deepEqual(fix.verified.map((v) => [v.model, v.verdict]), [['armv8', 'forbidden']]);
  const parsed = parseInput(fixed, { path: file });
  assert.equal(gitApplyCheck(parsed.units.flatMap((u) => u.files), fixed), '');
  const again = await check({ file, text: fixed, tree: [reader000] });
  assert.deepEqual(codes(again, 'warning'), [], 'clean after the fix');
});

test('000 v1 in the quoted reply: the finding lands on the quoted + line, inside the quote prefix', async () => {
  const file = seeds('000-v1-quoted-reply.txt');
  const text = readFileSync(file, 'utf8');
  const a = await check({ file, tree: [reader000], os: 'xen' });
  const [missing] = only(a, 'missing-barrier');
  assert.ok(missing, JSON.stringify(codes(a)));
  const line = lineText(text, missing.place.range.line);
  assert.match(line, /^(> )+ +v->is_initialised = 1;/);
  assert.equal(line.slice(missing.place.range.col - 1, missing.place.range.endCol - 1), 'v->is_initialised = 1');
  const fixed = applyFix(text, preferred(missing));
  assert.match(fixed, /\n(> ){7}\+ +smp_wmb\(\);/, 'the inserted line keeps the quote prefix');
});

test('000 with smp_wmb before v->is_initialised = 1: no warnings; the barrier names its reader pairing', async () => {
  const file = seeds('000-v2-smp_wmb.patch');
  const a = await check({ file, tree: [reader000] });
  assert.deepEqual(codes(a, 'warning'), []);
  const note = a.notes.find((n) => n.kind === 'barrier' && /smp_wmb/.test(n.markdown));
  assert.ok(note);
  assert.match(note.markdown, /do_domctl\(\) via vcpu_pause\(\) → vcpu_sleep_sync\(\) → sync_vcpu_execstate\(\)/);
});

test('001 pre-patch: lock-order inversion both ways, implicit barrier between list_del_init and irq_set_affinity', async () => {
  const file = seeds('001-pre-patch-gic-vgic.c');
  const a = await check({ file, os: 'xen' });
  const inversions = only(a, 'lock-order-inversion');
  // One finding per inversion (the opposite order is related), not one per path.
  assert.equal(inversions.length, 1);
  assert.ok(inversions.some((f) => /vgic\.lock.*rank|rank.*vgic\.lock/.test(f.message) && /gic_clear_lrs/.test(f.message)));
  assert.ok(inversions.every((f) => f.related.some((r) => /opposite order/.test(r.message))));
  const implicit = only(a, 'implicit-barrier');
  assert.ok(implicit.some((f) => /list_del_init\(&p->inflight\)/.test(f.message) && /irq_set_affinity/.test(f.message)), JSON.stringify(implicit.map((f) => f.message)));
  assert.ok(implicit.every((f) => f.severity === 'information'));
});

test('001 v3 patch: lost-event on the removed vgic_vcpu_inject_irq line', async () => {
  const file = seeds('001-v3-rank-vgic-lock-inversion.patch');
  const text = readFileSync(file, 'utf8');
  const [lost] = only(await check({ file }), 'lost-event');
  assert.ok(lost);
  assert.match(lineText(text, lost.place.range.line), /^- +vgic_vcpu_inject_irq\(new, irq\);/);
  assert.ok(lost.related.some((r) => /list_del_init|dequeue/.test(r.message)));
});

test('002 KVM request/mode handshake: clean with both smp_mb', async () => {
  assert.deepEqual(codes(await check({ file: seeds('002-kvm-request-both-mb.c') }), 'warning'), []);
});

test('002 without the smp_mb on vCPU entry: missing-barrier, store buffering allowed even on x86-TSO', async () => {
  const a = await check({ file: seeds('002-kvm-request-no-entry-mb.c') });
  const [f] = only(a, 'missing-barrier');
  assert.ok(f, JSON.stringify(codes(a)));
  assert.match(f.message, /store buffering/);
  assert.equal(f.models.find((m) => m.model === 'x86-tso')?.verdict, 'allowed');
  assert.ok(f.fixes.some((x) => x.preferred && /smp_mb/.test(x.title)));
});

test('002 without the smp_mb after kvm_make_request: broken on ARMv8/LKMM; x86 is saved only by set_bit\'s LOCK prefix', async () => {
  const a = await check({ file: seeds('002-kvm-request-no-kick-mb.c') });
  const [f] = only(a, 'arch-specific-ordering');
  assert.ok(f, JSON.stringify(codes(a)));
  assert.deepEqual(f.models.filter((m) => m.model !== 'sc').map((m) => [m.model, m.verdict]), [['x86-tso', 'forbidden'], ['armv8', 'allowed'], ['lkmm', 'allowed']]);
});

for (const name of ['003-v2-set-way.patch', '003-set-way-work.c']) {
  test(`003 set/way (${name}): no missing-barrier (vCPU-local) and no lock-context`, async () => {
    const a = await check({ file: seeds(name), os: 'xen' });
    assert.deepEqual(codes(a).filter((c) => c === 'missing-barrier' || c === 'lock-context' || c === 'arch-specific-ordering'), []);
  });
}

test('004 dirty ring with plain flags: arch-specific-ordering; preferred fix smp_load_acquire; clean after it', async () => {
  const file = seeds('004-dirty-ring-plain.c');
  const text = readFileSync(file, 'utf8');
  const a = await check({ file });
  const arch = only(a, 'arch-specific-ordering');
  assert.ok(arch.length > 0, JSON.stringify(codes(a)));
  for (const f of arch) {
    assert.deepEqual(f.models.filter((m) => m.model !== 'sc').map((m) => [m.model, m.verdict]), [['x86-tso', 'forbidden'], ['armv8', 'allowed'], ['lkmm', 'allowed']]);
  }
  const fix = preferred(arch[0]!);
  assert.match(fix.title, /smp_load_acquire/);
  const fixed = applyFix(text, fix);
  assert.match(fixed, /smp_load_acquire\(&gfn->flags\)/);
  assert.deepEqual(codes(await check({ file, text: fixed }), 'warning'), []);
});

for (const name of ['004-dirty-ring-acq-rel.c', '000-set-info-smp_wmb.c', '002-kvm-request-both-mb.c']) {
  test(`precision: no warnings on the fixed version ${name}`, async () => {
    const tree = name.startsWith('000') ? [reader000] : [];
    assert.deepEqual(codes(await check({ file: seeds(name), tree, os: name.startsWith('000') ? 'xen' : undefined }), 'warning'), []);
  });
}
