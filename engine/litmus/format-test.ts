// Prints a LitmusTest back as C litmus text (herd7 reads it). Checks build tests from patches
// as ASTs and show them with this printer, so a reviewer can rerun them under herd7.
import type { CondVar, Expr, InitEntry, LitmusTest, Stmt, ThreadDef } from './ast';
import { formatCondition, formatProp, formatValue } from './print';

function expr(e: Expr): string {
  switch (e.kind) {
    case 'num': return String(e.value);
    case 'var': return e.name;
    case 'deref': return `*${wrap(e.ptr)}`;
    case 'addr': return `&${expr(e.arg)}`;
    case 'unary': return `${e.op}${wrap(e.arg)}`;
    case 'binary': return `${wrap(e.left)} ${e.op} ${wrap(e.right)}`;
    case 'ternary': return `${wrap(e.cond)} ? ${wrap(e.then)} : ${wrap(e.else)}`;
    case 'call': return `${e.name}(${e.args.map(expr).join(', ')})`;
  }
}

function wrap(e: Expr): string {
  return e.kind === 'binary' || e.kind === 'ternary' ? `(${expr(e)})` : expr(e);
}

function stmts(body: readonly Stmt[], indent: string): string[] {
  return body.flatMap((s) => stmt(s, indent));
}

function stmt(s: Stmt, indent: string): string[] {
  switch (s.kind) {
    case 'decl': return [`${indent}${s.type} ${s.name}${s.init ? ` = ${expr(s.init)}` : ''};`];
    case 'assign': return [`${indent}${expr(s.target)} = ${expr(s.value)};`];
    case 'expr': return [`${indent}${expr(s.expr)};`];
    case 'block': return [`${indent}{`, ...stmts(s.body, indent + '\t'), `${indent}}`];
    case 'if': {
      const out = [`${indent}if (${expr(s.cond)}) {`, ...stmts(s.then, indent + '\t'), `${indent}}`];
      if (s.else) out.push(`${indent}else {`, ...stmts(s.else, indent + '\t'), `${indent}}`);
      return out;
    }
    case 'unsupported': return [`${indent}/* unsupported: ${s.construct} */`];
  }
}

function initEntry(e: InitEntry): string {
  const target = e.target.kind === 'reg' ? `${e.target.thread}:${e.target.name}` : e.target.name;
  const value = typeof e.value === 'number' ? String(e.value) : `&${formatValue(e.value)}`;
  return `${e.type ? e.type + ' ' : ''}${target} = ${value};`;
}

function thread(t: ThreadDef): string {
  const params = t.params.map((p) => `${p.type}${p.type.endsWith('*') ? '' : ' '}${p.name}`).join(', ');
  const origin = t.origin ? ` /* ${t.origin} */` : '';
  return [`P${t.id}(${params})${origin}`, '{', ...stmts(t.body, '\t'), '}'].join('\n');
}

function condVar(v: CondVar): string {
  return v.kind === 'reg' ? `${v.thread}:${v.name}` : v.name;
}

export function formatLitmusTest(test: LitmusTest): string {
  const parts = [`C ${test.name}`, ''];
  if (test.comment !== undefined) parts.push(`(*${test.comment}*)`, '');
  parts.push('{', ...test.init.map((e) => `\t${initEntry(e)}`), '}', '');
  for (const t of test.threads) parts.push(thread(t), '');
  if (test.locations.length) parts.push(`locations [${test.locations.map(condVar).join('; ')}]`);
  if (test.filter) parts.push(`filter (${formatCondition('exists', test.filter).slice('exists ('.length, -1)})`);
  // An extended test states its question as the lost-wakeup clause (its condition is derived from it).
  parts.push(test.wakeup ? `lost_wakeup P${test.wakeup.target} when ${formatProp(test.wakeup.work)}` : formatCondition(test.condition.quantifier, test.condition.prop));
  return parts.join('\n') + '\n';
}
