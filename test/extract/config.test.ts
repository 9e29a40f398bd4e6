// `.hvbarrier.json`: user extensions reach extraction; malformed config is a located problem.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractC } from '../../engine/extract/index';
import { loadConfig } from '../../engine/kb/index';
import { brief, parser } from './helpers';

test('config: custom barriers, accessors, locks, shared globals and iterators are used', async () => {
  const { kb, problems } = loadConfig(JSON.stringify({
    barriers: { my_wmb: 'wmb' },
    accessors: { MY_READ: { access: 'read', order: 'acquire', pointer: true }, MY_SET: { access: 'write', order: 'release' } },
    locks: { grab: 'lock', drop: { op: 'unlock', irq: 'restore' } },
    functions: { wait_a_bit: { tags: ['sleeps'] } },
    shared: ['^pcpu_'],
    iterators: ['for_every_widget'],
  }));
  assert.deepEqual(problems, []);
  const code = 'void f(struct s *s) { int pcpu_count; grab(&s->l); MY_SET(s->a, 1); my_wmb(); for_every_widget(w) { pcpu_state = MY_READ(&s->b); } drop(&s->l); wait_a_bit(); }';
  const t = extractC(await parser(), { text: code, kb }).value[0]!;
  assert.deepEqual(t.events.map(brief), [
    'LOCK s->l', 'W release s->a', 'F wmb', 'R acquire s->b', 'W plain pcpu_state', 'UNLOCK s->l', 'IRQ restore', 'CALL wait_a_bit [kb]',
  ]);
});

const BAD: readonly [string, string, number, number][] = [
  ['not JSON', '{\n  "barriers": { "x": "mb", }\n}', 2, 0],
  ['unknown key', '{\n  "barrier": {}\n}', 2, 3],
  ['bad fence kind', '{ "barriers": {\n  "my_mb": "full" } }', 2, 3],
  ['bad accessor', '{ "accessors": { "R": { "access": "peek" } } }', 1, 18],
  ['bad regex', '{ "shared": ["("] }', 1, 14],
];

for (const [name, text, line, col] of BAD) {
  test(`config: ${name} is a problem with a position, never a throw`, () => {
    const res = loadConfig(text);
    assert.ok(res.problems.length > 0);
    const p = res.problems[0]!;
    assert.equal(p.severity, 'error');
    assert.equal(p.line, line);
    if (col > 0) assert.equal(p.col, col);
    assert.ok(res.kb.primitives.has('smp_mb'), 'the built-in knowledge base is still there');
  });
}
