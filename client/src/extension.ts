// The VS Code extension: starts the language server over Node IPC, shows the server's
// execution pictures in a webview and its generated litmus tests as read-only virtual
// documents. Everything else (diagnostics, hovers, fixes, settings, the cache, the
// `.hvbarrier.json` it reads) is the server's; the litmus language, its grammar, the commands
// and the settings are declared in package.json.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { window, type ExtensionContext } from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { showExecution } from './execution-panel';
import { LITMUS_SCHEME, LitmusDocuments } from './litmus-documents';

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
  const litmusDocs = new LitmusDocuments();
  context.subscriptions.push(litmusDocs.register());
  const schemes = ['file', 'untitled'];
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      ...['diff', 'c', 'litmus', 'gitsendemail', 'plaintext'].flatMap((language) => schemes.map((scheme) => ({ language, scheme }))),
      { pattern: '**/*.{eml,mbox}', scheme: 'file' },
      // The generated tests opened by "Show litmus test" get their verdicts too.
      { language: 'litmus', scheme: LITMUS_SCHEME },
    ],
    outputChannelName: 'hvbarrier',
    middleware: {
      // The server answers with the test or the picture; only the editor can show them.
      executeCommand: async (command, args, next) => {
        const result: unknown = await next(command, args);
        if (command === 'hvbarrier.showLitmus') {
          const test = result as { content?: string } | null;
          if (test?.content) await litmusDocs.open(test.content);
          else void window.showInformationMessage('hvbarrier: no litmus test for this finding in the current version of the document.');
        } else if (command === 'hvbarrier.showExecution') {
          const view = result as { title?: string; heading?: string; svg?: string; none?: string } | null;
          if (view?.svg) showExecution(context, { title: view.title ?? 'Execution', heading: view.heading ?? '', svg: view.svg });
          else void window.showInformationMessage(`hvbarrier: ${view?.none ?? 'no execution to show for this finding'}.`);
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
