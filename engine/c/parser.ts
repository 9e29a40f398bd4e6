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

// `node.type` and `node.text` each cross into the wasm heap on every access (the binding does
// not cache them); the walker asks for them many times per node, so they are memoized on the
// node object itself (a WeakMap costs more in garbage collection than it saves).
interface Memo {
  hvType?: string;
  hvText?: string;
}

export function typeOf(node: SyntaxNode): string {
  const m = node as SyntaxNode & Memo;
  return (m.hvType ??= node.type);
}

export function textOf(node: SyntaxNode): string {
  const m = node as SyntaxNode & Memo;
  return (m.hvText ??= node.text);
}

/** Named children without the nulls the binding's type allows. */
export function kids(node: SyntaxNode): SyntaxNode[] {
  return node.namedChildren.filter((n): n is SyntaxNode => n !== null);
}

/**
 * Named children other than comments. Reading a node's parts positionally is much cheaper than
 * one `childForFieldName` call per field: every call crosses into the wasm heap.
 */
export function parts(node: SyntaxNode): SyntaxNode[] {
  return node.namedChildren.filter((n): n is SyntaxNode => n !== null && typeOf(n) !== 'comment');
}

/** The operator between two operands: the source text between them, trimmed. */
export function operatorBetween(node: SyntaxNode, left: SyntaxNode, right: SyntaxNode): string {
  const text = textOf(node);
  return text.slice(left.endIndex - node.startIndex, right.startIndex - node.startIndex).replace(/\/\*[\s\S]*?\*\//g, '').trim();
}
