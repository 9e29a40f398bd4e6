// "Show litmus test" opens the generated test as a read-only virtual document: a content
// provider on its own scheme, so nothing is left behind as an unsaved Untitled file. The
// server analyses these documents like any .litmus file (the client's document selector
// includes the scheme), so the verdicts appear on the test too.
import { EventEmitter, Uri, languages, window, workspace, type Disposable, type TextDocumentContentProvider } from 'vscode';

export const LITMUS_SCHEME = 'hvbarrier-litmus';

export class LitmusDocuments implements TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new EventEmitter<Uri>();
  readonly onDidChange = this.changed.event;

  register(): Disposable {
    return workspace.registerTextDocumentContentProvider(LITMUS_SCHEME, this);
  }

  provideTextDocumentContent(uri: Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  /** Opens a test; the same test (by name and text) reuses its document. */
  async open(content: string): Promise<void> {
    const name = (/^C\s+(\S+)/.exec(content)?.[1] ?? 'test').replace(/[^A-Za-z0-9+._-]/g, '_');
    const uri = Uri.from({ scheme: LITMUS_SCHEME, path: `/${name}.litmus`, query: String(hash(content)) });
    const key = uri.toString();
    if (this.texts.get(key) !== content) {
      this.texts.set(key, content);
      this.changed.fire(uri);
    }
    let doc = await workspace.openTextDocument(uri);
    if (doc.languageId !== 'litmus') doc = await languages.setTextDocumentLanguage(doc, 'litmus');
    await window.showTextDocument(doc, { preview: false });
  }
}

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h >>> 0;
}
