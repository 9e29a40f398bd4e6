// A plain-JS copy of a tree-sitter tree. Every read of a web-tree-sitter node crosses into the
// wasm heap (and `namedChildren` allocates a wrapper per child), and the walker reads each node
// many times; one TreeCursor pass that copies the few facts the walker needs is much cheaper,
// and the wasm tree can be freed right after it. Offsets and texts are those of the parsed
// text; rows and columns are recomputed from it (tree-sitter counts rows at `\n` only and, in
// web-tree-sitter, columns in UTF-16 code units, which is what `index - lineStart` gives).
import type { Node } from 'web-tree-sitter';

export interface Point {
  readonly row: number;
  readonly column: number;
}

/** Line starts of one parsed text, shared by all of its nodes. */
class Source {
  private lines: number[] | undefined;

  constructor(readonly text: string) {}

  point(index: number): Point {
    const lines = (this.lines ??= lineStarts(this.text));
    let lo = 0;
    let hi = lines.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lines[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return { row: lo, column: index - lines[lo]! };
  }
}

function lineStarts(text: string): number[] {
  const out = [0];
  for (let k = text.indexOf('\n'); k >= 0; k = text.indexOf('\n', k + 1)) out.push(k + 1);
  return out;
}

/**
 * Types that tree-sitter-c produces only as tokens (identifier and its aliases, literals,
 * comments): they never have children, so the cursor is not asked to descend into them.
 */
const TOKENS = new Set([
  'identifier', 'field_identifier', 'type_identifier', 'statement_identifier', 'number_literal',
  'primitive_type', 'comment', 'string_content', 'escape_sequence', 'system_lib_string',
]);

/**
 * Nodes whose children extraction never reads (it evaluates them to nothing, or reports them
 * as unsupported): literals, sizeof-like operators and inline asm are copied without their
 * subtrees, which in real sources are large (format strings, asm templates).
 */
const OPAQUE = new Set([
  'string_literal', 'char_literal', 'concatenated_string', 'sizeof_expression', 'alignof_expression',
  'offsetof_expression', 'gnu_asm_expression',
]);

/**
 * Common types none of whose children has a field (tree-sitter-c's node-types.json): the
 * cursor is not asked for their children's field ids, which would all be absent.
 */
const NO_FIELDS = new Set([
  'translation_unit', 'compound_statement', 'expression_statement', 'return_statement', 'argument_list',
  'parenthesized_expression', 'parameter_list', 'initializer_list', 'string_literal', 'concatenated_string',
]);

/** Shared by every node without named children until one is added (most nodes are leaves). */
const NONE: never[] = [];

/** Unique across trees: the extractor keys maps by node id over several parsed units. */
let nextId = 1;

/**
 * The subset of web-tree-sitter's `Node` that extraction reads, as plain fields. The copy of
 * a tree lives for the whole extraction, so nodes are kept small (fewer bytes to promote and
 * scan in garbage collection): positions are recomputed on demand, not stored.
 */
export class LiteNode {
  readonly id = nextId++;
  namedChildren: readonly LiteNode[] = NONE;

  constructor(
    readonly type: string,
    readonly startIndex: number,
    readonly endIndex: number,
    readonly parent: LiteNode | null,
    /** The field this node fills in its parent, when it fills one. */
    readonly field: string | undefined,
    private readonly source: Source,
  ) {}

  get text(): string {
    // Not memoized: a slice is cheap, and a memo would keep every text alive as long as the tree.
    return this.source.text.slice(this.startIndex, this.endIndex);
  }

  get startPosition(): Point {
    return this.source.point(this.startIndex);
  }

  get endPosition(): Point {
    return this.source.point(this.endIndex);
  }


  add(child: LiteNode): void {
    if (this.namedChildren === NONE) this.namedChildren = [];
    (this.namedChildren as LiteNode[]).push(child);
  }

  /** The first named child in the field, as tree-sitter's `childForFieldName` (named fields only). */
  childForFieldName(name: string): LiteNode | null {
    for (const k of this.namedChildren) if (k.field === name) return k;
    return null;
  }
}

/**
 * Copies the named nodes under `root` (a node of a tree parsed from `text`). Anonymous nodes
 * (punctuation, keywords) are stepped over: extraction reads operators from the text between
 * operands, never from the nodes.
 */
export function liteTree(root: Node, text: string): LiteNode {
  const language = root.tree.language;
  const source = new Source(text);
  const cursor = root.walk();
  try {
    const top = new LiteNode(root.type, root.startIndex, root.endIndex, null, undefined, source);
    // Named-ness and type names per type id are asked of the language once, not per node.
    const named: boolean[] = [];
    const isNamed = (id: number): boolean => (named[id] ??= language.nodeTypeIsNamed(id));
    let parent = top;
    if (!cursor.gotoFirstChild()) return top;
    for (;;) {
      const typeId = cursor.nodeTypeId;
      let descended = false;
      if (isNamed(typeId)) {
        const type = language.types[typeId] || 'ERROR';
        const field = NO_FIELDS.has(parent.type) ? undefined : (cursor.currentFieldName ?? undefined);
        const node = new LiteNode(type, cursor.startIndex, cursor.endIndex, parent, field, source);
        parent.add(node);
        if (!TOKENS.has(type) && !OPAQUE.has(type) && cursor.gotoFirstChild()) {
          parent = node;
          descended = true;
        }
      }
      if (descended) continue;
      while (!cursor.gotoNextSibling()) {
        if (parent === top || !cursor.gotoParent()) return top;
        parent = parent.parent!;
      }
    }
  } finally {
    cursor.delete();
  }
}
