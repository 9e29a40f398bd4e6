// Parser for C litmus tests in the LKMM format:
//   C <name>  (* comment *)  { init }  P0(params) { body } ...  [locations [..]] [filter (..)] exists|~exists|forall (..)
// Returns `{ value, problems }` and never throws: malformed input becomes a problem with line:col.
import type {
  BinaryOp, CondVar, Condition, Expr, InitEntry, LitmusTest, Param, Pos, Prop, Quantifier, Stmt, ThreadDef, Value, WakeupClause,
} from './ast';
import { LitmusSyntaxError, findCommentEnd, tokenize, type Token } from './lexer';

export interface LitmusProblem {
  readonly severity: 'error';
  readonly message: string;
  readonly line: number;
  readonly col: number;
}

export interface ParseResult {
  readonly value?: LitmusTest;
  readonly problems: readonly LitmusProblem[];
}

const TYPE_WORDS = new Set([
  'int', 'long', 'short', 'char', 'unsigned', 'signed', 'void', 'const', 'volatile', 'struct', 'bool', '_Bool',
  'atomic_t', 'atomic64_t', 'atomic_long_t', 'spinlock_t', 'raw_spinlock_t', 'intptr_t', 'uintptr_t',
  'u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64', 'size_t', 'srcu_struct',
]);

const BINARY_PRECEDENCE: Record<string, number> = {
  '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6, '<': 7, '<=': 7, '>': 7, '>=': 7,
  '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10,
};

export function parseLitmus(text: string): ParseResult {
  try {
    return { value: new Parser(text).parseTest(), problems: [] };
  } catch (err) {
    if (err instanceof LitmusSyntaxError) {
      return { problems: [{ severity: 'error', message: err.message, line: err.pos.line, col: err.pos.col }] };
    }
    throw err;
  }
}

class Parser {
  private tokens: Token[] = [];
  private i = 0;
  private name = '';
  private comment: string | undefined;

  constructor(private readonly text: string) {}

  parseTest(): LitmusTest {
    const bodyStart = this.parseHeader();
    this.tokens = tokenize(this.text, bodyStart);
    const init = this.parseInit();
    const threads: ThreadDef[] = [];
    while (this.peek().kind === 'ident' && /^P\d+$/.test(this.peek().text)) threads.push(this.parseThread(threads.length));
    if (threads.length === 0) this.fail('expected a thread P0(...) { ... }');
    let locations: CondVar[] = [];
    let filter: Prop | undefined;
    let condition: Condition | undefined;
    let wakeup: WakeupClause | undefined;
    while (this.peek().kind !== 'eof') {
      const t = this.peek();
      if (this.isWord('lost_wakeup')) {
        if (condition) this.failAt('a test has only one final condition', t.pos);
        wakeup = this.parseWakeup(threads.length);
        condition = { quantifier: 'exists', prop: wakeup.work, pos: t.pos };
        continue;
      }
      if (this.isWord('locations')) { this.next(); locations = this.parseLocations(); continue; }
      if (this.isWord('filter')) { this.next(); filter = this.parseProp(); if (this.at(';')) this.next(); continue; }
      const quantifier = this.parseQuantifier();
      if (quantifier) {
        if (condition) this.failAt('a test has only one final condition', t.pos);
        condition = { quantifier, prop: this.parseProp(), pos: t.pos };
        // herd accepts a `;` after the condition.
        if (this.at(';')) this.next();
        continue;
      }
      this.failAt(`unexpected '${t.text}' after the threads (expected locations, filter, exists, ~exists, forall or lost_wakeup)`, t.pos);
    }
    if (!condition) this.fail('missing final condition (exists, ~exists or forall)');
    return { name: this.name, init, threads, locations, filter, condition, comment: this.comment, ...(wakeup ? { wakeup } : {}) };
  }

  // Extended form: `lost_wakeup P<n> when <prop>` (docs/hv-events.md).
  private parseWakeup(threadCount: number): WakeupClause {
    const pos = this.next().pos;
    const t = this.expectIdent();
    const m = /^P(\d+)$/.exec(t.text);
    if (!m) this.failAt(`expected the target thread (P0, P1, ...) after lost_wakeup, found '${t.text}'`, t.pos);
    const target = Number(m[1]);
    if (target >= threadCount) this.failAt(`lost_wakeup names ${t.text}, but the test has threads P0..P${threadCount - 1}`, t.pos);
    if (!this.isWord('when')) this.failAt(`expected 'when <work pending>' after lost_wakeup ${t.text}`, this.peek().pos);
    this.next();
    return { target, work: this.parseProp(), pos };
  }

  // The first line is `C name`; the name may hold characters (+ . -) that are not C tokens.
  private parseHeader(): number {
    const m = /^\s*(\S+)[ \t]+(\S+)[^\n]*/.exec(this.text);
    if (!m) throw new LitmusSyntaxError('expected a header line `C <test name>`', { line: 1, col: 1 });
    if (m[1] !== 'C') {
      throw new LitmusSyntaxError(`unsupported litmus architecture '${m[1]}' (only C tests are read)`, { line: 1, col: 1 });
    }
    this.name = m[2]!;
    let at = m[0].length;
    // Between the name and the init block: the test's (* ... *) comment (kernel tests keep
    // `Result:` in it) and diy7's metadata — a quoted cycle line and `Key=value` lines such as
    // Cycle=, Relax=, Safe=, Prefetch=, Com=, Orig= — which herd reads as information only.
    for (;;) {
      const rest = /^\s*/.exec(this.text.slice(at))![0].length + at;
      if (this.text.startsWith('(*', rest)) {
        const end = findCommentEnd(this.text, rest);
        if (end < 0) return at;
        this.comment = (this.comment === undefined ? '' : this.comment + '\n') + this.text.slice(rest + 2, end - 2);
        at = end;
        continue;
      }
      if (this.text.startsWith('"', rest)) {
        const end = this.text.indexOf('"', rest + 1);
        if (end < 0) throw new LitmusSyntaxError('unterminated quoted line in the header', positionOf(this.text, rest));
        at = end + 1;
        continue;
      }
      const info = /^[A-Za-z][\w-]*[ \t]*=[^\n]*/.exec(this.text.slice(rest));
      if (info) { at = rest + info[0].length; continue; }
      return at;
    }
  }

  private parseInit(): InitEntry[] {
    this.expect('{');
    const entries: InitEntry[] = [];
    while (!this.at('}')) {
      if (this.at(';')) { this.next(); continue; }
      entries.push(this.parseInitEntry());
      if (!this.at('}')) this.expect(';');
    }
    this.expect('}');
    return entries;
  }

  private parseInitEntry(): InitEntry {
    const start = this.peek().pos;
    const typeWords: string[] = [];
    // `int *y = &x`, `atomic_t v = ATOMIC_INIT(1)`, `0:r1 = 2`, `x = 1`, `int x`.
    while (this.peek().kind === 'ident' && this.isTypeAhead()) typeWords.push(this.next().text);
    while (this.at('*')) { this.next(); typeWords.push('*'); }
    const target = this.parseCondVar();
    let value: Value = 0;
    if (this.at('=')) {
      this.next();
      value = this.parseInitValue();
    }
    return { target, type: typeWords.length ? typeWords.join(' ') : undefined, value, pos: start };
  }

  /** True when the identifier ahead is a type word (and not the declared name itself). */
  private isTypeAhead(): boolean {
    const t = this.peek();
    const after = this.peek(1);
    if (TYPE_WORDS.has(t.text)) return true;
    // An unknown type name followed by another identifier or `*` (e.g. `foo_t x`).
    return after.kind === 'ident' || (after.text === '*' && this.peek(2).kind !== 'num');
  }

  private parseInitValue(): Value {
    const t = this.peek();
    if (this.at('&')) { this.next(); return { addr: this.expectIdent().text }; }
    if (this.at('-')) { this.next(); return -this.parseNumber(); }
    if (t.kind === 'num') return this.parseNumber();
    if (t.kind === 'ident' && t.text === 'ATOMIC_INIT') {
      this.next(); this.expect('(');
      const v = this.parseInitValue();
      this.expect(')');
      return v;
    }
    if (t.kind === 'ident') { this.next(); return { addr: t.text }; }
    return this.failAt(`expected an initial value, found '${t.text}'`, t.pos);
  }

  private parseThread(expected: number): ThreadDef {
    const head = this.next();
    const id = Number(head.text.slice(1));
    if (id !== expected) this.failAt(`expected thread P${expected}, found ${head.text}`, head.pos);
    this.expect('(');
    const params: Param[] = [];
    while (!this.at(')')) {
      const words: string[] = [];
      while (this.peek().kind === 'ident' || this.at('*')) words.push(this.next().text);
      if (words.length < 2) this.fail('expected a parameter like `int *x`');
      const name = words.pop()!;
      params.push({ name, type: words.join(' ') });
      if (!this.at(')')) this.expect(',');
    }
    this.expect(')');
    const body = this.parseBlock();
    return { id, params, body, pos: head.pos };
  }

  private parseBlock(): Stmt[] {
    this.expect('{');
    const body: Stmt[] = [];
    while (!this.at('}')) {
      if (this.peek().kind === 'eof') this.fail("missing '}'");
      body.push(this.parseStmt());
    }
    this.expect('}');
    return body;
  }

  private parseStmt(): Stmt {
    const t = this.peek();
    if (this.at('{')) return { kind: 'block', body: this.parseBlock(), pos: t.pos };
    if (this.at(';')) { this.next(); return { kind: 'block', body: [], pos: t.pos }; }
    if (this.isWord('if')) {
      this.next(); this.expect('(');
      const cond = this.parseExpr();
      this.expect(')');
      const then = this.parseBranch();
      let els: Stmt[] | undefined;
      if (this.isWord('else')) { this.next(); els = this.parseBranch(); }
      return { kind: 'if', cond, then, else: els, pos: t.pos };
    }
    // herd's C has no loops or jumps, and takes these words as ordinary names: a statement
    // that assigns to one (`continue = 1;`) is an assignment, anything else is refused.
    const assigns = ['=', '+=', '-=', '|=', '&=', '^=', '++', '--'].includes(this.peek(1).text);
    for (const word of ['while', 'for', 'do', 'goto', 'return', 'switch', 'break', 'continue']) {
      if (this.isWord(word) && !assigns) return this.skipUnsupported(word);
    }
    if (t.kind === 'ident' && TYPE_WORDS.has(t.text)) return this.parseDecl();
    const target = this.parseExpr();
    if (this.at('=') || ['+=', '-=', '|=', '&=', '^='].includes(this.peek().text)) {
      const op = this.next().text;
      let value = this.parseExpr();
      if (op !== '=') value = { kind: 'binary', op: op[0] as BinaryOp, left: target, right: value, pos: t.pos };
      this.expect(';');
      return { kind: 'assign', target, value, pos: t.pos };
    }
    if (this.at('++') || this.at('--')) {
      const op = this.next().text === '++' ? '+' : '-';
      this.expect(';');
      return { kind: 'assign', target, value: { kind: 'binary', op, left: target, right: { kind: 'num', value: 1, pos: t.pos }, pos: t.pos }, pos: t.pos };
    }
    this.expect(';');
    return { kind: 'expr', expr: target, pos: t.pos };
  }

  private parseBranch(): Stmt[] {
    return this.at('{') ? this.parseBlock() : [this.parseStmt()];
  }

  // Loops and jumps are outside what herd's C front end bounds for us; we say so instead of guessing.
  private skipUnsupported(construct: string): Stmt {
    const t = this.next();
    let depth = 0;
    for (;;) {
      const u = this.peek();
      if (u.kind === 'eof') break;
      if (u.text === '{' || u.text === '(') depth++;
      if (u.text === '}' || u.text === ')') {
        if (depth === 0) break;
        depth--;
        this.next();
        if (depth === 0 && u.text === '}') break;
        continue;
      }
      this.next();
      if (depth === 0 && u.text === ';') break;
    }
    return { kind: 'unsupported', construct, pos: t.pos };
  }

  private parseDecl(): Stmt {
    const start = this.peek().pos;
    const words: string[] = [];
    while (this.peek().kind === 'ident' && TYPE_WORDS.has(this.peek().text)) words.push(this.next().text);
    if (words[0] === 'struct' && this.peek().kind === 'ident' && this.peek(1).kind !== 'punct') words.push(this.next().text);
    const decls: Stmt[] = [];
    for (;;) {
      let stars = '';
      while (this.at('*')) { this.next(); stars += '*'; }
      const name = this.expectIdent();
      let init: Expr | undefined;
      if (this.at('=')) { this.next(); init = this.parseExpr(); }
      decls.push({ kind: 'decl', name: name.text, type: words.join(' ') + (stars ? ' ' + stars : ''), init, pos: name.pos });
      if (!this.at(',')) break;
      this.next();
    }
    this.expect(';');
    return decls.length === 1 ? decls[0]! : { kind: 'block', body: decls, pos: start };
  }

  parseExpr(minPrec = 0): Expr {
    let left = this.parseUnary();
    if (minPrec === 0 && this.at('?')) {
      const pos = this.next().pos;
      const then = this.parseExpr();
      this.expect(':');
      const els = this.parseExpr();
      return { kind: 'ternary', cond: left, then, else: els, pos };
    }
    for (;;) {
      const t = this.peek();
      const prec = t.kind === 'punct' ? BINARY_PRECEDENCE[t.text] : undefined;
      if (prec === undefined || prec < minPrec) break;
      this.next();
      const right = this.parseExpr(prec + 1);
      left = { kind: 'binary', op: t.text as BinaryOp, left, right, pos: t.pos };
      if (minPrec === 0 && this.at('?')) {
        const pos = this.next().pos;
        const then = this.parseExpr();
        this.expect(':');
        return { kind: 'ternary', cond: left, then, else: this.parseExpr(), pos };
      }
    }
    return left;
  }

  private parseUnary(): Expr {
    const t = this.peek();
    if (this.at('*')) { this.next(); return { kind: 'deref', ptr: this.parseUnary(), pos: t.pos }; }
    if (this.at('&')) { this.next(); return { kind: 'addr', arg: this.parseUnary(), pos: t.pos }; }
    if (this.at('!') || this.at('-') || this.at('~')) {
      this.next();
      return { kind: 'unary', op: t.text as '!' | '-' | '~', arg: this.parseUnary(), pos: t.pos };
    }
    if (this.at('+')) { this.next(); return this.parseUnary(); }
    if (this.at('(')) {
      // A cast such as `(void)` or `(int *)` changes nothing the simulator models.
      if (this.peek(1).kind === 'ident' && TYPE_WORDS.has(this.peek(1).text)) {
        this.next();
        while (!this.at(')')) {
          if (this.peek().kind === 'eof') this.fail("missing ')' after cast");
          this.next();
        }
        this.next();
        return this.parseUnary();
      }
      this.next();
      const e = this.parseExpr();
      this.expect(')');
      return this.parsePostfix(e);
    }
    return this.parsePostfix(this.parsePrimary());
  }

  private parsePostfix(e: Expr): Expr {
    const t = this.peek();
    if (this.at('[') || this.at('->') || this.at('.')) {
      return this.failAt(`unsupported: ${t.text === '[' ? 'array indexing' : 'struct member access'} at ${t.pos.line}:${t.pos.col}`, t.pos);
    }
    return e;
  }

  private parsePrimary(): Expr {
    const t = this.next();
    if (t.kind === 'num') return { kind: 'num', value: parseInt(t.text, t.text.startsWith('0x') || t.text.startsWith('0X') ? 16 : 10), pos: t.pos };
    if (t.kind === 'ident') {
      if (this.at('(')) {
        this.next();
        const args: Expr[] = [];
        while (!this.at(')')) {
          args.push(this.parseExpr());
          if (!this.at(')')) this.expect(',');
        }
        this.next();
        return { kind: 'call', name: t.text, args, pos: t.pos };
      }
      return { kind: 'var', name: t.text, pos: t.pos };
    }
    return this.failAt(t.kind === 'eof' ? 'unexpected end of input in an expression' : `unexpected '${t.text}' in an expression`, t.pos);
  }

  // ---- herd clauses ----

  private parseQuantifier(): Quantifier | undefined {
    if (this.isWord('exists')) { this.next(); return 'exists'; }
    if (this.isWord('forall')) { this.next(); return 'forall'; }
    if (this.at('~') && this.peek(1).text === 'exists') { this.next(); this.next(); return '~exists'; }
    return undefined;
  }

  private parseLocations(): CondVar[] {
    this.expect('[');
    const out: CondVar[] = [];
    while (!this.at(']')) {
      out.push(this.parseCondVar());
      if (!this.at(']')) this.expect(';');
      if (this.at(';')) this.next();
    }
    this.expect(']');
    return out;
  }

  /** `0:r1`, `x`, `[x]`. */
  private parseCondVar(): CondVar {
    const t = this.peek();
    if (t.kind === 'num' && this.peek(1).text === ':') {
      this.next(); this.next();
      return { kind: 'reg', thread: Number(t.text), name: this.expectIdent().text };
    }
    if (this.at('[')) {
      this.next();
      const name = this.expectIdent().text;
      this.expect(']');
      return { kind: 'loc', name };
    }
    if (this.at('*')) this.next();
    return { kind: 'loc', name: this.expectIdent().text };
  }

  parseProp(): Prop {
    return this.parseImplies();
  }

  private parseImplies(): Prop {
    const left = this.parseOr();
    if (this.at('=') && this.peek(1).text === '>') {
      this.next(); this.next();
      return { kind: 'implies', left, right: this.parseImplies() };
    }
    return left;
  }

  private parseOr(): Prop {
    let left = this.parseAnd();
    while (this.at('\\/')) { this.next(); left = { kind: 'or', left, right: this.parseAnd() }; }
    return left;
  }

  private parseAnd(): Prop {
    let left = this.parseAtom();
    while (this.at('/\\')) { this.next(); left = { kind: 'and', left, right: this.parseAtom() }; }
    return left;
  }

  private parseAtom(): Prop {
    const t = this.peek();
    if (this.at('~') || this.at('!') || this.isWord('not')) { this.next(); return { kind: 'not', arg: this.parseAtom() }; }
    if (this.at('(')) {
      this.next();
      const p = this.parseProp();
      this.expect(')');
      return p;
    }
    if (this.isWord('true')) { this.next(); return { kind: 'true' }; }
    if (this.isWord('false')) { this.next(); return { kind: 'false' }; }
    const lhs = this.parseCondVar();
    // `x != v` is herd's `not (x=v)`.
    const negated = this.at('!=');
    if (negated) this.next(); else this.expect('=');
    const atom: Prop = this.atCondVarOperand()
      ? { kind: 'same', lhs, rhs: this.parseCondVar(), pos: t.pos }
      : { kind: 'eq', lhs, value: this.parseInitValue(), pos: t.pos };
    return negated ? { kind: 'not', arg: atom } : atom;
  }

  /** After `=` in a condition: another register (`1:r0`) or a bracketed location (`[y]`), not a value. */
  private atCondVarOperand(): boolean {
    return (this.peek().kind === 'num' && this.peek(1).text === ':') || this.at('[');
  }

  // ---- token helpers ----

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.i + ahead, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (this.i < this.tokens.length - 1) this.i++;
    return t;
  }

  private at(punct: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.text === punct;
  }

  private isWord(word: string): boolean {
    const t = this.peek();
    return t.kind === 'ident' && t.text === word;
  }

  private expect(punct: string): Token {
    const t = this.peek();
    if (!this.at(punct)) {
      this.failAt(t.kind === 'eof' ? `expected '${punct}' before end of input` : `expected '${punct}', found '${t.text}'`, t.pos);
    }
    return this.next();
  }

  private expectIdent(): Token {
    const t = this.peek();
    if (t.kind !== 'ident') this.failAt(`expected a name, found '${t.text || 'end of input'}'`, t.pos);
    return this.next();
  }

  private parseNumber(): number {
    const t = this.next();
    if (t.kind !== 'num') this.failAt(`expected a number, found '${t.text}'`, t.pos);
    return parseInt(t.text, t.text.toLowerCase().startsWith('0x') ? 16 : 10);
  }

  private fail(message: string): never {
    return this.failAt(message, this.peek().pos);
  }

  private failAt(message: string, pos: Pos): never {
    throw new LitmusSyntaxError(message, pos);
  }
}

/** 1-based line and column of an offset in the text. */
function positionOf(text: string, offset: number): Pos {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, col: offset - before.lastIndexOf('\n') };
}
