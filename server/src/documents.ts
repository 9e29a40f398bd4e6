// Which documents the server analyses, and how an editor's language id and URI map to the
// engine's document kinds. VS Code calls .patch/.diff/.rej "diff"; Neovim calls git
// format-patch mails "gitsendemail"; mail files (.eml, .mbox) often have no language at all.
import { fileURLToPath } from 'node:url';
import { documentKind, type DocumentKind } from '../../engine/analyze';

const LANGUAGES = new Set(['diff', 'patch', 'gitsendemail', 'mail', 'email', 'eml', 'c', 'litmus']);
const EXTENSIONS = /\.(patch|diff|rej|eml|mbox|mbx|c|h|litmus)$/i;

/** A diff (possibly quoted in a reply) somewhere in the text. */
const DIFF_INSIDE = /^[> ]*(diff --git |@@ -\d+(,\d+)? \+\d+|Index: )/m;

export function wantsDocument(doc: { uri: string; languageId: string; getText(): string }): boolean {
  if (LANGUAGES.has(doc.languageId) || EXTENSIONS.test(doc.uri)) return true;
  // A reply saved as plain text (.txt, a mail client's draft) is ours only if it quotes a diff.
  return doc.languageId === 'plaintext' && DIFF_INSIDE.test(doc.getText());
}

/** The file-system path of a `file:` URI, or undefined for untitled and other schemes. */
export function pathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

export function kindOf(doc: { uri: string; languageId: string }): DocumentKind {
  // Mail and diff language ids are all patches to the engine, whatever the file is called.
  if (doc.languageId === 'c' || doc.languageId === 'litmus') return documentKind({ languageId: doc.languageId });
  if (LANGUAGES.has(doc.languageId)) return 'patch';
  return documentKind({ path: pathOf(doc.uri) ?? doc.uri });
}
