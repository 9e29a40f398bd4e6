// One case per input feature, written inline: the input, then what must be read from it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseInput, type ParsedInput, type Problem } from '../../engine/patch';

interface Expect {
  kind: ParsedInput['kind'];
  /** Per unit, per file: `old -> new: @@ header @@` with the counts as read. */
  files?: string[][];
  /** Post-image fragment texts, all files of all units in order. */
  post?: string[];
  /** Problems as `line:col severity /regex/`. */
  problems?: [string, Problem['severity'], RegExp][];
  subjects?: (string | undefined)[];
}

function check(name: string, input: string, expect: Expect, path?: string): void {
  test(name, () => {
    const parsed = parseInput(input, path === undefined ? {} : { path });
    assert.equal(parsed.kind, expect.kind);
    if (expect.files) {
      assert.deepEqual(parsed.units.map((u) => u.files.map((f) =>
        `${f.oldPath} -> ${f.newPath}${f.binary ? ' (binary)' : ''}: ${f.hunks.map((h) => `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`).join(' ')}`.trimEnd())), expect.files);
    }
    if (expect.post) assert.deepEqual(parsed.units.flatMap((u) => u.files.flatMap((f) => f.post.map((g) => g.text))), expect.post);
    if (expect.subjects) assert.deepEqual(parsed.units.map((u) => u.subject), expect.subjects);
    const problems = expect.problems ?? [];
    assert.equal(parsed.problems.length, problems.length, JSON.stringify(parsed.problems));
    problems.forEach(([pos, severity, re], i) => {
      const p = parsed.problems[i]!;
      assert.equal(`${p.line}:${p.col}`, pos, p.message);
      assert.equal(p.severity, severity, p.message);
      assert.match(p.message, re);
    });
  });
}

/** A whole one-file git diff that turns `a;` into `b;`. */
const oneLineChange = ['diff --git a/a.c b/a.c', '--- a/a.c', '+++ b/a.c', '@@ -1 +1 @@', '-a;', '+b;'];

const gitDiff = [
  'diff --git a/xen/common/sched.c b/xen/common/sched.c',
  'index 1111111..2222222 100644',
  '--- a/xen/common/sched.c',
  '+++ b/xen/common/sched.c',
  '@@ -10,4 +10,5 @@ void vcpu_wake(struct vcpu *v)',
  '     spin_lock(&lock);',
  '     v->runnable = 1;',
  '+    smp_wmb();',
  '     v->ready = 1;',
  '     spin_unlock(&lock);',
  '',
].join('\n');

check('git diff', gitDiff, {
  kind: 'patch',
  files: [['xen/common/sched.c -> xen/common/sched.c: @@ -10,4 +10,5 @@']],
  post: ['    spin_lock(&lock);\n    v->runnable = 1;\n    smp_wmb();\n    v->ready = 1;\n    spin_unlock(&lock);'],
});

check('quilt diff without diff --git', [
  'Index: linux/kernel/a.c',
  '===================================================================',
  '--- linux.orig/kernel/a.c\t2024-01-01 00:00:00.000000000 +0000',
  '+++ linux/kernel/a.c\t2024-01-01 00:00:00.000000000 +0000',
  '@@ -1,2 +1,2 @@',
  '-x = 1;',
  '+WRITE_ONCE(x, 1);',
  ' y = 1;',
].join('\n'), { kind: 'patch', files: [['linux.orig/kernel/a.c -> linux/kernel/a.c: @@ -1,2 +1,2 @@']] });

check('new file from /dev/null has no pre-image path', [
  '--- /dev/null', '+++ b/new.c', '@@ -0,0 +1,2 @@', '+int x;', '+int y;',
].join('\n'), { kind: 'patch', files: [['null -> new.c: @@ -0,0 +1,2 @@']], post: ['int x;\nint y;'] });

const mail = (n: number, subject: string): string => [
  `From 123456789012345678901234567890123456789${n} Mon Sep 17 00:00:00 2001`,
  'From: A Developer <dev@example.org>',
  `Subject: [PATCH ${n}/2] ${subject}`,
  ' continued',
  '',
  'Body text.',
  '---',
  ` f${n}.c | 1 +`,
  '',
  `diff --git a/f${n}.c b/f${n}.c`,
  `--- a/f${n}.c`,
  `+++ b/f${n}.c`,
  '@@ -1,1 +1,2 @@',
  ' a;',
  '+b;',
  '-- ',
  '2.39.5',
  '',
].join('\n');

check('mbox series: one unit per mail, folded subjects unfolded', mail(1, 'first') + mail(2, 'second'), {
  kind: 'mbox',
  files: [['f1.c -> f1.c: @@ -1,1 +1,2 @@'], ['f2.c -> f2.c: @@ -1,1 +1,2 @@']],
  subjects: ['[PATCH 1/2] first continued', '[PATCH 2/2] second continued'],
});

check('encoded-word subject is decoded', [
  'From: x@example.org', 'Subject: =?UTF-8?q?caf=C3=A9_barrier?=', '', '--- a/a.c', '+++ b/a.c', '@@ -1 +1 @@', '-a', '+b',
].join('\n'), { kind: 'mbox', subjects: ['café barrier'], files: [['a.c -> a.c: @@ -1,1 +1,1 @@']] });

check('binary diffs are marked and skipped with a problem', [
  'diff --git a/img.png b/img.png',
  'index 1..2 100644',
  'Binary files a/img.png and b/img.png differ',
  'diff --git a/blob.bin b/blob.bin',
  'GIT binary patch',
  'literal 12',
  'zcmZ?wbhEHbR$yRYU}OLQ',
  '',
  'literal 0',
  'HcmV?d00001',
  '',
  ...oneLineChange,
].join('\n'), {
  kind: 'patch',
  files: [['img.png -> img.png (binary):', 'blob.bin -> blob.bin (binary):', 'a.c -> a.c: @@ -1,1 +1,1 @@']],
  problems: [['3:1', 'warning', /binary diff of img.png/], ['5:1', 'warning', /binary diff of blob.bin/]],
});

check('truncated hunk keeps what was read and says so', gitDiff.split('\n').slice(0, 8).join('\n'), {
  kind: 'patch',
  files: [['xen/common/sched.c -> xen/common/sched.c: @@ -10,2 +10,3 @@']],
  problems: [['5:1', 'warning', /has 2 of 4 old and 3 of 5 new lines.*cut short/]],
});

check('counts that no longer add up are taken from the content', [
  '--- a/a.c', '+++ b/a.c', '@@ -1,2 +1,2 @@', ' a;', '+b;', ' c;', ' d;', '',
].join('\n'), {
  kind: 'patch',
  files: [['a.c -> a.c: @@ -1,3 +1,4 @@']],
  problems: [['3:1', 'warning', /holds 3 old and 4 new lines; counts taken from the content/]],
});

check('blank context lines stripped to nothing still count', [
  '--- a/a.c', '+++ b/a.c', '@@ -1,3 +1,4 @@', ' a;', '', '+b;', ' c;',
].join('\n'), { kind: 'patch', post: ['a;\n\nb;\nc;'] });

check('a context line whose leading space was eaten is read as context, with a warning', [
  '--- a/a.c', '+++ b/a.c', '@@ -1,3 +1,4 @@', ' a;', '{', '+b;', ' c;',
].join('\n'), {
  kind: 'patch',
  post: ['a;\n{\nb;\nc;'],
  problems: [['5:1', 'warning', /without its leading space/]],
});

check('a mail-wrapped line is joined to the line before it', [
  '--- a/a.c', '+++ b/a.c', '@@ -1,2 +1,3 @@', ' a;',
  '+        /* a comment long enough that the mail client wrapped it at the',
  'margin */',
  ' c;',
].join('\n'), { kind: 'patch', post: ['a;\n        /* a comment long enough that the mail client wrapped it at the margin */\nc;'] });

check('reviewer prose at the same quote depth pauses the hunk; it resumes after', [
  '> --- a/a.c', '> +++ b/a.c', '> @@ -1,3 +1,4 @@', '>  a;', '> +b;',
  '', 'Why is b needed here?', '',
  '>  c;', '>  d;',
].join('\n'), { kind: 'patch', post: ['a;\nb;\nc;\nd;'] });

check('mixed quote styles: ">> " and "> > " are the same depth', [
  '>> --- a/a.c', '> > +++ b/a.c', '>> @@ -1,1 +1,2 @@', '> >  a;', '>>+b;',
].join('\n'), { kind: 'patch', post: ['a;\nb;'] });

check('"\\ No newline at end of file" is not a line of code', [
  '--- a/a.c', '+++ b/a.c', '@@ -1 +1 @@', '-a', '\\ No newline at end of file', '+b', '\\ No newline at end of file',
].join('\n'), { kind: 'patch', post: ['b'] });

check('CRLF input', ['--- a/a.c', '+++ b/a.c', '@@ -1 +1 @@', '-a;', '+b;', ''].join('\r\n'), { kind: 'patch', post: ['b;'] });

check('malformed and combined hunk headers are errors at their line:col', [
  '> --- a/a.c', '> +++ b/a.c', '> @@ -x +1 @@', '> @@@ -1,1 -1,1 +1,2 @@@', '> @@ -1 +1 @@', '> -a', '> +b',
].join('\n'), {
  kind: 'patch',
  files: [['a.c -> a.c: @@ -1,1 +1,1 @@']],
  problems: [['3:3', 'error', /malformed hunk header/], ['4:3', 'error', /combined \(merge\) diff/]],
});

check('a hunk with no file header is kept with an unknown file', ['@@ -5,1 +5,2 @@ f(void)', ' a;', '+b;'].join('\n'), {
  kind: 'patch',
  files: [['null -> null: @@ -5,1 +5,2 @@']],
  problems: [['1:1', 'warning', /without a file header; its file is unknown/]],
});

check('garbage is unknown, with a problem at 1:1', 'lorem ipsum\n\u0000\u0001 dolor\n', {
  kind: 'unknown', problems: [['1:1', 'info', /no diff and no C code/]],
});

check('a .c path is C, whatever it holds', '--- a/a.c\n+++ b/a.c\n', { kind: 'c' }, 'xen/arch/arm/domain.c');

check('C source without a path is recognized', [
  '#include <xen/sched.h>', '', 'void f(struct vcpu *v)', '{', '    v->is_initialised = 1;', '    smp_wmb();', '}',
].join('\n'), { kind: 'c' });

check('empty input', '', { kind: 'unknown', problems: [['1:1', 'info', /no diff/]] });

check('git show / git log -p: one unit per commit, subject from the message', [
  'commit 0123456789abcdef0123456789abcdef01234567',
  'Author: A Developer <dev@example.org>',
  'Date:   Mon Jan 1 00:00:00 2024 +0000',
  '',
  '    xen: add the missing barrier',
  '',
  '    Longer text.',
  '',
  'diff --git a/a.c b/a.c',
  '--- a/a.c',
  '+++ b/a.c',
  '@@ -1 +1,2 @@',
  ' a;',
  '+smp_wmb();',
  '',
  'commit 89abcdef0123456789abcdef0123456789abcdef',
  'Author: A Developer <dev@example.org>',
  '',
  '    second',
  '',
  ...oneLineChange,
].join('\n'), {
  kind: 'patch',
  subjects: ['xen: add the missing barrier', 'second'],
  files: [['a.c -> a.c: @@ -1,1 +1,2 @@'], ['a.c -> a.c: @@ -1,1 +1,1 @@']],
});

check('a reviewer snip inside a quoted hunk ends the hunk there; later quoted lines are not glued on', [
  '> --- a/a.c', '> +++ b/a.c', '> @@ -1,6 +1,7 @@', '>  a;', '> +b;', '', '[...]', '', '> -f;', '>  g;',
].join('\n'), {
  kind: 'patch',
  post: ['a;\nb;'],
  problems: [
    ['3:3', 'info', /has 1 of 6 old and 2 of 7 new lines/],
    ['7:1', 'info', /snipped/],
    ['9:3', 'info', /outside any hunk/],
  ],
});

check('inside a hunk the counts decide: "--- x" / "+++ y" are a removed and an added line', [
  '--- a/notes.sql', '+++ b/notes.sql', '@@ -1,2 +1,2 @@', '--- old comment', '+++ new comment', ' select 1;',
].join('\n'), { kind: 'patch', files: [['notes.sql -> notes.sql: @@ -1,2 +1,2 @@']], post: ['++ new comment\nselect 1;'] });

check('prose starting with "From the" is not an mbox separator', [
  'From the note in 3.2.3: an interrupt is active on one CPU at a time.', '', ...oneLineChange,
].join('\n'), { kind: 'patch', subjects: [undefined] });

check('in a quoted reply, the eaten-space warning points inside the quote', [
  '> --- a/a.c', '> +++ b/a.c', '> @@ -1,3 +1,4 @@', '>  a;', '> }', '> +b;', '>  c;',
].join('\n'), { kind: 'patch', post: ['a;\n}\nb;\nc;'], problems: [['5:3', 'warning', /without its leading space/]] });

check('a whole series quoted in a reply still splits into one unit per mail', (mail(1, 'first') + mail(2, 'second')).split('\n').map((l) => `> ${l}`).join('\n'), {
  kind: 'mbox',
  files: [['f1.c -> f1.c: @@ -1,1 +1,2 @@'], ['f2.c -> f2.c: @@ -1,1 +1,2 @@']],
  subjects: ['[PATCH 1/2] first continued', '[PATCH 2/2] second continued'],
});

const longLastLine = ['--- a/a.c', '+++ b/a.c', '@@ -1,1 +1,2 @@', ' a;', '+        /* Drop the interrupt, because it is still inflight on another vcpu'];

check('after a complete hunk, the wrapped tail of its last line is joined', [...longLastLine, '*/'].join('\n'), {
  kind: 'patch', post: ['a;\n        /* Drop the interrupt, because it is still inflight on another vcpu */'],
});

check('after a complete hunk, a sentence is the reply, not a wrap', [...longLastLine, 'Thanks'].join('\n'), {
  kind: 'patch', post: ['a;\n        /* Drop the interrupt, because it is still inflight on another vcpu'],
});
