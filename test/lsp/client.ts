// A real LSP client over stdio for the protocol tests and the LSP bench: spawns the built
// server, answers the requests a server sends to its client (configuration, progress,
// registrations, applyEdit), and records every notification it receives.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  StreamMessageReader, StreamMessageWriter, createProtocolConnection,
  type ProtocolConnection, type PublishDiagnosticsParams, type ApplyWorkspaceEditParams,
  type ShowMessageParams, type ClientCapabilities,
} from 'vscode-languageserver-protocol/node';
import { repoRoot } from '../support/paths';

/** The built server; HVBARRIER_LSP_SERVER points the same tests at the esbuild bundle (out/server.js). */
export const serverMain = process.env.HVBARRIER_LSP_SERVER ?? join(repoRoot, 'dist', 'server', 'src', 'main.js');

export interface TestClient {
  readonly conn: ProtocolConnection;
  readonly proc: ChildProcess;
  readonly published: PublishDiagnosticsParams[];
  readonly applied: ApplyWorkspaceEditParams[];
  readonly messages: ShowMessageParams[];
  readonly logs: string[];
  readonly progress: unknown[];
  settings: unknown;
  open(uri: string, languageId: string, text: string, version?: number): void;
  change(uri: string, version: number, changes: Array<{ range?: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string }>): void;
  /** Resolves with the first publication for `uri` (after `since` publications) that satisfies `pred`. */
  waitFor(uri: string, pred?: (p: PublishDiagnosticsParams) => boolean, timeoutMs?: number): Promise<PublishDiagnosticsParams>;
  /** Like waitFor, among the publications that arrive after this call only (after a change). */
  waitForNext(uri: string, pred?: (p: PublishDiagnosticsParams) => boolean, timeoutMs?: number): Promise<PublishDiagnosticsParams>;
  alive(): boolean;
  close(): Promise<void>;
}

export function fileUri(path: string): string {
  return pathToFileURL(path).href;
}

const CAPABILITIES: ClientCapabilities = {
  workspace: { configuration: true, applyEdit: true, didChangeWatchedFiles: { dynamicRegistration: true }, workspaceFolders: true },
  window: { workDoneProgress: true, showMessage: {} },
  textDocument: {
    publishDiagnostics: { relatedInformation: true, codeDescriptionSupport: true, dataSupport: true, versionSupport: true },
    hover: { contentFormat: ['markdown', 'plaintext'] },
    codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } }, isPreferredSupport: true, dataSupport: true },
  },
};

export async function startClient(opts: { root?: string; settings?: unknown; cacheDir?: string; capabilities?: ClientCapabilities; env?: NodeJS.ProcessEnv } = {}): Promise<TestClient> {
  const proc = spawn(process.execPath, [serverMain, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env });
  const conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  const published: PublishDiagnosticsParams[] = [];
  const applied: ApplyWorkspaceEditParams[] = [];
  const messages: ShowMessageParams[] = [];
  const logs: string[] = [];
  const progress: unknown[] = [];
  const listeners = new Set<() => void>();
  let exited = false;
  proc.on('exit', () => { exited = true; });
  proc.stderr!.on('data', (d: Buffer) => logs.push(d.toString()));
  const client: TestClient = {
    conn, proc, published, applied, messages, logs, progress, settings: opts.settings ?? {},
    open(uri, languageId, text, version = 1) {
      void conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
    },
    change(uri, version, changes) {
      void conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
    },
    waitFor(uri, pred = () => true, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        let seen = 0;
        const check = (): void => {
          for (; seen < published.length; seen++) {
            const p = published[seen]!;
            if (p.uri === uri && pred(p)) { listeners.delete(check); clearTimeout(timer); resolve(p); return; }
          }
        };
        const timer = setTimeout(() => { listeners.delete(check); reject(new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; logs:\n${logs.join('')}`)); }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
    waitForNext(uri, pred = () => true, timeoutMs = 20_000) {
      const from = published.length;
      return client.waitFor(uri, (p) => published.indexOf(p) >= from && pred(p), timeoutMs);
    },
    alive: () => !exited,
    async close() {
      if (!exited) {
        await conn.sendRequest('shutdown').catch(() => undefined);
        void conn.sendNotification('exit');
        await new Promise((r) => { if (exited) r(undefined); else { proc.once('exit', r); setTimeout(() => { proc.kill(); r(undefined); }, 2000); } });
      }
      conn.dispose();
    },
  };
  conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => { published.push(p); for (const l of [...listeners]) l(); });
  conn.onNotification('window/showMessage', (p: ShowMessageParams) => messages.push(p));
  conn.onNotification('window/logMessage', (p: { message: string }) => logs.push(p.message + '\n'));
  conn.onNotification('$/progress', (p: unknown) => progress.push(p));
  conn.onRequest('workspace/configuration', (p: { items: Array<{ section?: string }> }) => p.items.map(() => client.settings));
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.onRequest('client/registerCapability', () => null);
  conn.onRequest('window/showMessageRequest', () => null);
  conn.onRequest('workspace/applyEdit', (p: ApplyWorkspaceEditParams) => { applied.push(p); return { applied: true }; });
  conn.listen();
  const root = opts.root;
  await conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: root ? fileUri(root) : null,
    workspaceFolders: root ? [{ uri: fileUri(root), name: 'ws' }] : null,
    capabilities: opts.capabilities ?? CAPABILITIES,
    initializationOptions: { cacheDir: opts.cacheDir },
  });
  void conn.sendNotification('initialized', {});
  return client;
}
