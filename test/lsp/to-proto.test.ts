// The engine → LSP translation on a finding shaped like the one the checks give for seed 000
// (the front end builds the real patch edit): 1-based end-exclusive ranges become 0-based,
// fixes ride in `data`, the preferred fix is marked, the edited patch still applies, and the
// hover carries the explanation, the model table, the witness and the litmus test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding } from '../../engine/checks/types';
import { insertAddedLines, parseInput } from '../../engine/patch/index';
import { hoverAt } from '../../server/src/hover';
import { findingToDiagnostic, toCodeActions, toCodeLenses, uriResolver } from '../../server/src/to-proto';
import { gitApplyCheck } from '../support/git-apply';
import { repoRoot } from '../support/paths';

const patchPath = join(repoRoot, 'fixtures', 'seeds', '000-v1-smp_mb.patch');
const text = readFileSync(patchPath, 'utf8');
const uri = 'file:///ws/000-v1-smp_mb.patch';

function seedFinding(): Finding {
  const file = parseInput(text).units[0]!.files[0]!;
  const hunk = file.hunks[0]!;
  const before = hunk.lines.findIndex((l) => l.text.includes('v->is_initialised = 1'));
  const target = hunk.lines[before]!.segments[0]!.input;
  const edits = insertAddedLines({ text, file, hunkIndex: 0, before, lines: ['    smp_wmb(); /* Pairs with smp_rmb() in the reader. */'] })
    .map((e) => ({ range: { line: e.line, col: e.col, endLine: e.endLine, endCol: e.endCol }, newText: e.newText }));
  const span = { line: target.line, col: target.col + 4, endLine: target.line, endCol: target.col + 4 + 'v->is_initialised = 1'.length };
  return {
    id: 'f1', code: 'missing-barrier', severity: 'warning', place: { range: span },
    message: 'The store to v->is_initialised can become visible before the vCPU context stores.',
    explanation: 'A reader that sees `is_initialised == 1` may still read the old context.',
    related: [{ place: { file: 'xen/common/domain.c', range: { line: 10, col: 5, endLine: 10, endCol: 14 } }, message: 'the paired smp_rmb()' }],
    models: [{ model: 'sc', verdict: 'forbidden' }, { model: 'x86-tso', verdict: 'forbidden' }, { model: 'armv8', verdict: 'allowed' }, { model: 'lkmm', verdict: 'allowed' }],
    witness: [{ cpu: 0, step: 1, text: 'W is_initialised=1' }, { cpu: 1, step: 2, text: 'R is_initialised=1' }, { cpu: 0, step: 3, text: 'W ctxt=1' }],
    litmus: 'C seed000\n{}\nP0(int *x) { WRITE_ONCE(*x, 1); }\nexists (x=1)\n',
    fixes: [
      { title: 'Insert smp_wmb() before v->is_initialised = 1', edits, repairs: ['f1'], preferred: true, verified: [] },
      { title: 'Use smp_store_release()', edits: [], repairs: ['f1'], preferred: false, verified: [] },
    ],
  };
}

test('a finding becomes a 0-based, fully addressed diagnostic whose data builds the fixes', () => {
  const f = seedFinding();
  const uriOf = uriResolver(uri, '/ws/000-v1-smp_mb.patch', ['/ws']);
  const d = findingToDiagnostic(f, { uriOf, version: 7 });
  assert.deepEqual(d.range, { start: { line: f.place.range.line - 1, character: f.place.range.col - 1 }, end: { line: f.place.range.line - 1, character: f.place.range.endCol - 1 } });
  assert.equal(text.split('\n')[d.range.start.line]!.slice(d.range.start.character, d.range.end.character), 'v->is_initialised = 1');
  assert.equal(d.code, 'missing-barrier');
  assert.equal(d.source, 'hvbarrier');
  assert.match(d.codeDescription!.href, /docs\/checks\/missing-barrier\.md$/);
  assert.equal(d.relatedInformation![0]!.location.uri, 'file:///ws/xen/common/domain.c');
  assert.deepEqual(d.relatedInformation![0]!.location.range.start, { line: 9, character: 4 });

  // The code action is built from the diagnostic alone, as a client sends it back.
  const actions = toCodeActions(JSON.parse(JSON.stringify(d)));
  assert.deepEqual(actions.map((a) => [a.title, a.kind, a.isPreferred ?? false]), [
    ['Insert smp_wmb() before v->is_initialised = 1', 'quickfix', true],
    ['Use smp_store_release()', 'quickfix', false],
  ]);
  const doc = TextDocument.create(uri, 'diff', 1, text);
  const after = TextDocument.applyEdits(doc, actions[0]!.edit!.changes![uri]!);
  assert.match(after, /@@ -914,7 \+914,15 @@/);
  assert.match(after, /\n\+    smp_wmb\(\); \/\* Pairs with smp_rmb\(\) in the reader\. \*\/\n     v->is_initialised = 1;/);
  const check = gitApplyCheck(text, after);
  assert.ok(check.ok, check.output);
  // And the check can fail: a hunk header left uncounted does not apply.
  assert.equal(gitApplyCheck(text, after.replace('+914,15', '+914,14')).ok, false);
});

test('the hover on a finding opens with the model table and the witness per CPU, then the explanation and the litmus test', () => {
  const f = seedFinding();
  const uriOf = uriResolver(uri, '/ws/000-v1-smp_mb.patch', ['/ws']);
  const a = { findings: [f], notes: [{ place: { range: { line: 40, col: 9, endLine: 40, endCol: 18 } }, kind: 'barrier' as const, markdown: 'smp_mb(): orders everything; no pair in view' }], problems: [] };
  const h = hoverAt(a, { line: f.place.range.line, col: f.place.range.col + 3 }, { docUri: uri, uriOf })!;
  const md = (h.contents as { value: string }).value;
  // The editor shows the message already: the hover opens with the verdicts and the execution.
  assert.ok(!md.includes(f.message), 'the diagnostic message is not repeated');
  assert.ok(md.startsWith('| model | bad outcome |\n|---|---|\n'), md.slice(0, 80));
  assert.ok(md.indexOf('**Witness execution**') < md.indexOf('A reader that sees'), 'the witness before the explanation');
  assert.match(md, /\[`missing-barrier`\]\(https:[^)]*missing-barrier\.md\)/);
  assert.match(md, /A reader that sees/);
  assert.match(md, /\| ARMv8 \| allowed \|/);
  assert.match(md, /CPU 0:\n1\. W is_initialised=1\n3\. W ctxt=1/);
  assert.match(md, /CPU 1:\n2\. R is_initialised=1/);
  assert.match(md, /```litmus\nC seed000/);
  assert.match(md, /\(preferred\)/);
  const note = hoverAt(a, { line: 40, col: 10 }, { docUri: uri, uriOf })!;
  assert.equal((note.contents as { value: string }).value, 'smp_mb(): orders everything; no pair in view');
  assert.equal(hoverAt(a, { line: 1, col: 1 }, { docUri: uri, uriOf }), null);
  // ARMv8 allows the outcome: there is an execution to show, and the generated test.
  assert.deepEqual(toCodeLenses(a, { docUri: uri, uriOf, doc: { kind: 'patch', text } }).map((l) => l.command!.command), ['hvbarrier.showExecution', 'hvbarrier.showLitmus']);
  // A finding no model allows (an over-strong barrier) has nothing to draw.
  const forbidden = { ...a, findings: [{ ...f, models: f.models.map((m) => ({ ...m, verdict: 'forbidden' as const })) }] };
  assert.deepEqual(toCodeLenses(forbidden, { docUri: uri, uriOf, doc: { kind: 'patch', text } }).map((l) => l.command!.command), ['hvbarrier.showLitmus']);
});
