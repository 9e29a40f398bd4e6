// "Show execution" through a real client: the server draws the witness execution of a finding
// (the same SVG as `check --graph`), offered as a code lens where some model allows the bad
// outcome, and read back here as a graph: one column per CPU, the message-passing cycle as
// labelled po/rf/fr edges. The webview page around it (client/src/execution-html.ts) loads and
// runs nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeLens } from 'vscode-languageserver-protocol';
import { executionCsp, executionHtml } from '../../client/src/execution-html';
import { analyzeDocument } from '../../engine/analyze';
import { executionView } from '../../server/src/execution';
import { repoRoot } from '../support/paths';
import { seed000Workspace } from '../support/seed000';
import { readGraph } from '../support/svg-graph';
import { fileUri, startClient, type TestClient } from './client';

type View = { title: string; heading: string; svg: string } | { none: string };

async function lenses(c: TestClient, uri: string): Promise<CodeLens[]> {
  return await c.conn.sendRequest('textDocument/codeLens', { textDocument: { uri } }) as CodeLens[];
}

async function show(c: TestClient, lens: CodeLens): Promise<View> {
  return await c.conn.sendRequest('workspace/executeCommand', { command: lens.command!.command, arguments: lens.command!.arguments }) as View;
}

/** Opens a fixture, waits for the finding `code`, and clicks its "Show execution" lens: the SVG's graph and text. */
async function pictureOf(c: TestClient, a: { path: string; languageId: string; code: string }): Promise<{ graph: ReturnType<typeof readGraph>; svg: string }> {
  const uri = fileUri(a.path);
  c.open(uri, a.languageId, readFileSync(a.path, 'utf8'));
  const pub = await c.waitFor(uri, (p) => p.diagnostics.some((x) => x.code === a.code));
  const d = pub.diagnostics.find((x) => x.code === a.code)!;
  const lens = (await lenses(c, uri)).find((l) => l.range.start.line === d.range.start.line && l.command!.title.startsWith('Show execution'));
  assert.ok(lens, `a Show execution lens on ${a.code}`);
  const view = await show(c, lens);
  assert.ok('svg' in view, JSON.stringify(view));
  return { graph: readGraph(view.svg), svg: view.svg };
}

test('seed 000 v1 with its reader: the missing-barrier finding\'s lens shows the MP execution ARMv8 allows, drawn by the server', async () => {
  const ws = seed000Workspace();
  const c = await startClient({ root: ws.root, cacheDir: join(ws.root, '.cache') });
  try {
    const text = readFileSync(ws.patch, 'utf8');
    const uri = fileUri(ws.patch);
    c.open(uri, 'diff', text);
    const pub = await c.waitFor(uri, (p) => p.diagnostics.some((x) => x.code === 'missing-barrier'));
    const d = pub.diagnostics.find((x) => x.code === 'missing-barrier')!;
    const all = await lenses(c, uri);
    const onFinding = all.filter((l) => l.range.start.line === d.range.start.line).map((l) => l.command!.title);
    assert.deepEqual(onFinding, ['Show execution', 'Show litmus test']);
    // The over-strong barrier's outcome is forbidden everywhere: nothing to draw, so no lens.
    const over = pub.diagnostics.find((x) => x.code === 'overstrong-barrier')!;
    const onOver = all.filter((l) => l.range.start.line === over.range.start.line).map((l) => l.command!.title);
    assert.ok(!onOver.some((t) => t.startsWith('Show execution')), onOver.join(', '));
    // Two findings share that line (the over-strong barrier and what the patch fixes): each
    // lens names its check instead of two identical "Show litmus test" side by side.
    const codesThere = pub.diagnostics.filter((x) => x.range.start.line === over.range.start.line).map((x) => String(x.code));
    assert.ok(codesThere.length > 1, codesThere.join(', '));
    assert.deepEqual(onOver.sort(), codesThere.map((c) => `Show litmus test (${c})`).sort());

    const lens = all.find((l) => l.range.start.line === d.range.start.line && l.command!.title === 'Show execution')!;
    assert.deepEqual(lens.command!.arguments, [uri, (d.data as { findingId: string }).findingId]);
    const view = await show(c, lens);
    assert.ok('svg' in view, JSON.stringify(view));
    assert.equal(view.heading, d.message);
    assert.match(view.title, /missing-barrier, line \d+/);
    const g = readGraph(view.svg);
    assert.equal(g.title, 'MP+arch_set_info_guest+do_domctl: exists (1:r0=1 /\\ 1:r1=0)');
    assert.deepEqual(g.headers, ['init', 'P0 arch_set_info_guest()', 'P1 do_domctl()']);
    // The writer's two stores in program order, the reader sees the flag and misses the data.
    for (const e of ['W v_arch_sctlr=1 -po-> W v_is_initialised=1', 'W v_is_initialised=1 -rf-> R v_is_initialised=1',
      'W v_arch_sctlr=0 -rf-> R v_arch_sctlr=0', 'R v_arch_sctlr=0 -fr-> W v_arch_sctlr=1']) {
      assert.ok(g.edges.includes(e), `${e} in ${g.edges.join('; ')}`);
    }
    // The reader's own barrier is drawn between its two reads.
    assert.ok(g.edges.includes('R v_is_initialised=1 -po-> F smp_mb') && g.edges.includes('F smp_mb -po-> R v_arch_sctlr=0'), g.edges.join('; '));
    const cpu = (label: string) => g.nodes.find((n) => n.label === label)!;
    assert.equal(cpu('W v_arch_sctlr=1').x, cpu('W v_is_initialised=1').x, 'one column per CPU');
    assert.ok(cpu('W v_arch_sctlr=1').y < cpu('W v_is_initialised=1').y, 'program order goes down');
    assert.match(view.svg, /ARMv8 allows it/);

    // A stale or unknown finding says why there is no picture.
    const none = await c.conn.sendRequest('workspace/executeCommand', { command: 'hvbarrier.showExecution', arguments: [uri, 'no-such-finding'] }) as View;
    assert.deepEqual(none, { none: 'no such finding in the current version of the document' });
  } finally {
    await c.close();
    rmSync(ws.root, { recursive: true, force: true });
  }
});

test('a .litmus document: "Show execution" draws the document\'s own test under the model that allows it', async () => {
  const c = await startClient();
  try {
    const { graph: g, svg } = await pictureOf(c, { path: join(repoRoot, 'fixtures', 'litmus', 'MP.litmus'), languageId: 'litmus', code: 'litmus-verdict' });
    assert.deepEqual(g.headers, ['init', 'P0', 'P1']);
    for (const e of ['W data=1 -po-> W flag=1', 'W flag=1 -rf-> R flag=1', 'R flag=1 -po-> R data=0', 'R data=0 -fr-> W data=1']) {
      assert.ok(g.edges.includes(e), `${e} in ${g.edges.join('; ')}`);
    }
    // Positions in the picture are the document's own lines.
    assert.match(svg, /\(line \d+\)/);
  } finally {
    await c.close();
  }
});

test('the execution webview page: a strict policy, no script, nothing remote, themed by VS Code variables, the SVG inline', () => {
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><g class="event" data-id="0"><rect x="0" y="0"/></g><script>alert(1)</script><g class="edge rf" onclick="x()"></g></svg>';
  const html = executionHtml({ heading: 'a <b>heading</b>', svg, nonce: 'abc123' });
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
  assert.equal(csp, executionCsp('abc123'));
  const directives = new Map(csp!.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k!, v.join(' ')]));
  assert.equal(directives.get('default-src'), "'none'");
  assert.equal(directives.get('script-src'), "'none'");
  assert.equal(directives.get('connect-src'), "'none'");
  assert.equal(directives.get('style-src'), "'nonce-abc123'");
  assert.doesNotMatch(csp!, /unsafe|https?:|\*/);
  // The one stylesheet carries the nonce; no script, no handler, no link, no remote URL.
  assert.equal((html.match(/<style\b/g) ?? []).length, 1);
  assert.match(html, /<style nonce="abc123">/);
  assert.doesNotMatch(html, /<script|\son\w+=|<link|<iframe|@import|url\(http/i);
  assert.deepEqual([...html.matchAll(/https?:\/\/[^"'\s)]+/g)].map((m) => m[0]), ['http://www.w3.org/2000/svg'], 'only the SVG namespace, which is not fetched');
  // Colours from the theme, the heading escaped, the picture inline (not an <img>, which could not see the theme).
  for (const v of ['--vscode-editor-background', '--vscode-editor-foreground', '--vscode-charts-red', '--vscode-charts-blue', '--vscode-charts-orange']) assert.ok(html.includes(`var(${v})`), v);
  assert.match(html, /<h1>a &lt;b&gt;heading&lt;\/b&gt;<\/h1>/);
  assert.match(html, /<div class="picture"><svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*><g class="event" data-id="0">/);
});

test('a lost wake-up (seed 002 without the entry smp_mb): the execution of the extended test, hypervisor events compiled per model', async () => {
  const c = await startClient();
  try {
    const { graph: g } = await pictureOf(c, { path: join(repoRoot, 'fixtures', 'seeds', '002-kvm-request-no-entry-mb.c'), languageId: 'c', code: 'lost-wakeup' });
    assert.ok(g.nodes.length >= 4 && g.edges.some((e) => / -rf-> /.test(e)), `${g.nodes.length} nodes; ${g.edges.join('; ')}`);
    assert.ok(g.headers.length >= 3, g.headers.join(', '));
  } finally {
    await c.close();
  }
});

test('the drawing keeps to the editor\'s budget: a simulation cut short says so instead of drawing', async () => {
  const text = readFileSync(join(repoRoot, 'fixtures', 'litmus', 'MP.litmus'), 'utf8');
  const a = await analyzeDocument({ text, kind: 'litmus', config: { arch: 'all' } });
  const verdict = a.findings.find((f) => f.code === 'litmus-verdict')!;
  const drawn = executionView(verdict, { kind: 'litmus', text });
  assert.ok('svg' in drawn);
  const cut = executionView(verdict, { kind: 'litmus', text }, { maxSteps: 5 });
  assert.ok('none' in cut && /did not complete \(inconclusive\)/.test(cut.none), JSON.stringify(cut));
});
