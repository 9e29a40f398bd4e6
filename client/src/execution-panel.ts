// The "Show execution" webview: one panel, reused, showing the SVG the server drew for a
// finding. Scripts are off and no local resource is reachable; the page itself (CSP, theme)
// is execution-html.ts.
import { randomBytes } from 'node:crypto';
import { ViewColumn, window, type ExtensionContext, type WebviewPanel } from 'vscode';
import { executionHtml } from './execution-html';

export const EXECUTION_VIEW_TYPE = 'hvbarrier.execution';

let panel: WebviewPanel | undefined;

export function showExecution(context: ExtensionContext, view: { title: string; heading: string; svg: string }): void {
  if (!panel) {
    panel = window.createWebviewPanel(EXECUTION_VIEW_TYPE, view.title, { viewColumn: ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: false, enableCommandUris: false, enableFindWidget: true, localResourceRoots: [],
    });
    panel.onDidDispose(() => { panel = undefined; }, undefined, context.subscriptions);
  }
  panel.title = view.title;
  panel.webview.html = executionHtml({ heading: view.heading, svg: view.svg, nonce: randomBytes(16).toString('base64') });
  panel.reveal(undefined, true);
}
