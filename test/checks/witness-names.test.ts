// Two handshakes of the same shape on different fields share one simulation (by test shape);
// each finding's witness must still name its own fields and point at its own lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, only } from './helpers';

const text = ['a', 'b'].map((f) => `void pub_${f}(struct obj *x)
{
    x->${f} = 1;
    WRITE_ONCE(x->f${f}, 1);
}

int read_${f}(struct obj *x)
{
    if ( READ_ONCE(x->f${f}) )
        return x->${f};
    return 0;
}
`).join('\n');

test('a witness shared through the simulation memo speaks the locations of its own finding', async () => {
  const source = `struct obj { int a; int fa; int b; int fb; };\n\n${text}`;
  const a = await check({ file: 'xen/common/witness_names.c', text: source, arch: 'all' });
  const lines = source.split('\n');
  const onB = [...only(a, 'arch-specific-ordering'), ...only(a, 'missing-barrier')].filter((f) => /x->f?b\b/.test(lines[f.place.range.line - 1] ?? ''));
  assert.ok(onB.length > 0, 'the b handshake is reported');
  for (const f of onB) {
    const steps = (f.witness ?? []).map((s) => s.text).join('\n');
    assert.match(steps, /`x->b`/);
    assert.doesNotMatch(steps, /x->a|x_a|x_fa/);
    assert.ok((f.witness ?? []).every((s) => s.place !== undefined), 'every step points at its access');
  }
});
