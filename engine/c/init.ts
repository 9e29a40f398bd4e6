// The one place that loads the tree-sitter runtime and the C grammar from disk. Everything
// else receives a ready `CParser`, so the analysis code paths stay free of I/O.
import * as fs from 'node:fs';
import { Language, Parser } from 'web-tree-sitter';
import { makeCParser, type CParser } from './parser';

let pending: Promise<CParser> | undefined;

/** Loads web-tree-sitter and `tree-sitter-c.wasm` once per process; later calls share it. */
export function initCParser(): Promise<CParser> {
  pending ??= (async () => {
    await Parser.init();
    const wasm = fs.readFileSync(require.resolve('tree-sitter-c/tree-sitter-c.wasm'));
    const language = await Language.load(new Uint8Array(wasm));
    const parser = new Parser();
    parser.setLanguage(language);
    return makeCParser(parser);
  })();
  return pending;
}
