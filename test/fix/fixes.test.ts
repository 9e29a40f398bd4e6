// What the editor offers as fixes, on seed 000 v1 with its reader: the preferred fix moves the
// patch's barrier *with the comment the patch wrote above it*, the fixes the overstrong-barrier
// check would flag (a full smp_mb() where smp_wmb() does the same) come last, marked, never
// preferred, and every edited patch still applies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeDocument } from '../../engine/analyze';
import type { Finding, Fix } from '../../engine/checks/types';
import { overstrongFixes } from '../../engine/fix/overstrong-fixes';
import { findingToDiagnostic, toCodeActions, toRange } from '../../server/src/to-proto';
import { gitApplyCheck } from '../support/git-apply';
import { repoRoot } from '../support/paths';

const seeds = join(repoRoot, 'fixtures', 'seeds');
const readerPath = join(seeds, '000-getvcpucontext-reader.c');
const reader = { path: readerPath, text: readFileSync(readerPath, 'utf8') };

/** The ordering finding on `v->is_initialised = 1` (missing-barrier, or arch-specific-ordering where x86 is a target too). */
async function missingBarrier(path: string, text: string, kind: 'patch' | 'c'): Promise<Finding> {
  const a = await analyzeDocument({ path, text, kind, config: { arch: 'all' }, tree: [reader] });
  const f = a.findings.find((x) => x.code === 'missing-barrier' || x.code === 'arch-specific-ordering');
  assert.ok(f, `an ordering finding in ${path}: ${a.findings.map((x) => x.code).join(', ')}`);
  return f;
}

function apply(text: string, fix: Fix): string {
  const doc = TextDocument.create('file:///doc', 'diff', 1, text);
  return TextDocument.applyEdits(doc, fix.edits.map((e) => ({ range: toRange(e.range), newText: e.newText })));
}

const COMMENT = ['/*', ' * The vCPU can be scheduled as soon as _VPF_down is cleared.', ' * So clear the bit *after* the context was loaded.', ' */'];

test('seed 000 v1: the preferred fix moves the barrier as smp_wmb() and the comment the patch put above it goes along', async () => {
  const path = join(seeds, '000-v1-smp_mb.patch');
  const text = readFileSync(path, 'utf8');
  const f = await missingBarrier(path, text, 'patch');
  const preferred = f.fixes.find((x) => x.preferred)!;
  assert.match(preferred.title, /^Move smp_mb\(\) before `v->is_initialised = 1` as smp_wmb\(\)$/);
  const after = apply(text, preferred);
  const hunk = after.slice(after.indexOf('@@ '), after.indexOf('-- \n'));
  // The comment now sits right above the moved barrier, as `+` lines at its indentation...
  const expected = [...COMMENT.map((l) => `+    ${l}`), '+    smp_wmb(); /* Pairs with smp_mb() in do_domctl() (via vcpu_pause()). */', '     v->is_initialised = 1;'].join('\n');
  assert.ok(hunk.includes(expected), hunk);
  // ...and nothing of it is left where the barrier was.
  assert.equal(hunk.split('_VPF_down is cleared').length, 2, hunk);
  assert.match(hunk, /\+    \{\n         clear_bit\(_VPF_down, &v->pause_flags\);\n\+    \}/);
  const check = gitApplyCheck(text, after);
  assert.ok(check.ok, check.output);
  // The fixed patch is clean: the moved comment changes nothing the checks see.
  const again = await analyzeDocument({ path, text: after, kind: 'patch', config: { arch: 'all' }, tree: [reader] });
  assert.deepEqual(again.findings.filter((x) => x.severity === 'warning').map((x) => x.code), []);
});

test('a C file: a // comment block directly above a moved barrier moves with it; a blank line in between keeps it', async () => {
  const path = join(seeds, '000-set-info-v1-smp_mb.c');
  const base = readFileSync(path, 'utf8');
  const withComment = base.replace('        smp_mb();', '        // Order the context before the flag.\n        // (Two lines.)\n        smp_mb();');
  const f = await missingBarrier(path, withComment, 'c');
  const after = apply(withComment, f.fixes.find((x) => x.preferred)!);
  assert.match(after, /\n    \/\/ Order the context before the flag\.\n    \/\/ \(Two lines\.\)\n    smp_wmb\(\);[^\n]*\n    v->is_initialised = 1;/);
  assert.doesNotMatch(after, /\{\n\s*\/\/ Order/);
  // Separated by a blank line the comment is about the block, not the barrier: it stays.
  const apart = base.replace('        smp_mb();', '        /* About this branch. */\n\n        smp_mb();');
  const g = await missingBarrier(path, apart, 'c');
  const kept = apply(apart, g.fixes.find((x) => x.preferred)!);
  assert.match(kept, /\{\n        \/\* About this branch\. \*\/\n\n        clear_bit/);
});

test('over-strong fixes come last in the editor, marked, never preferred; the engine\'s own order is kept otherwise', async () => {
  const path = join(seeds, '000-v1-smp_mb.patch');
  const text = readFileSync(path, 'utf8');
  const f = await missingBarrier(path, text, 'patch');
  const over = overstrongFixes(f.fixes);
  assert.deepEqual([...over].map((i) => f.fixes[i]!.title).sort(), ['Insert smp_mb() before `v->is_initialised = 1`', 'Move smp_mb() before `v->is_initialised = 1`']);
  const actions = toCodeActions(findingToDiagnostic(f, { uriOf: () => 'file:///doc', version: 1 }));
  assert.deepEqual(actions.map((a) => a.title), [
    'Move smp_mb() before `v->is_initialised = 1` as smp_wmb()',
    'Insert smp_wmb() before `v->is_initialised = 1`',
    'Write `v->is_initialised = 1` with smp_store_release()',
    'Move smp_mb() before `v->is_initialised = 1` (over-strong)',
    'Insert smp_mb() before `v->is_initialised = 1` (over-strong)',
  ]);
  assert.deepEqual(actions.filter((a) => a.isPreferred).map((a) => a.title), ['Move smp_mb() before `v->is_initialised = 1` as smp_wmb()']);
});

test('overstrongFixes: only a full barrier whose weaker twin repairs at least as much', () => {
  const at = { line: 5, col: 1, endLine: 5, endCol: 1 };
  const fix = (title: string, newText: string, repairs: string[]): Fix => ({ title, edits: [{ range: at, newText }], repairs, preferred: false, verified: [] });
  const mb = fix('mb', '    smp_mb(); /* Pairs with smp_mb() in g(). */\n', ['a', 'b']);
  const wmb = fix('wmb', '    smp_wmb(); /* Pairs with smp_mb() in g(). */\n', ['a', 'b']);
  assert.deepEqual([...overstrongFixes([mb, wmb])], [0]);
  // The weaker twin repairs less: the full barrier earns its cost.
  assert.deepEqual([...overstrongFixes([mb, { ...wmb, repairs: ['a'] }])], []);
  // Elsewhere, or different in more than the barrier: not a twin.
  assert.deepEqual([...overstrongFixes([mb, { ...wmb, edits: [{ range: { ...at, line: 6, endLine: 6 }, newText: wmb.edits[0]!.newText }] }])], []);
  assert.deepEqual([...overstrongFixes([mb, fix('other', '    smp_wmb(); /* Pairs with nothing. */\n', ['a', 'b'])])], []);
  // Weakening the comment's smp_mb() instead of the barrier is not the same fix.
  assert.deepEqual([...overstrongFixes([mb, fix('odd', '    smp_mb(); /* Pairs with smp_rmb() in g(). */\n', ['a', 'b'])])], []);
});
