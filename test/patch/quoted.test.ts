// Quoted review replies from the seed threads: positions land inside the quote prefix, wrapped
// lines are rejoined, and every quoted copy of a patch reads as the same code.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fragmentPosAt, inputPosOf, parseInput, type FilePatch, type Fragment, type ParsedInput } from '../../engine/patch';
import { splitLines } from '../../engine/patch/quote';
import { readSeed } from './helpers';

function fileOf(parsed: ParsedInput, unitIndex: number, suffix: string): FilePatch {
  const f = parsed.units[unitIndex]?.files.find((x) => x.newPath?.endsWith(suffix));
  assert.ok(f, `unit ${unitIndex} has no ${suffix}`);
  return f;
}

/** The fragment line whose code, trimmed, equals `code`. */
function findLine(fragments: readonly Fragment[], code: string): { fragment: Fragment; line0: number } {
  for (const fragment of fragments) {
    const line0 = fragment.text.split('\n').findIndex((l) => l.trim() === code);
    if (line0 >= 0) return { fragment, line0 };
  }
  assert.fail(`no fragment line ${code}`);
}

test('seed 000 quoted 7 deep: the smp_mb() line maps to its input line, after "> > > > > > > +"', () => {
  const text = readSeed('000-v1-quoted-reply.txt');
  const input = splitLines(text);
  const parsed = parseInput(text);
  const file = fileOf(parsed, 0, 'xen/arch/arm/domain.c');
  const { fragment, line0 } = findLine(file.post, 'smp_mb();');
  const indent = fragment.lines[line0]!.text.indexOf('smp_mb');
  const pos = inputPosOf(fragment, line0, indent + 1);
  const expectedLine = input.indexOf('> > > > > > > +        smp_mb();') + 1;
  assert.ok(expectedLine > 0);
  assert.deepEqual(pos, { line: expectedLine, col: '> > > > > > > +'.length + indent + 1 });
  assert.equal(input[pos.line - 1]!.slice(pos.col - 1), 'smp_mb();');
  assert.equal(fragment.lines[line0]!.quotePrefix, '> > > > > > > ');
  assert.equal(fragment.section, 'int arch_set_info_guest(');
  assert.equal(fragment.fileStartLine, 914);
});

test('seed 000: the mail-wrapped comment line is rejoined and both pieces keep their input position', () => {
  const text = readSeed('000-v1-quoted-reply.txt');
  const input = splitLines(text);
  const file = fileOf(parseInput(text), 0, 'domain.c');
  const { fragment, line0 } = findLine(file.post, '* The vCPU can be scheduled as soon as _VPF_down is cleared.');
  const line = fragment.lines[line0]!;
  assert.equal(line.segments.length, 2);
  const col = line.text.indexOf('cleared.') + 1;
  const pos = inputPosOf(fragment, line0, col);
  assert.equal(input[pos.line - 1], '> > > > > > > cleared.');
  assert.equal(pos.col, '> > > > > > > '.length + 1);
  const before = inputPosOf(fragment, line0, line.text.indexOf('_VPF_down') + 1);
  assert.equal(input[before.line - 1]!.slice(before.col - 1), '_VPF_down is');
  // The reverse map finds the same fragment position from the input.
  assert.deepEqual(fragmentPosAt(file, 'post', pos), { fragment, line0, col1: col });
});

test('seed 000: the quoted hunk is reported as cut short, not dropped', () => {
  const parsed = parseInput(readSeed('000-v1-quoted-reply.txt'));
  const hunk = fileOf(parsed, 0, 'domain.c').hunks[0]!;
  assert.equal(hunk.truncated, true);
  assert.equal(hunk.declaredNewLines, 14);
  assert.equal(hunk.lines.filter((l) => l.kind === 'added').length, 6);
  const p = parsed.problems.find((x) => x.line === hunk.headerLine);
  assert.ok(p && p.severity === 'info' && /8 of 14 new lines/.test(p.message), JSON.stringify(parsed.problems));
});

test('seed 001: the patch quoted at depths 1 and 2 and shown at depth 0 reads as the same code', () => {
  const parsed = parseInput(readSeed('001-v3-patchwork-thread.txt'));
  const reply = parseInput(readSeed('001-v3-quoted-reply.txt'));
  assert.deepEqual(reply.problems, []);
  const complete = [...parsed.units.filter((u) => u.files.length === 2), ...reply.units];
  assert.deepEqual(complete.map((u) => u.quoteDepth), [1, 2, 0, 1]);
  const clean = parseInput(readSeed('001-v3-rank-vgic-lock-inversion.patch')).units[0]!;
  for (const unit of complete) {
    for (const path of ['xen/arch/arm/gic.c', 'xen/arch/arm/vgic.c']) {
      const quoted = unit.files.find((f) => f.newPath === path)!;
      const reference = clean.files.find((f) => f.newPath === path)!;
      assert.deepEqual(quoted.hunks.map((h) => h.section), reference.hunks.map((h) => h.section), `${path} at depth ${unit.quoteDepth}`);
      assert.deepEqual(quoted.post.map((g) => g.text), reference.post.map((g) => g.text), `${path} post at depth ${unit.quoteDepth}`);
      assert.deepEqual(quoted.pre.map((g) => g.text), reference.pre.map((g) => g.text), `${path} pre at depth ${unit.quoteDepth}`);
    }
  }
  const sections = complete[0]!.files.flatMap((f) => f.hunks.map((h) => h.section));
  assert.deepEqual(sections, [
    'static void gic_update_one_lr(struct vcpu *v, int i)',
    'void vgic_migrate_irq(struct vcpu *old, struct vcpu *new, unsigned int irq)',
    'void vgic_migrate_irq(struct vcpu *old, struct vcpu *new, unsigned int irq)',
    'void vgic_vcpu_inject_irq(struct vcpu *v, unsigned int virq)',
  ]);
});

test('seed 001: hunks interrupted by replies resume, and removed lines keep their quoted position', () => {
  const text = readSeed('001-v3-patchwork-thread.txt');
  const input = splitLines(text);
  const parsed = parseInput(text);
  for (const [unitIndex, prefix] of [[0, '> '], [1, '> > ']] as const) {
    const vgic = fileOf(parsed, unitIndex, 'vgic.c');
    const { fragment, line0 } = findLine(vgic.pre, 'vgic_vcpu_inject_irq(new, irq);');
    const hl = fragment.lines[line0]!;
    assert.equal(hl.kind, 'removed');
    const pos = inputPosOf(fragment, line0, 1);
    assert.equal(input[pos.line - 1], `${prefix}-        vgic_vcpu_inject_irq(new, irq);`);
    assert.equal(pos.col, prefix.length + 2);
    // Reviewer prose sits between this hunk's lines in the input; none of it leaks in.
    const hunk = vgic.hunks[1]!;
    assert.equal(hunk.truncated, undefined);
    assert.ok(hunk.lines.every((l) => !/call|Looking|cleanup/.test(l.text)));
  }
});

test('seed 001: wrapped hunk headers and code lines at depth 2 and 4 are rejoined', () => {
  const parsed = parseInput(readSeed('001-v3-patchwork-thread.txt'));
  const depth2 = fileOf(parsed, 1, 'vgic.c');
  const { fragment, line0 } = findLine(depth2.post, '/* Drop the interrupt, because it is still inflight on another vcpu */');
  assert.equal(fragment.lines[line0]!.segments.length, 2);
  const depth4 = parsed.units.find((u) => u.quoteDepth === 4)!;
  const hunk = depth4.files[0]!.hunks[0]!;
  assert.equal(hunk.section, 'void vgic_vcpu_inject_irq(struct vcpu *v, unsigned int virq)');
  const drop = hunk.lines.find((l) => l.text.includes('Drop the interrupt'))!;
  assert.equal(drop.text.trim(), '/* Drop the interrupt, because it is still inflight on another vcpu */');
  assert.equal(drop.segments.length, 3);
  assert.equal(depth4.files[0]!.newPath, 'xen/arch/arm/vgic.c');
});

test('seeds 000 and 001: no quoted prose line is ever read as code', () => {
  for (const name of ['000-v1-quoted-reply.txt', '001-v3-patchwork-thread.txt']) {
    const parsed = parseInput(readSeed(name));
    for (const u of parsed.units) for (const f of u.files) for (const h of f.hunks) {
      for (const l of h.lines) assert.ok(!/\b(I think|Hi Stefano|wrote:|Cheers)\b/.test(l.text), `${name}: ${l.text}`);
    }
  }
});
