// Real VS Code: code-server 4.100.3 in headless Chromium with the packaged .vsix. Runs under
// `npm run test:e2e` (HVBARRIER_E2E=1), which packages the extension first; plain `npm test`
// reports it as skipped. Screenshots go to test-artifacts/vscode/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { analyzeDocument } from '../../engine/analyze';
import { ensureTool } from '../support/editors';
import { gitApplyCheck } from '../support/git-apply';
import { repoRoot } from '../support/paths';
import { seed000Workspace } from '../support/seed000';
import { cssValue, editorLine, executionFrame, goToLine, hoverText, openFile, openWorkbench, problemsRows, type Session } from './vscode/drive';
import { installExtension, startCodeServer, type Running } from './vscode/server';

const enabled = process.env.HVBARRIER_E2E === '1';
const vsix = join(repoRoot, 'hvbarrier.vsix');
const artifacts = join(repoRoot, 'test-artifacts', 'vscode');
const seedName = '000-v1-smp_mb.patch';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); });
    s.on('error', reject);
  });
}

function prerequisites(): { chromium: string; codeServer: string } | string {
  if (!enabled) return 'run through `npm run test:e2e` (packages the .vsix, then sets HVBARRIER_E2E=1)';
  if (!existsSync(vsix)) return `${vsix} is missing: run \`npm run package\` first`;
  const chromium = ensureTool('ensure-chromium.sh');
  if (!chromium.path) return chromium.reason!;
  const cs = ensureTool('ensure-code-server.sh');
  if (!cs.path) return cs.reason!;
  return { chromium: chromium.path, codeServer: cs.path };
}

const pre = prerequisites();
// Asked for explicitly, a missing prerequisite is a failure, not a quiet skip.
if (enabled && typeof pre === 'string') test('VS Code end-to-end prerequisites', () => assert.fail(pre));

test('VS Code (code-server + the .vsix): litmus verdicts, hover, code lens, Problems; seed 000 squiggle, hover, execution view, read-only litmus test, quick fix, git apply --check', { skip: typeof pre === 'string' ? pre : undefined, timeout: 15 * 60_000 }, async (t) => {
  const { chromium, codeServer } = pre as { chromium: string; codeServer: string };
  const log = (m: string): void => t.diagnostic(m);
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });
  mkdirSync(join(repoRoot, '.e2e'), { recursive: true });
  const run = mkdtempSync(join(repoRoot, '.e2e', 'run-'));
  // The workspace: seed 000 v1 with the reader it pairs with, and a litmus test.
  const seed = seed000Workspace(run);
  const ws = seed.root;
  cpSync(join(repoRoot, 'fixtures', 'litmus', 'MP.litmus'), join(ws, 'MP.litmus'));
  installExtension({ codeServer, run, vsix });
  let server: Running | undefined;
  let session: Session | undefined;
  try {
    server = await startCodeServer({ codeServer, run, workspace: ws, port: await freePort() });
    session = await openWorkbench({ chromium, url: server.url, profile: join(run, 'chromium'), shots: artifacts, log });
    const { page } = session;

    // A .litmus document: the extension activates on the litmus language it contributes.
    await openFile(page, 'MP.litmus');
    const info = page.locator('.editor-instance .monaco-editor .squiggly-info').first();
    await info.waitFor({ state: 'attached', timeout: 90_000 });
    await session.shot('litmus-squiggle');
    const lens = page.locator('.editor-instance .codelens-decoration').filter({ hasText: 'armv8: allowed' }).first();
    await lens.waitFor({ timeout: 30_000 });
    // Model names are matched case-sensitively below: the hover filter ignores case.
    const lensText = await page.locator('.editor-instance .codelens-decoration').first().innerText();
    assert.match(lensText, /sc: forbidden.*x86-tso: forbidden.*armv8: allowed.*lkmm: allowed/s);
    const mpText = readFileSync(join(ws, 'MP.litmus'), 'utf8');
    await goToLine(page, mpText.slice(0, mpText.indexOf('exists')).split('\n').length);
    await editorLine(page, 'exists').waitFor({ timeout: 30_000 });
    const exists = await editorLine(page, 'exists').boundingBox();
    const hover = await hoverText(page, { x: exists!.x + 40, y: exists!.y + exists!.height / 2 }, 'bad outcome');
    assert.match(hover, /x86-TSO\s+forbidden/);
    assert.match(hover, /ARMv8\s+allowed/);
    await session.shot('litmus-hover');
    const rows = await problemsRows(page, 'litmus-verdict');
    assert.match(rows, /hvbarrier/);
    await session.shot('litmus-problems');

    // The seed 000 patch: the squiggle needs the reader, which the server finds in its index.
    const text = readFileSync(seed.patch, 'utf8');
    const engine = await analyzeDocument({ path: seed.patch, text, kind: 'patch', config: { arch: 'all' }, tree: [{ path: seed.reader, text: readFileSync(seed.reader, 'utf8') }] });
    const missing = engine.findings.find((f) => f.code === 'missing-barrier');
    assert.ok(missing, 'the engine finds missing-barrier in seed 000 v1 with its reader');
    const preferred = missing.fixes.find((f) => f.preferred)!;
    await openFile(page, seedName);
    // Monaco renders only visible lines: bring the finding's line into view.
    await goToLine(page, missing.place.range.line);
    const squiggle = page.locator('.editor-instance .monaco-editor .squiggly-warning').first();
    await squiggle.waitFor({ state: 'attached', timeout: 90_000 });
    // The finding's code lens is inserted above its line when it arrives and moves the line down:
    // measure only once it is there, or the mouse lands on the line above.
    await page.locator('.editor-instance .codelens-decoration a').filter({ hasText: 'Show litmus test' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    const line = await editorLine(page, 'v->is_initialised = 1').boundingBox();
    const box = await squiggle.boundingBox();
    assert.ok(line && box && box.y >= line.y - 2 && box.y <= line.y + line.height + 2, 'the squiggle is on the v->is_initialised = 1 line');
    await session.shot('patch-squiggle');
    const patchHover = await hoverText(page, { x: box.x + Math.min(20, box.width / 2), y: box.y + box.height / 2 }, 'Witness execution');
    // The server's hover (not only the diagnostic): model table, witness per CPU, litmus test.
    assert.match(patchHover, /ARMv8\s+allowed/);
    assert.match(patchHover, /CPU 1:/);
    assert.match(patchHover, /C MP\+arch_set_info_guest\+do_domctl/);
    await session.shot('patch-hover');

    // "Show execution" (a code lens on the finding) opens the witness the server drew in a
    // webview: the SVG's events and edges, coloured by the theme (the page's own stylesheet
    // passed its Content-Security-Policy), nothing else loaded.
    await page.keyboard.press('Escape');
    await page.locator('.editor-instance .codelens-decoration a').filter({ hasText: 'Show execution' }).first().click();
    await page.locator('.tab').filter({ hasText: 'Execution: missing-barrier' }).waitFor({ timeout: 60_000 });
    const view = executionFrame(page);
    await view.locator('svg g.event').first().waitFor({ timeout: 60_000 });
    const labels = await view.locator('svg g.event').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-label')));
    assert.ok(labels.includes('W v_is_initialised=1') && labels.includes('R v_arch_sctlr=0'), labels.join(', '));
    assert.equal(await view.locator('svg g.edge.rf').count() >= 2, true, 'reads-from edges drawn');
    assert.equal(await view.locator('svg g.edge.fr').count() >= 1, true, 'from-read edge drawn');
    assert.match(await view.locator('h1').innerText(), /v->is_initialised = 1/);
    const background = await cssValue(view.locator('svg > rect').first(), 'fill');
    const editorBackground = await cssValue(page.locator('.monaco-editor-background').first(), 'backgroundColor');
    assert.equal(background, editorBackground, 'the picture takes the editor\'s background from the theme');
    assert.equal(await view.locator('script').count(), 0);
    await session.shot('show-execution');
    // Close the view again so the patch's editor group is the only one.
    const viewTab = page.locator('.tab').filter({ hasText: 'Execution: missing-barrier' }).first();
    await viewTab.hover();
    await viewTab.locator('.codicon-close').click();
    await viewTab.waitFor({ state: 'detached', timeout: 30_000 });

    // "Show litmus test" (a code lens on the finding) opens the generated test as a read-only
    // virtual document (no Untitled file left behind), which the server simulates like any other.
    await page.locator('.editor-instance .codelens-decoration a').filter({ hasText: 'Show litmus test' }).first().click();
    await page.locator('.tab.active').filter({ hasText: 'MP+arch_set_info_guest+do_domctl.litmus' }).waitFor({ timeout: 30_000 });
    await editorLine(page, 'C MP+').waitFor({ timeout: 30_000 });
    await page.locator('.statusbar').filter({ hasText: 'Litmus (LKMM C)' }).waitFor({ timeout: 30_000 });
    await page.locator('.editor-instance .codelens-decoration').filter({ hasText: 'armv8: allowed' }).first().waitFor({ timeout: 60_000 });
    assert.equal(await page.locator('.tab').filter({ hasText: 'Untitled' }).count(), 0, 'no Untitled document');
    // Typing changes nothing: the document is read-only, never dirty.
    await editorLine(page, 'C MP+').click();
    await page.keyboard.type('xyz');
    assert.equal(await page.locator('.tab.active.dirty').count(), 0);
    assert.equal(await editorLine(page, 'xyz').count(), 0);
    await session.shot('show-litmus-test');
    await page.locator('.tab').filter({ hasText: seedName }).first().click();
    await goToLine(page, missing.place.range.line);
    // The layout moved while the other tab was open: measure the squiggle again.
    await squiggle.waitFor({ state: 'attached', timeout: 30_000 });
    const again = (await squiggle.boundingBox())!;
    await page.mouse.click(again.x + Math.min(10, again.width / 2), again.y + again.height / 2 - 4);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+.');
    const item = page.locator('.action-widget .monaco-list-row').filter({ hasText: preferred.title }).first();
    await item.waitFor({ state: 'visible', timeout: 30_000 });
    await session.shot('patch-quickfix-menu');
    // VS Code focuses the preferred fix; Enter applies the focused row (clicks are flaky here).
    const focused = page.locator('.action-widget .monaco-list-row.focused').first();
    assert.equal(await focused.getAttribute('aria-label'), preferred.title);
    await page.keyboard.press('Enter');
    await editorLine(page, 'smp_wmb').waitFor({ timeout: 30_000 });
    await page.keyboard.press('Control+S');
    await page.locator('.tab.active.dirty').waitFor({ state: 'detached', timeout: 30_000 });
    await session.shot('patch-after-fix');
    const after = readFileSync(seed.patch, 'utf8');
    assert.notEqual(after, text);
    const check = gitApplyCheck(text, after);
    assert.ok(check.ok, check.output);
    // Re-diagnosed after the edit: no warning squiggle is left.
    await page.locator('.editor-instance .monaco-editor .squiggly-warning').first().waitFor({ state: 'detached', timeout: 60_000 });
    await session.shot('patch-clean');
  } catch (err) {
    await session?.shot('failure').catch(() => undefined);
    throw err;
  } finally {
    await session?.close().catch(() => undefined);
    server?.stop();
    if (existsSync(join(run, 'code-server.log'))) cpSync(join(run, 'code-server.log'), join(artifacts, 'code-server.log'));
    // The workbench logs, with the extension's output channel (the server's log), for diagnosis.
    if (existsSync(join(run, 'user', 'logs'))) cpSync(join(run, 'user', 'logs'), join(artifacts, 'logs'), { recursive: true });
    rmSync(run, { recursive: true, force: true });
  }
});
