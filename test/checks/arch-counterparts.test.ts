// A function under an architecture profile (Sources.counterpartThread): extracted alone, and the
// same as when the whole file is extracted under that profile. Xen's spin_lock() is a full
// barrier on Arm, so a locking function reads otherwise on arm64; a function with no such
// primitive is its own counterpart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initCParser } from '../../engine/c/init';
import { Sources } from '../../engine/checks/sources';
import { extractC } from '../../engine/extract/index';
import type { Thread } from '../../engine/extract/types';
import { DEFAULT_KB } from '../../engine/kb/index';

const TEXT = `struct ring { int data; int ready; spinlock_t lock; };
static void bump(struct ring *r)
{
    r->data = r->data + 1;
}
void locked_publish(struct ring *r)
{
    spin_lock(&r->lock);
    bump(r);
    r->ready = 1;
    spin_unlock(&r->lock);
}
void plain_publish(struct ring *r)
{
    bump(r);
    r->ready = 1;
}
`;

const shape = (t: Thread): string[] => t.events.map((e) => `${e.kind}${'fence' in e ? `:${e.fence}` : ''}${'loc' in e ? `:${e.loc.key}` : ''}@${e.span.line}:${e.span.col}`);

test('a function is extracted alone under an architecture profile, as in its whole file', async () => {
  const parser = await initCParser();
  const sources = new Sources({ parser, kb: DEFAULT_KB, sources: [{ path: 'ring.c', text: TEXT, kind: 'c', role: 'document' }], os: 'xen' });
  const byName = new Map(sources.threads('generic').map((t) => [t.name, t]));
  const locked = byName.get('locked_publish')!;
  const plain = byName.get('plain_publish')!;
  // No primitive that differs per architecture: its own counterpart, on both.
  assert.equal(sources.counterpartThread(plain, 'arm64'), plain);
  assert.equal(sources.counterpartThread(plain, 'x86'), plain);
  // spin_lock() differs on Arm only.
  assert.equal(sources.counterpartThread(locked, 'x86'), locked);
  const arm = sources.counterpartThread(locked, 'arm64')!;
  assert.notEqual(arm, locked);
  assert.equal(shape(locked).filter((s) => s.startsWith('F')).length, 0);
  assert.equal(shape(arm).filter((s) => s.startsWith('F:mb')).length, 2);
  // The same thread as the whole file extracted under the profile, and its events map back.
  const whole = extractC(parser, { text: TEXT, path: 'ring.c', kb: DEFAULT_KB, profile: { os: 'xen', arch: 'arm64' } }).value.find((t) => t.name === 'locked_publish')!;
  assert.deepEqual(shape(arm), shape(whole));
  const ready = locked.events.find((e) => e.kind === 'W' && e.loc.key.endsWith('ready'))!;
  const mapped = sources.counterpartEvent(locked, ready, 'arm64')!;
  assert.equal(mapped.kind, 'W');
  assert.ok(arm.events.includes(mapped));
  // Asked again: the same object (kept per document).
  assert.equal(sources.counterpartThread(locked, 'arm64'), arm);
});
