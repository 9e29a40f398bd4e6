// Playwright-core steps in the code-server workbench (headless Debian Chromium). Selectors
// are VS Code's own DOM classes: squiggles, hovers, code lenses, the Problems panel and the
// quick-fix widget. Every step saves a screenshot into the artifacts folder.
import type { Browser, BrowserContext, FrameLocator, Locator, Page } from 'playwright-core';
import { chromium } from 'playwright-core';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  // Every host but the local code-server fails at once: no marketplace or CDN lookups offline.
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1'];

export interface Session { readonly page: Page; shot(name: string): Promise<void>; close(): Promise<void> }

export async function openWorkbench(opts: { chromium: string; url: string; profile: string; shots: string; log: (m: string) => void }): Promise<Session> {
  const context: BrowserContext = await chromium.launchPersistentContext(opts.profile, {
    executablePath: opts.chromium, headless: true, viewport: { width: 1400, height: 900 }, args: CHROMIUM_ARGS,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => { if (m.type() === 'error') opts.log(`[console] ${m.text().slice(0, 200)}`); });
  await page.goto(opts.url);
  await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
  let n = 0;
  return {
    page,
    shot: async (name) => { await page.screenshot({ path: `${opts.shots}/${String(++n).padStart(2, '0')}-${name}.png` }); },
    close: async () => { await context.close(); (context.browser() as Browser | null)?.close().catch(() => undefined); },
  };
}

/** Opens a workspace file through Quick Open and waits for its editor. */
export async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Escape');
  await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 }, trial: true }).catch(() => undefined);
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 30_000 });
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: name }).first().waitFor({ timeout: 30_000 });
  await page.keyboard.press('Enter');
  await page.locator('.tab.active').filter({ hasText: name }).waitFor({ timeout: 30_000 });
  await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ timeout: 30_000 });
}

/** The visible editor line element whose text contains `text`. */
export function editorLine(page: Page, text: string) {
  return page.locator('.editor-instance .monaco-editor .view-line').filter({ hasText: text }).first();
}

/** Hovers the middle of an element and returns the text of the hover that contains `expect`. */
export async function hoverText(page: Page, target: { x: number; y: number }, expect: string): Promise<string> {
  await page.mouse.move(target.x - 30, target.y + 200);
  await page.mouse.move(target.x, target.y, { steps: 5 });
  const hover = page.locator('.monaco-hover').filter({ hasText: expect }).first();
  await hover.waitFor({ state: 'visible', timeout: 30_000 });
  return hover.innerText();
}

export async function problemsRows(page: Page, expect: string): Promise<string> {
  await page.mouse.move(700, 880);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+Shift+M');
  const row = page.locator('.markers-panel .monaco-tl-row').filter({ hasText: expect }).first();
  await row.waitFor({ timeout: 30_000 });
  return (await page.locator('.markers-panel .monaco-tl-row').allInnerTexts()).join('\n');
}

/** Moves the cursor to a 1-based line with Go to Line, so the editor renders it. */
export async function goToLine(page: Page, line: number): Promise<void> {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 30_000 });
  // Go to Line is Quick Open with a ':' prefix; filling the box replaces the prefix too.
  await input.fill(`:${line}`);
  await page.keyboard.press('Enter');
}

/** The page inside the execution webview: VS Code nests it in an iframe inside the webview's iframe. */
export function executionFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview').last().frameLocator('iframe#active-frame');
}

/** A computed style property of an element, as the browser resolved it (theme variables included). */
export async function cssValue(element: Locator, property: string): Promise<string> {
  type Styles = { getComputedStyle(e: unknown): Record<string, string> };
  return element.evaluate((el, p) => (globalThis as unknown as Styles).getComputedStyle(el)[p] ?? '', property);
}
