// Hunk edits as the quick fixes use them: the edited patch re-reads cleanly, its headers are
// recounted, it still applies with `git apply --check`, and quoted replies keep their prefix.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyTextEdits, editHunk, hunkLineIndex, insertAddedLines, parseInput, type FilePatch, type ParsedInput } from '../../engine/patch';
import { splitLines } from '../../engine/patch/quote';
import { gitApplyCheck, readSeed } from './helpers';

function only(parsed: ParsedInput, path: string): FilePatch {
  const f = parsed.units[0]!.files.find((x) => x.newPath === path);
  assert.ok(f);
  return f;
}

/** The edited patch re-reads without problems and still applies to its pre-image. */
function assertStillApplies(out: string): ParsedInput {
  const again = parseInput(out);
  assert.deepEqual(again.problems, []);
  assert.equal(gitApplyCheck(again.units[0]!.files, out), '');
  return again;
}

/** Hunk index and line index of the first hunk line whose trimmed text is `code`. */
function locate(file: FilePatch, code: string): { hunkIndex: number; line: number } {
  for (let h = 0; h < file.hunks.length; h++) {
    const line = file.hunks[h]!.lines.findIndex((l) => l.text.trim() === code);
    if (line >= 0) return { hunkIndex: h, line };
  }
  assert.fail(`no hunk line ${code}`);
}

test('seed 000 v1: one smp_wmb() before v->is_initialised = 1 recounts the header and still applies', () => {
  const text = readSeed('000-v1-smp_mb.patch');
  const file = only(parseInput(text), 'xen/arch/arm/domain.c');
  const at = locate(file, 'v->is_initialised = 1;');
  const edits = insertAddedLines({ text, file, hunkIndex: at.hunkIndex, before: at.line, lines: ['    smp_wmb(); /* Pairs with smp_rmb() in do_domctl(). */'] });
  const out = applyTextEdits(text, edits);
  assert.match(out, /@@ -914,7 \+914,15 @@ int arch_set_info_guest\(\n\+    smp_wmb\(\); \/\* Pairs with smp_rmb\(\) in do_domctl\(\)\. \*\/\n     v->is_initialised = 1;\n/);
  const again = assertStillApplies(out);
  assert.equal(only(again, 'xen/arch/arm/domain.c').hunks[0]!.newLines, 15);
});

test('seed 000 v1: moving the barrier (drop the smp_mb() line, insert elsewhere) still applies', () => {
  const text = readSeed('000-v1-smp_mb.patch');
  const file = only(parseInput(text), 'xen/arch/arm/domain.c');
  const mb = locate(file, 'smp_mb();');
  const init = locate(file, 'v->is_initialised = 1;');
  const out = applyTextEdits(text, editHunk({ text, file, hunkIndex: 0, remove: [mb.line], insert: [{ before: init.line, lines: ['    smp_wmb();'] }] }));
  assert.match(out, /@@ -914,7 \+914,14 @@/);
  assert.doesNotMatch(out, /smp_mb\(\);/);
  assertStillApplies(out);
});

test('a context line taken out of the post-image becomes a removed line', () => {
  const text = readSeed('000-v2-smp_wmb.patch');
  const file = only(parseInput(text), 'xen/arch/arm/domain.c');
  const at = locate(file, 'v->is_initialised = 1;');
  const out = applyTextEdits(text, editHunk({ text, file, hunkIndex: at.hunkIndex, remove: [at.line], insert: [{ before: at.line + 1, lines: ['    smp_store_release(&v->is_initialised, 1);'] }] }));
  assert.match(out, /\n-    v->is_initialised = 1;\n\+    smp_store_release\(&v->is_initialised, 1\);\n/);
  assertStillApplies(out);
});

test('seed 001: inserting in the first vgic.c hunk shifts the later hunks of that file', () => {
  const text = readSeed('001-v3-rank-vgic-lock-inversion.patch');
  const parsed = parseInput(text);
  const vgic = only(parsed, 'xen/arch/arm/vgic.c');
  const at = locate(vgic, 'list_del_init(&p->inflight);');
  assert.equal(at.hunkIndex, 1);
  const first = locate(vgic, 'perfc_incr(vgic_irq_migrates);');
  const out = applyTextEdits(text, insertAddedLines({ text, file: vgic, hunkIndex: first.hunkIndex, before: first.line, lines: ['    smp_mb();', ''] }));
  assert.match(out, /@@ -264,20 \+264,19 @@/);
  assert.match(out, /@@ -286,7 \+285,6 @@/);
  assert.match(out, /@@ -495,6 \+493,13 @@/);
  assert.match(out, /@@ -504,11 \+504,7 @@/, 'gic.c is another file and keeps its numbers');
  assertStillApplies(out);
});

test('seed 000 quoted reply: the inserted line keeps the 7-deep quote prefix; the header counts the whole hunk', () => {
  const text = readSeed('000-v1-quoted-reply.txt');
  const parsed = parseInput(text);
  const file = parsed.units[0]!.files[0]!;
  const post = file.post[0]!;
  const line0 = post.text.split('\n').findIndex((l) => l.trim() === 'v->is_initialised = 1;');
  const where = hunkLineIndex(file, post, line0)!;
  const out = applyTextEdits(text, insertAddedLines({ text, file, hunkIndex: where.hunkIndex, before: where.line, lines: ['    smp_wmb();'] }));
  const lines = splitLines(out);
  const header = lines.findIndex((l) => l.includes('@@ -914'));
  assert.equal(lines[header], '> > > > > > > @@ -914,7 +914,15 @@ int arch_set_info_guest(');
  assert.equal(lines[header + 1], '> > > > > > > +    smp_wmb();');
  assert.equal(lines[header + 2], '> > > > > > >         v->is_initialised = 1;');
  assert.equal(splitLines(text).length + 1, lines.length);
  const again = parseInput(out);
  const hunk = again.units[0]!.files[0]!.hunks[0]!;
  assert.equal(hunk.lines[0]!.text, '    smp_wmb();');
  assert.equal(hunk.declaredNewLines, 15);
});

test('appending after the last line of a hunk at the end of the input', () => {
  const text = '--- a/a.c\n+++ b/a.c\n@@ -1,1 +1,2 @@\n a;\n+b;';
  const file = parseInput(text).units[0]!.files[0]!;
  const out = applyTextEdits(text, insertAddedLines({ text, file, hunkIndex: 0, before: file.hunks[0]!.lines.length, lines: ['c;'] }));
  assert.equal(out, '--- a/a.c\n+++ b/a.c\n@@ -1,1 +1,3 @@\n a;\n+b;\n+c;');
  const dropped = applyTextEdits(text, editHunk({ text, file, hunkIndex: 0, remove: [1] }));
  assert.equal(dropped, '--- a/a.c\n+++ b/a.c\n@@ -1,1 +1,1 @@\n a;');
});

test('CRLF documents get CRLF lines', () => {
  const text = '--- a/a.c\r\n+++ b/a.c\r\n@@ -1 +1,2 @@\r\n a;\r\n+b;\r\n';
  const file = parseInput(text).units[0]!.files[0]!;
  const out = applyTextEdits(text, insertAddedLines({ text, file, hunkIndex: 0, before: 1, lines: ['x;'] }));
  assert.equal(out, '--- a/a.c\r\n+++ b/a.c\r\n@@ -1 +1,3 @@\r\n a;\r\n+x;\r\n+b;\r\n');
});

test('the git apply check itself rejects a patch whose header was not recounted', () => {
  const text = readSeed('000-v1-smp_mb.patch');
  const parsed = parseInput(text);
  const broken = text.replace('+    {\n', '+    {\n+    smp_wmb();\n');
  assert.notEqual(gitApplyCheck(parsed.units[0]!.files, broken), '');
});
