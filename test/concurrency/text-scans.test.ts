// The concurrency facts read a function's text once for all its variables where they used to
// run one regex per variable (function-text.ts, stack-objects.ts, facts.ts fixedParams,
// construction.ts callResults). Each scan must find what the per-variable pattern it replaced
// found: those patterns are spelled out here as the reference, on texts that make the two
// ways part (matches that overlap, words inside longer words, comparisons, casts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CAST, FunctionText } from '../../engine/concurrency/function-text';
import { stackObjects } from '../../engine/concurrency/stack-objects';
import { directives, functionFacts } from '../../engine/concurrency/facts';
import { localAssignments } from '../../engine/concurrency/construction';
import { initCParser } from '../../engine/c/init';
import { extractC } from '../../engine/extract/index';

/** The pattern FunctionText.stores() replaced, run for one name. */
function storesByPattern(code: string, name: string): Array<{ index: number; lhs: string }> {
  const re = new RegExp(String.raw`([\w\]\[\)>.\s*-]*?)(?<![=!<>+\-*/%&|^])=(?!=)\s*${CAST}(?:&\s*\(?\s*${name}\b[^,;)]*|${name})\s*[;,)]`, 'g');
  return [...code.matchAll(re)].map((m) => ({ index: m.index!, lhs: m[1]! }));
}

const STORE_TEXTS = [
  'p->a = &x->y = q;\ng = x; h = (struct foo *)x, k = &(x)->f;',
  'a == x; b != x; c <= x; d += x; e = x + 1; f = xx; f2 = x_;',
  'r->slot[i] = x;\n#endif\n    s->next = &x->list;\nt = &x',
  'u = ( const struct ring * ) x ; v = &( x )->m; w = (x); y = &xx->m;',
  'q->p = x, q->o = (struct z)&x->l;\nreturn x;',
  'a = &x->b = x; c = &q[x] = q;',
];

test('function text: stores found by one scan of the text are those the per-name pattern found', () => {
  for (const code of STORE_TEXTS) {
    const text = new FunctionText(code);
    for (const name of ['x', 'q', 'xx', 'y', 'm']) assert.deepEqual(text.stores(name), storesByPattern(code, name), `${name} in ${JSON.stringify(code)}`);
  }
  assert.deepEqual(new FunctionText(STORE_TEXTS[0]!).stores('x').map((s) => s.lhs.trim()), ['p->a', 'g', 'h', 'k']);
});

/** The pattern stackObjects() used per object for an address stored or handed over (its launchers shortened). */
function handedByPattern(body: string, name: string): boolean {
  const addr = String.raw`&\s*\(?\s*${name}\b`;
  if (new RegExp(String.raw`(?<![=!<>])=\s*${addr}`).test(body)) return true;
  return [...body.matchAll(/\b(?:on_selected_cpus|stop_machine\w*)\s*\(([^;]*)/g)].some((m) => new RegExp(addr).test(m[1]!));
}

test('stack objects: those whose address is stored or handed over are the ones the per-name pattern finds', () => {
  const decls = '    struct ring snap, snapshot, s2;\n    int i, out[4];\n';
  for (const use of [
    'on_selected_cpus(mask, fn, &( snap ), 0);', 'x = &snapshot; ok = (p == &snap);', 'q->r = & (s2).m; stop_machine_run(f, &i, 1);',
    'on_selected_cpus(mask, fn, &snapshot, 0);', 'y <= &snap;', 'z = out;',
  ]) {
    const body = decls + use + '\n';
    const expected = ['snap', 'snapshot', 's2', 'i', 'out'].filter((n) => !handedByPattern(body, n)).sort();
    assert.deepEqual([...stackObjects(body).keys()].sort(), expected, use);
  }
});

test('fixed parameters: `&p` takes the parameter\'s address, `&p->x` and `&pp` do not', async () => {
  const parser = await initCParser();
  const code = `int f(struct s *p, struct s *pp, int n, int m)
{
    g(&p->x, &pp, & n);
    h(&p
        ->y, &m->z);
    return 0;
}
`;
  const [t] = extractC(parser, { text: code, profile: { os: 'xen' } }).value;
  assert.deepEqual(functionFacts(t!, code.split('\n')).fixedParams, [0, 3]);
});

test('allocated locals: one changed by a compound assignment, ++ or -- is not the allocation\'s result', async () => {
  const parser = await initCParser();
  const fn = (change: string): string => `struct s *f(void)
{
    struct s *p, *pq;
    p = xzalloc(struct s);
    pq = NULL;
    ${change}
    return p;
}
`;
  const returns = (change: string): readonly string[] | undefined => {
    const code = fn(change);
    const [t] = extractC(parser, { text: code, profile: { os: 'xen' } }).value;
    return functionFacts(t!, code.split('\n')).returnsFrom;
  };
  assert.deepEqual(returns('pq++; pq += 2; --pq;'), ['xzalloc']);
  for (const change of ['p += 2;', 'p++;', '-- p;', 'p <<= 1;']) assert.equal(returns(change), undefined, change);
});

/** The pattern FunctionText.declaredLocal() ran over the whole body. */
function declaredByPattern(code: string, name: string): boolean {
  const body = code.indexOf('{') >= 0 ? code.slice(code.indexOf('{')) : code;
  return new RegExp(String.raw`(?:^|[;{}])\s*(?!return\b|goto\b|case\b|else\b|do\b)(?:(?:const|volatile|unsigned|signed)\s+)*(?:(?:struct|union|enum)\s+)?[A-Za-z_]\w*(?:\s+|\s*\*+\s*)(?:[^;{}()]*?,\s*\**\s*)?${name}\b\s*(?:\[[^\]]*\]\s*)*[=;,]`, 'm').test(body);
}

test('function text: declared locals are those the whole-body pattern finds', () => {
  const texts = [
    'int f(struct d *d, int n)\n{\n    struct vcpu *v, *prev;\n    unsigned long flags = 0, x[4];\n    d->v = v;\n    return n;\n}',
    'void g(int a,\n       int b)\n{\n    if (a) { int c; c = b; }\n    for (i = 0; i < 3; i++) e = f(a, b);\n    const\n      struct s\n        *p = NULL;\n}',
    'void h(void)\n{\n    return q; goto z; else y = 2; case w: ;\n    foo(bar, baz); t tt;\n    struct x xs[N] = { 0 }, ys;\n    long\n    ln;\n}',
  ];
  for (const code of texts) {
    const text = new FunctionText(code);
    for (const name of ['d', 'v', 'prev', 'flags', 'x', 'n', 'a', 'b', 'c', 'e', 'p', 'q', 'y', 'bar', 'baz', 'tt', 'xs', 'ys', 'ln', 'z', 'w', 'i']) {
      assert.equal(text.declaredLocal(name), declaredByPattern(code, name), `${name} in ${JSON.stringify(code)}`);
    }
  }
  assert.deepEqual(['v', 'prev', 'x', 'n', 'c', 'p', 'tt', 'ys', 'ln'].filter((n) => texts.some((c) => new FunctionText(c).declaredLocal(n))), ['v', 'prev', 'x', 'c', 'p', 'tt', 'ln']);
});

test('assignments to plain variables: those the look-behind pattern found, from each `=` back', () => {
  const pattern = new RegExp(String.raw`(?<![\w.>]\s*)\b([A-Za-z_]\w*)\s*=(?!=)\s*${CAST}([A-Za-z_]\w*)?\s*(\()?`, 'g');
  for (const code of [
    'int x = f();\n x=g (1); a.b = h(); p->q = k(); y == z; w != v; 9x = 1;',
    'r = (struct s *) alloc (n); t =\n   u; x = = y; s += 2; u <= 3; a = b = c(); (m) = n;',
    'v\t= current, w = *p; q = &x; _z1 = (int)y(2); if (e = f(g)) h = i;',
  ]) {
    const expected = [...code.matchAll(pattern)].map((m) => ({ target: m[1]!, callee: m[2], call: m[3] !== undefined, at: m.index! }));
    assert.deepEqual([...localAssignments(code)], expected, code);
  }
});

test('directives: the matches of a `^[ \\t]*#` pattern at lines starting with `#` are its global matches', () => {
  const text = '#define a b\r\n  # define c  d \nx = y # z;\n#define f(a,\n#define g(x) g(x)\n a)\n\t#define h(p, q) h(q, p)\u2028#define i j\n##define k l';
  for (const source of [String.raw`^[ \t]*#[ \t]*define[ \t]+(\w+)[ \t]+(\w+)[ \t]*$`, String.raw`^[ \t]*#[ \t]*define[ \t]+(\w+)\(([^)]*)\)[ \t]+(\w+)[ \t]*\(([^)]*)\)[ \t]*$`]) {
    const global = [...text.matchAll(new RegExp(source, 'gm'))].map((m) => [m.index, ...m]);
    assert.deepEqual([...directives(text, new RegExp(source, 'my'))].map((m) => [m.index, ...m]), global, source);
    assert.ok(global.length >= 2, source);
  }
});
