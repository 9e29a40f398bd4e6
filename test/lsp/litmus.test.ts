// Protocol tests on .litmus documents, the findings the engine gives today for every model:
// verdict diagnostics, hover table, code lenses, re-diagnosis after an incremental edit, and
// the warning when a test's own Result: line disagrees with LKMM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../support/paths';
import { fileUri, startClient } from './client';

const mpPath = join(repoRoot, 'fixtures', 'litmus', 'MP.litmus');
const mpText = readFileSync(mpPath, 'utf8');

/** The 0-based position of the first occurrence of `needle` in `text`. */
function posOf(text: string, needle: string): { line: number; character: number } {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, `${needle} not in text`);
  const before = text.slice(0, i).split('\n');
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

test('a .litmus document gets per-model verdicts as a fully addressed diagnostic, a hover table and code lenses', async () => {
  const c = await startClient();
  try {
    const uri = fileUri(mpPath);
    c.open(uri, 'litmus', mpText);
    const pub = await c.waitFor(uri, (p) => p.diagnostics.length > 0);
    assert.equal(pub.version, 1);
    const d = pub.diagnostics.find((x) => x.code === 'litmus-verdict');
    assert.ok(d, JSON.stringify(pub.diagnostics));
    assert.equal(d.source, 'hvbarrier');
    assert.match(d.codeDescription!.href, /docs\/checks\/litmus-verdict\.md$/);
    assert.deepEqual(d.range.start, posOf(mpText, 'exists'));
    assert.match(d.message, /sc: forbidden.*x86-tso: forbidden.*armv8: allowed.*lkmm: allowed/);
    assert.equal((d.data as { findingId: string }).findingId, 'verdict');
    assert.ok(!pub.diagnostics.some((x) => x.code === 'litmus-result-mismatch'), 'MP has no Result: line');

    const hover = await c.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: posOf(mpText, '1:r0=1') }) as { contents: { kind: string; value: string } };
    assert.equal(hover.contents.kind, 'markdown');
    assert.match(hover.contents.value, /\| x86-TSO \| forbidden \|/);
    assert.match(hover.contents.value, /\| ARMv8 \| allowed \|/);
    assert.match(hover.contents.value, /\| LKMM \| allowed \|/);

    const nothing = await c.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } });
    assert.equal(nothing, null);

    const lenses = await c.conn.sendRequest('textDocument/codeLens', { textDocument: { uri } }) as Array<{ command: { title: string } }>;
    assert.deepEqual(lenses.map((l) => l.command.title), ['sc: forbidden', 'x86-tso: forbidden', 'armv8: allowed', 'lkmm: allowed', 'Show execution']);
  } finally {
    await c.close();
  }
});

test('an incremental edit (release/acquire) is re-diagnosed and the new version replaces the old verdict', async () => {
  const c = await startClient();
  try {
    const uri = 'untitled:MP-edit.litmus';
    c.open(uri, 'litmus', mpText);
    await c.waitFor(uri, (p) => p.diagnostics.some((d) => /armv8: allowed/.test(d.message)));
    const w = posOf(mpText, 'WRITE_ONCE(*flag, 1);');
    const r = posOf(mpText, 'READ_ONCE(*flag);');
    // Edit the later line first so the earlier position stays valid, as editors do.
    c.change(uri, 2, [
      { range: { start: r, end: { line: r.line, character: r.character + 'READ_ONCE(*flag);'.length } }, text: 'smp_load_acquire(flag);' },
      { range: { start: w, end: { line: w.line, character: w.character + 'WRITE_ONCE(*flag, 1);'.length } }, text: 'smp_store_release(flag, 1);' },
    ]);
    const pub = await c.waitFor(uri, (p) => p.version === 2);
    const d = pub.diagnostics.find((x) => x.code === 'litmus-verdict')!;
    assert.match(d.message, /armv8: forbidden.*lkmm: forbidden/);
  } finally {
    await c.close();
  }
});

test('a Result: line that disagrees with LKMM is a warning', async () => {
  const c = await startClient();
  try {
    const uri = 'untitled:MP-claims-never.litmus';
    const text = mpText.replace('Expected:', 'Result: Never\n * Expected:');
    c.open(uri, 'litmus', text);
    const pub = await c.waitFor(uri, (p) => p.diagnostics.length > 0);
    const w = pub.diagnostics.find((x) => x.code === 'litmus-result-mismatch');
    assert.ok(w, JSON.stringify(pub.diagnostics));
    assert.equal(w.severity, 2);
    assert.match(w.message, /Result: Never.*LKMM gives Sometimes/);
  } finally {
    await c.close();
  }
});
