// The pure parts of `npm run bench recall` (bench/recall-compare.ts, bench/recall-tree.ts, the
// summary of bench/recall.ts): which lines a bug touched, how two whole-tree reports are matched,
// the KVM path move, and a scratch tree that never writes its pristine files. The runs
// themselves need the real trees and take minutes; they are the bench, not a test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import {
  compareReports, entryKey, hunkTouchedLines, lineMapsFromDiff, mapKvmPatch, mapKvmPath, nearTouched, normaliseMessage,
  oldToNewLine, touchedFromDiff, type ReportEntry,
} from '../../bench/recall-compare';
import { ScratchTree, classifyPatchLog, dryRun, gnuPatchVersion, linkCopy } from '../../bench/recall-tree';
import { summarize, type CaseOutcome } from '../../bench/recall';

const lines = (n: number, tag = 'l'): string => Array.from({ length: n }, (_, i) => `${tag}${i + 1}`).join('\n') + '\n';

test('touched lines: added lines are themselves, a removal touches the lines either side of its gap', () => {
  assert.deepEqual(hunkTouchedLines({ newStart: 10, lines: [' a', '+b', '+c', ' d'] }), [[11, 12]]);
  // Two lines removed after new line 11: the gap lies between 11 and 12.
  assert.deepEqual(hunkTouchedLines({ newStart: 10, lines: [' a', ' b', '-x', '-y', ' c'] }), [[11, 12]]);
  // A change (- then +) and a separate addition further down.
  assert.deepEqual(hunkTouchedLines({ newStart: 1, lines: [' a', '-x', '+y', ' b', ' c', ' d', '+e'] }), [[1, 2], [6, 6]]);
  assert.deepEqual(hunkTouchedLines({ newStart: 1, lines: ['-x', ' a'] }), [[1, 1]]);
});

test('touched lines from a unified diff, per file, without the a/ b/ prefixes', () => {
  const before = lines(40);
  const after = before.replace('l5\n', 'l5\nnew\n').replace('l30\n', '');
  const diff = createTwoFilesPatch('a/dir/f.c', 'b/dir/f.c', before, after) + createTwoFilesPatch('a/g.h', 'b/g.h', 'x\n', 'y\n');
  const touched = touchedFromDiff(diff);
  assert.deepEqual([...touched.keys()], ['dir/f.c', 'g.h']);
  // "new" is line 6 of the new file; old line 30 is gone, and after the insertion l29 is new line
  // 30 and l31 new line 31: the gap sits between them.
  assert.deepEqual(touched.get('dir/f.c'), [[6, 6], [30, 31]]);
  assert.deepEqual(touched.get('g.h'), [[1, 1]]);
});

test('old-to-new line map: shifted by what was added or removed above, undefined when removed', () => {
  const before = lines(40);
  const after = before.replace('l5\n', 'l5\nnew1\nnew2\n').replace('l30\n', '');
  const map = lineMapsFromDiff(createTwoFilesPatch('a/f.c', 'b/f.c', before, after)).get('f.c')!;
  const newLines = after.split('\n');
  for (let old = 1; old <= 40; old++) {
    const at = map(old);
    if (old === 30) assert.equal(at, undefined);
    else assert.equal(newLines[at! - 1], `l${old}`, `old line ${old}`);
  }
  assert.equal(oldToNewLine([])(7), 7, 'no hunks: nothing moves');
});

const entry = (file: string, line: number, message: string, more: Partial<ReportEntry> = {}): ReportEntry =>
  ({ file, line, message, severity: 'warning', code: 'missing-barrier', function: 'f', ...more });

test('message numbers are normalised, identifiers with digits are kept', () => {
  assert.equal(normaliseMessage('f() at 2535:1 holds x86_lock (3 paths)'), 'f() at #:# holds x86_lock (# paths)');
  assert.equal(entryKey(entry('a.c', 1, 'see line 10')), entryKey(entry('a.c', 99, 'see line 12')));
  assert.notEqual(entryKey(entry('a.c', 1, 'm')), entryKey(entry('b.c', 1, 'm')));
  assert.notEqual(entryKey(entry('a.c', 1, 'm')), entryKey(entry('a.c', 1, 'm', { code: 'lock-context' })));
  assert.notEqual(entryKey(entry('a.c', 1, 'm')), entryKey(entry('a.c', 1, 'm', { function: 'g' })));
});

test('reports compare as multisets: moved findings are not new, extra copies are', () => {
  const base = [entry('a.c', 10, 'race at line 10'), entry('a.c', 50, 'other'), entry('b.c', 5, 'gone')];
  const now = [entry('a.c', 12, 'race at line 12'), entry('a.c', 52, 'other'), entry('a.c', 90, 'other'), entry('c.c', 1, 'fresh')];
  const { added, removed } = compareReports(base, now);
  assert.deepEqual(added.map((e) => `${e.file}:${e.line}`).sort(), ['a.c:90', 'c.c:1']);
  assert.deepEqual(removed.map((e) => `${e.file}:${e.line}`), ['b.c:5']);
  assert.deepEqual(compareReports(base, base), { added: [], removed: [] });
});

test('with a line map, the copy that did not merely move is the one reported as new', () => {
  // Two lines were inserted at line 20: the base copy at 30 is now at 32; the one at 21 is new.
  const base = [entry('a.c', 30, 'same')];
  const now = [entry('a.c', 21, 'same'), entry('a.c', 32, 'same')];
  const mapLine = (e: ReportEntry): number => (e.line >= 20 ? e.line + 2 : e.line);
  const { added } = compareReports(base, now, { mapLine });
  assert.deepEqual(added.map((e) => e.line), [21]);
  // Without the map, the pairing is in order and the moved copy looks new.
  assert.deepEqual(compareReports(base, now).added.map((e) => e.line), [32]);
});

test('near a touched line: on it, or within the slack, in the same file only', () => {
  const touched = new Map([['dir/a.c', [[100, 104]] as const]]);
  assert.ok(nearTouched(entry('dir/a.c', 102, ''), touched, 0));
  assert.ok(nearTouched(entry('dir/a.c', 109, ''), touched, 5));
  assert.ok(nearTouched(entry('dir/a.c', 95, ''), touched, 5));
  assert.ok(!nearTouched(entry('dir/a.c', 110, ''), touched, 5));
  assert.ok(!nearTouched(entry('dir/b.c', 102, ''), touched, 5));
});

test('KVM paths: virt/kvm/arm/ moved to arch/arm64/kvm/, other paths kept', () => {
  assert.equal(mapKvmPath('virt/kvm/arm/vgic/vgic.c'), 'arch/arm64/kvm/vgic/vgic.c');
  assert.equal(mapKvmPath('virt/kvm/kvm_main.c'), 'virt/kvm/kvm_main.c');
  assert.equal(mapKvmPath('include/kvm/arm_vgic.h'), 'include/kvm/arm_vgic.h');
  const mail = [
    'Subject: [PATCH] fix virt/kvm/arm/arm.c', '---', ' virt/kvm/arm/arm.c | 1 +', '',
    'diff --git a/virt/kvm/arm/arm.c b/virt/kvm/arm/arm.c', 'index 1..2 100644',
    '--- a/virt/kvm/arm/arm.c', '+++ b/virt/kvm/arm/arm.c', '@@ -1,1 +1,2 @@', ' a', '+b',
    'diff --git a/virt/kvm/kvm_main.c b/virt/kvm/kvm_main.c', '--- a/virt/kvm/kvm_main.c', '+++ b/virt/kvm/kvm_main.c',
  ].join('\n');
  const mapped = mapKvmPatch(mail).split('\n');
  assert.equal(mapped[0], 'Subject: [PATCH] fix virt/kvm/arm/arm.c', 'the prose is left alone');
  assert.equal(mapped[4], 'diff --git a/arch/arm64/kvm/arm.c b/arch/arm64/kvm/arm.c');
  assert.equal(mapped[6], '--- a/arch/arm64/kvm/arm.c');
  assert.equal(mapped[7], '+++ b/arch/arm64/kvm/arm.c');
  assert.equal(mapped[11], 'diff --git a/virt/kvm/kvm_main.c b/virt/kvm/kvm_main.c');
  assert.equal(mapped[13], '+++ b/virt/kvm/kvm_main.c');
});

test('GNU patch logs: fuzz over offset over clean', () => {
  assert.equal(classifyPatchLog('patching file a.c'), 'clean');
  assert.equal(classifyPatchLog('patching file a.c\nHunk #1 succeeded at 40 (offset -2 lines).'), 'offset');
  assert.equal(classifyPatchLog('patching file a.c\nHunk #1 succeeded at 40 (offset 1 line).'), 'offset');
  assert.equal(classifyPatchLog('Hunk #1 succeeded at 40 (offset 3 lines).\nHunk #2 succeeded at 90 with fuzz 1 (offset 3 lines).'), 'fuzz');
});

test('scratch tree: a bug goes in through a broken link and comes out, the pristine file untouched', { skip: gnuPatchVersion() ? false : 'GNU patch not on PATH' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'recall-test-'));
  try {
    const pristine = join(dir, 'pristine');
    mkdirSync(join(pristine, 'src'), { recursive: true });
    const before = lines(30);
    writeFileSync(join(pristine, 'src', 'a.c'), before);
    writeFileSync(join(pristine, 'src', 'b.c'), 'untouched\n');
    linkCopy(pristine, join(dir, 'copy'));
    const tree = new ScratchTree(pristine, join(dir, 'copy'));
    // The patch was made against a file with two lines fewer at the top: it applies with an offset.
    const bug = createTwoFilesPatch('a/src/a.c', 'b/src/a.c', lines(28, 'l').replace(/l(\d+)/g, (_m, n: string) => `l${Number(n) + 2}`),
      lines(28, 'l').replace(/l(\d+)/g, (_m, n: string) => `l${Number(n) + 2}`).replace('l15\n', 'l15\nbug\n'));
    assert.equal(dryRun(tree.root, bug, false).applies, 'offset');
    assert.equal(dryRun(tree.root, 'not a patch\n', false).applies, 'no');
    assert.ok(tree.apply(bug, false, ['src/a.c']).ok);
    assert.equal(readFileSync(join(pristine, 'src', 'a.c'), 'utf8'), before, 'the pristine file is never written');
    assert.match(readFileSync(join(tree.root, 'src', 'a.c'), 'utf8'), /l15\nbug\nl16/);
    const rebased = tree.diff(['src/a.c', 'src/b.c']);
    assert.match(rebased, /^--- a\/src\/a\.c\n\+\+\+ b\/src\/a\.c\n@@ -13,6 \+13,7 @@/);
    assert.deepEqual(touchedFromDiff(rebased).get('src/a.c'), [[16, 16]]);
    tree.restore(['src/a.c']);
    assert.equal(readFileSync(join(tree.root, 'src', 'a.c'), 'utf8'), before);
    assert.notEqual(statSync(join(tree.root, 'src', 'a.c')).ino, statSync(join(pristine, 'src', 'a.c')).ino, 'restored as a copy, not a link');
    assert.equal(statSync(join(tree.root, 'src', 'b.c')).ino, statSync(join(pristine, 'src', 'b.c')).ino, 'untouched files stay links');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the summary counts only the cases that apply, and says so per column', () => {
  const none = { wholeCodes: [], patchCodes: [], newProblemsNear: 0, newNotJudgedNear: 0, added: 0, removed: 0, applyLog: '' };
  const outcomes: CaseOutcome[] = [
    { ...none, id: 'a', tree: 'xen', applies: 'offset', wholeCaught: true, wholeAnyNew: true, patchCaught: true, wholeCodes: ['lock-order-inversion'], added: 1 },
    { ...none, id: 'b', tree: 'xen', applies: 'fuzz', wholeCaught: false, wholeAnyNew: true, patchCaught: false, wholeCodes: ['implicit-barrier (information)'] },
    { ...none, id: 'c', tree: 'kvm', applies: 'no' },
  ];
  const text = summarize(outcomes);
  assert.match(text, /^recall: applies 2\/3 \(0 clean, 1 offset, 1 fuzz\), whole-tree caught 1\/2 \(any new diagnostic near a touched line 2\/2\), patch-mode caught 1\/2$/m);
  assert.match(text, /^\| a \| offset \| \*\*yes\*\* \|.*\| \+1\/-0 \|.*lock-order-inversion/m);
  assert.match(text, /^\| c \| no \| {2}\|/m);
});
