// The VS Code extension: starts the language server over Node IPC and opens generated litmus
// tests as untitled documents. Everything else (diagnostics, hovers, fixes, settings) is the
// server's; the litmus language, its grammar and the settings are declared in package.json.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { window, workspace, type ExtensionContext } from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

/** The bundled server sits beside the bundled extension; the tsc build keeps the source layout. */
function serverModule(): string {
  const bundled = path.join(__dirname, 'server.js');
  return existsSync(bundled) ? bundled : path.join(__dirname, '..', '..', 'server', 'src', 'main.js');
}

export async function activate(context: ExtensionContext): Promise<void> {
  const module = serverModule();
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6029'] } },
  };
  const schemes = ['file', 'untitled'];
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      ...['diff', 'c', 'litmus', 'gitsendemail', 'plaintext'].flatMap((language) => schemes.map((scheme) => ({ language, scheme }))),
      { pattern: '**/*.{eml,mbox}', scheme: 'file' },
    ],
    outputChannelName: 'hvbarrier',
    initializationOptions: { cacheDir: (context.storageUri ?? context.globalStorageUri).fsPath },
    middleware: {
      // The server returns the generated test; only the editor can open it as a new document.
      executeCommand: async (command, args, next) => {
        const result: unknown = await next(command, args);
        if (command === 'hvbarrier.showLitmus') {
          const test = result as { language?: string; content?: string } | null;
          if (!test?.content) {
            void window.showInformationMessage('hvbarrier: no litmus test for this finding in the current version of the document.');
            return result;
          }
          const doc = await workspace.openTextDocument({ language: test.language ?? 'litmus', content: test.content });
          await window.showTextDocument(doc, { preview: false });
        }
        return result;
      },
    },
  };
  client = new LanguageClient('hvbarrier', 'hvbarrier', serverOptions, clientOptions);
  await client.start();
  context.subscriptions.push({ dispose: () => void client?.stop() });
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
