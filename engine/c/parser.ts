// A small interface over tree-sitter so that the rest of the engine depends on one shape:
// text in, a syntax tree out, synchronously, once the grammar has been loaded (see init.ts).
import type { Node, Parser } from 'web-tree-sitter';

export type SyntaxNode = Node;

export interface CTree {
  readonly root: SyntaxNode;
  /** Frees the tree's memory in the wasm heap; the nodes must not be used afterwards. */
  dispose(): void;
}

export interface CParser {
  /** Parses C text; tree-sitter recovers from errors, so this always yields a tree. */
  parse(text: string): CTree | undefined;
}

export function makeCParser(parser: Parser): CParser {
  return {
    parse(text: string): CTree | undefined {
      const tree = parser.parse(text);
      if (!tree) return undefined;
      return { root: tree.rootNode, dispose: () => tree.delete() };
    },
  };
}

/** Named children without the nulls the binding's type allows. */
export function kids(node: SyntaxNode): SyntaxNode[] {
  return node.namedChildren.filter((n): n is SyntaxNode => n !== null);
}
