// Finding functions and file-scope names in a parsed source, and reading a function's header.
import { kids, typeOf, type SyntaxNode } from '../c/parser';
import { declaratorName, hasArray, hasPointer } from './walker';
import { oneLine } from './scope';

/** Containers that may hold top-level definitions (conditional compilation, recovered errors). */
const CONTAINERS = new Set(['translation_unit', 'preproc_if', 'preproc_ifdef', 'preproc_else', 'preproc_elif', 'ERROR', 'linkage_specification', 'declaration_list']);

export function topLevel(root: SyntaxNode): { functions: SyntaxNode[]; globals: Set<string> } {
  const functions: SyntaxNode[] = [];
  const globals = new Set<string>();
  const visit = (node: SyntaxNode): void => {
    for (const k of kids(node)) {
      if (typeOf(k) === 'function_definition') functions.push(k);
      else if (typeOf(k) === 'declaration') {
        for (const d of kids(k)) {
          const decl = typeOf(d) === 'init_declarator' ? d.childForFieldName('declarator') : d;
          if (!decl || typeOf(decl) === 'function_declarator' || !/declarator$|^identifier$/.test(typeOf(decl))) continue;
          if (findFunctionDeclarator(decl)) continue;
          const name = declaratorName(decl);
          if (name) globals.add(name);
        }
      } else if (CONTAINERS.has(typeOf(k))) visit(k);
    }
  };
  visit(root);
  return { functions, globals };
}

function findFunctionDeclarator(node: SyntaxNode): SyntaxNode | undefined {
  if (typeOf(node) === 'function_declarator') return node;
  const inner = node.childForFieldName('declarator');
  return inner ? findFunctionDeclarator(inner) : undefined;
}

export interface FunctionHeader {
  readonly name: string;
  readonly params: { name: string; type: string; pointer: boolean; array: boolean; outParam?: boolean }[];
  readonly body: SyntaxNode | null;
}

export function functionHeader(fn: SyntaxNode): FunctionHeader | undefined {
  const decl = fn.childForFieldName('declarator');
  const fd = decl ? findFunctionDeclarator(decl) : undefined;
  const nameNode = fd?.childForFieldName('declarator');
  const name = nameNode ? declaratorName(nameNode) : undefined;
  if (!fd || !name) return undefined;
  const params: FunctionHeader['params'] = [];
  for (const p of kids(fd.childForFieldName('parameters') ?? fd)) {
    if (p.type !== 'parameter_declaration') continue;
    const d = p.childForFieldName('declarator');
    const pname = d ? declaratorName(d) : undefined;
    if (!d || !pname) continue;
    params.push({ name: pname, type: oneLine(p.childForFieldName('type')?.text ?? ''), pointer: hasPointer(d), array: hasArray(d), ...(pointerDepth(d) >= 2 ? { outParam: true } : {}) });
  }
  return { name, params, body: fn.childForFieldName('body') };
}

/** How many `*` the declarator has: `T **p` is 2 (a pointer the function may set for its caller). */
function pointerDepth(node: SyntaxNode): number {
  let n = 0;
  for (let d: SyntaxNode | null = node; d; d = d.childForFieldName('declarator')) if (typeOf(d) === 'pointer_declarator') n++;
  return n;
}
