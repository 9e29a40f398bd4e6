// A small interface over tree-sitter so that the rest of the engine depends on one shape:
// text in, a syntax tree out, synchronously, once the grammar has been loaded (see init.ts).
import type { Node, Parser } from 'web-tree-sitter';
import type { LiteNode } from './lite';

/** What extraction walks: a plain-JS copy of the wasm tree (see lite.ts). */
export type SyntaxNode = LiteNode;

export interface CTree {
  readonly root: Node;
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

// Lite nodes hold their type and (lazily) their text as plain fields; these helpers remain so
// that the walker reads one vocabulary.
export function typeOf(node: SyntaxNode): string {
  return node.type;
}

export function textOf(node: SyntaxNode): string {
  return node.text;
}

/** Named children (the node's own array: callers must not modify it). */
export function kids(node: SyntaxNode): readonly SyntaxNode[] {
  return node.namedChildren;
}

/** Named children other than comments (parts are read positionally, not by field). */
export function parts(node: SyntaxNode): SyntaxNode[] {
  return node.namedChildren.filter((n) => n.type !== 'comment');
}
/** The operator between two operands: the source text between them, trimmed. */
export function operatorBetween(node: SyntaxNode, left: SyntaxNode, right: SyntaxNode): string {
  const text = textOf(node);
  const between = text.slice(left.endIndex - node.startIndex, right.startIndex - node.startIndex);
  return (between.includes('/*') ? between.replace(/\/\*[\s\S]*?\*\//g, '') : between).trim();
}
