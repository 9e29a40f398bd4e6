// Patch and file mode ask the view's concurrency model (engine/concurrency/view.ts): closed only
// where C makes it so (static functions), no paused-vCPU rule, read-mode locks exclude nobody.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractC } from '../../engine/extract/index';
import type { Thread } from '../../engine/extract/types';
import { ViewConcurrency, viewAddressTaken } from '../../engine/concurrency/view';
import { initCParser } from '../../engine/c/init';

async function threads(code: string): Promise<Thread[]> {
  return (await extractC(await initCParser(), { text: code, profile: { os: 'xen' } })).value;
}

const side = (t: Thread, first: string, second: string) => {
  const find = (text: string) => t.events.find((e) => 'loc' in e && e.loc.text === text)!;
  return { thread: t, first: find(first), second: find(second) };
};

test('a static helper every caller calls under the lock runs under it; a non-static one may have other callers', async () => {
  const code = (storage: string) => `
struct priv { spinlock_t lock; int a; int b; };
${storage} void set_both(struct priv *p) { p->a = 1; p->b = 1; }
void update(struct priv *p) { spin_lock(&p->lock); set_both(p); spin_unlock(&p->lock); }
void reader(struct priv *p) { int x, y; spin_lock(&p->lock); x = p->b; y = p->a; spin_unlock(&p->lock); }
`;
  for (const [storage, excluded] of [['static', true], ['', false]] as const) {
    const ts = await threads(code(storage));
    const view = new ViewConcurrency(ts, viewAddressTaken([code(storage)]));
    const w = ts.find((t) => t.name === 'set_both')!;
    const r = ts.find((t) => t.name === 'reader')!;
    const why = view.excludes([side(w, 'p->a', 'p->b'), side(r, 'p->b', 'p->a')], 'MP');
    assert.equal(why !== undefined, excluded, `${storage || 'extern'}: ${why}`);
  }
});

test('a lock some code takes in read mode excludes nobody; a vCPU paused by the reader is still written by others', async () => {
  const code = `
struct d { rwlock_t lock; int a; int b; };
void writer(struct d *p) { read_lock(&p->lock); p->a = 1; p->b = 1; read_unlock(&p->lock); }
void reader(struct d *p) { int x, y; read_lock(&p->lock); x = p->b; y = p->a; read_unlock(&p->lock); }
void peek(struct vcpu *v) { int x, y; x = v->ready; vcpu_pause(v); y = v->regs; vcpu_unpause(v); }
void setup(struct vcpu *v) { v->regs = 1; v->ready = 1; }
`;
  const ts = await threads(code);
  const view = new ViewConcurrency(ts, viewAddressTaken([code]));
  const t = (n: string) => ts.find((x) => x.name === n)!;
  assert.equal(view.excludes([side(t('writer'), 'p->a', 'p->b'), side(t('reader'), 'p->b', 'p->a')], 'MP'), undefined);
  assert.equal(view.excludes([side(t('setup'), 'v->regs', 'v->ready'), side(t('peek'), 'v->ready', 'v->regs')], 'MP'), undefined);
});

test('boot-only code never runs beside anything', async () => {
  const code = `
struct s { int a; int b; };
void __init setup(struct s *p) { p->a = 1; p->b = 1; }
void reader(struct s *p) { int x, y; x = p->b; y = p->a; }
`;
  const ts = await threads(code);
  const view = new ViewConcurrency(ts, viewAddressTaken([code]));
  assert.match(view.neverConcurrent(ts.find((x) => x.name === 'setup')!, ts.find((x) => x.name === 'reader')!) ?? '', /runs only at boot/);
});
