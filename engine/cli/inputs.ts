// What `hvbarrier check` reads: files, directories (walked like a tree) and stdin, each turned
// into a document the engine can analyse, or into an input error that says why it cannot be
// (empty, binary, compressed, prose). Checking nothing must never look like a clean result.
import { readFileSync, statSync } from 'node:fs';
import { documentKind, type DocumentKind } from '../analyze';
import { parseInput } from '../patch/index';
import { SKIP_DIRS, walkFiles } from './tree';

export interface InputDocument {
  /** The name findings carry: the path as given, or `<stdin>`. */
  readonly name: string;
  /** The path the kind and the code base are guessed from ('' for stdin). */
  readonly path: string;
  readonly text: string;
  readonly kind: DocumentKind;
}

/** An input that was not checked, with a gcc-style position (always 1:1 unless known). */
export interface InputError {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

export interface Inputs {
  readonly documents: InputDocument[];
  readonly errors: InputError[];
  /** Directories given as inputs: they also serve as trees to pair with. */
  readonly dirs: string[];
}

const DOCUMENT_FILE = /\.(c|h|patch|diff|mbox|eml|litmus)$/;

export function readInputs(paths: readonly string[], readStdin: () => Buffer): Inputs {
  const out: Inputs = { documents: [], errors: [], dirs: [] };
  for (const p of paths) {
    if (p === '-') {
      addDocument(out, { name: '<stdin>', path: '', read: readStdin });
      continue;
    }
    const st = statSync(p, { throwIfNoEntry: false });
    if (st?.isDirectory()) {
      out.dirs.push(p);
      const files = walkFiles(p, { accept: (n) => DOCUMENT_FILE.test(n), skip: SKIP_DIRS });
      if (files.length === 0) out.errors.push({ file: p, line: 1, col: 1, message: 'no .c, .h, .patch, .diff, .mbox, .eml or .litmus file in this directory' });
      for (const f of files) addDocument(out, { name: f, path: f, read: () => readFileSync(f) });
    } else {
      addDocument(out, { name: p, path: p, read: () => readFileSync(p) });
    }
  }
  return out;
}

function addDocument(out: Inputs, a: { name: string; path: string; read: () => Buffer }): void {
  let bytes: Buffer;
  try {
    bytes = a.read();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    out.errors.push({ file: a.name, line: 1, col: 1, message: `cannot read: ${code ?? (err as Error).message}` });
    return;
  }
  const bad = unreadable(bytes);
  if (bad) {
    out.errors.push({ file: a.name, ...bad });
    return;
  }
  const text = bytes.toString('utf8');
  const kind = documentKind({ path: a.path, text });
  // Text that is neither C nor a diff (a .c/.h path is C whatever it holds; stdin is guessed).
  if (kind !== 'litmus' && !/\.(c|h)$/.test(a.path) && parseInput(text, { path: a.path }).kind === 'unknown') {
    out.errors.push({ file: a.name, line: 1, col: 1, message: 'no diff and no C code found in this input' });
    return;
  }
  out.documents.push({ name: a.name, path: a.path, text, kind });
}

const COMPRESSED: ReadonlyArray<{ magic: number[]; name: string; tool: string }> = [
  { magic: [0x1f, 0x8b], name: 'gzip', tool: 'zcat' },
  { magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], name: 'xz', tool: 'xzcat' },
  { magic: [0x42, 0x5a, 0x68], name: 'bzip2', tool: 'bzcat' },
  { magic: [0x28, 0xb5, 0x2f, 0xfd], name: 'zstd', tool: 'zstdcat' },
];

/** Why bytes cannot be a patch, a mail, C or a litmus test; undefined when they may be. */
export function unreadable(bytes: Buffer): { line: number; col: number; message: string } | undefined {
  const c = COMPRESSED.find((z) => z.magic.every((b, i) => bytes[i] === b));
  if (c) return { line: 1, col: 1, message: `${c.name}-compressed input; decompress it first (${c.tool} FILE | hvbarrier check -)` };
  if (bytes.toString('utf8').trim() === '') return { line: 1, col: 1, message: 'empty input: nothing to check' };
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const before = bytes.subarray(0, nul).toString('latin1');
    const line = before.split('\n').length;
    return { line, col: nul - before.lastIndexOf('\n'), message: 'binary input (a NUL byte): not a patch, a mail, C or a litmus test' };
  }
  return undefined;
}
