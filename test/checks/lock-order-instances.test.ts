// lock-order-inversion with a lock fact whose argument type names several locks: a p2m table's
// lock is the host p2m's or an alternate p2m's, two locks of two classes. Where the code shows
// which table a pointer is (set from p2m_get_hostp2m(), or from the domain's altp2m array),
// the lock is that one (engine/checks/lock-order/instances.ts, kb/lock-facts.ts
// LOCK_INSTANCES); where it does not, it may be either, as before. Lines prefixed ' ' are in
// both images of the patch, '-' only before it, '+' only after it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Analysis, Finding } from '../../engine/checks/types';
import { check, onePatch, only } from './helpers';

const image = (lines: readonly string[]): string => `${lines.filter((l) => !l.startsWith('+')).map((l) => l.slice(1)).join('\n')}\n`;
const warnings = (a: Analysis): Finding[] => only(a, 'lock-order-inversion').filter((f) => f.severity === 'warning');

async function review(lines: readonly string[], others: Array<{ path: string; text: string }> = []): Promise<{ found: Finding[]; patch: string }> {
  const path = 'xen/arch/x86/mm/views.c';
  const patch = onePatch(path, 1, lines);
  const a = await check({ file: 'change.patch', text: patch, treeTexts: [{ path: `tree/${path}`, text: image(lines) }, ...others], os: 'xen' });
  return { found: warnings(a), patch };
}

/**
 * restrict_view() locks the host table, then a view's. The patch to remap_view() drops its own
 * host lock and looks the entry up with get_gfn_type_access(), which locks the host table
 * inside: the view's lock is now held first. `host`: the lines that set remap_view()'s hp2m.
 */
const views = (host: readonly string[], view = 'd->arch.altp2m_p2m[idx]'): string[] => [
  ' long restrict_view(struct domain *d, unsigned int idx, unsigned long gfn)',
  ' {',
  '     struct p2m_domain *p2m = p2m_get_hostp2m(d), *ap2m = NULL;',
  '     if ( idx )',
  '         ap2m = d->arch.altp2m_p2m[idx];',
  '     p2m_lock(p2m);',
  '     if ( ap2m )',
  '         p2m_lock(ap2m);',
  '     d->restricted = gfn;',
  '     if ( ap2m )',
  '         p2m_unlock(ap2m);',
  '     p2m_unlock(p2m);',
  '     return 0;',
  ' }',
  ' ',
  ' int remap_view(struct domain *d, struct p2m_domain *given, unsigned int idx, unsigned long gfn)',
  ' {',
  '     struct p2m_domain *hp2m, *ap2m;',
  '     p2m_type_t t;',
  '     p2m_access_t a;',
  '     mfn_t m;',
  ...host.map((l) => `     ${l}`),
  `     ap2m = ${view};`,
  '-    p2m_lock(hp2m);',
  '     p2m_lock(ap2m);',
  '-    m = lookup_unlocked(hp2m, gfn, &t, &a);',
  '+    m = get_gfn_type_access(hp2m, gfn, &t, &a, 0, NULL);',
  '     d->remapped = m;',
  '     p2m_unlock(ap2m);',
  '-    p2m_unlock(hp2m);',
  '     return 0;',
  ' }',
];
const remapOnly = (lines: readonly string[]): string[] => lines.slice(lines.indexOf(' int remap_view(struct domain *d, struct p2m_domain *given, unsigned int idx, unsigned long gfn)'));

test('lock-order: the host p2m locked under an alternate one inverts the order of a path that locks the host first', async () => {
  const { found, patch } = await review(views(['hp2m = p2m_get_hostp2m(d);']));
  assert.equal(found.length, 1, JSON.stringify(found.map((f) => f.message)));
  assert.match(patch.split('\n')[found[0]!.place.range.line - 1]!, /get_gfn_type_access/);
  assert.match(found[0]!.message, /^remap_view\(\) takes hp2m->lock while holding struct domain->arch\.altp2m_p2m\[\]->lock \(via get_gfn_type_access\(\)\), but restrict_view\(\) takes them in the opposite order/);
  assert.match(found[0]!.explanation, /hp2m is the host p2m/);
  // The view read through array_access_nospec(), as newer code does, is the same alternate table.
  assert.equal((await review(views(['hp2m = p2m_get_hostp2m(d);'], 'array_access_nospec(d->arch.altp2m_p2m, idx)'))).found.length, 1);
});

test('lock-order: a p2m pointer the code does not tell apart stays either table, and orders nothing against the other', async () => {
  // A parameter's table: whatever the callers pass, even where the function sets it on one path.
  assert.deepEqual((await review(views(['if ( !given )', '    given = p2m_get_hostp2m(d);', 'hp2m = given;']))).found, []);
  // The host table, or a view when there is one: either lock.
  assert.deepEqual((await review(views(['hp2m = p2m_get_hostp2m(d);', 'if ( idx )', '    hp2m = d->arch.altp2m_p2m[idx];']))).found, []);
  // Set by a callee through its address: not what the assignments say.
  assert.deepEqual((await review(views(['hp2m = p2m_get_hostp2m(d);', 'pick_table(d, &hp2m);']))).found, []);
});

const header = {
  path: 'tree/xen/arch/x86/mm/mm-locks.h',
  text: '#define declare_mm_rwlock(name) static inline void mm_write_lock_##name(void) {}\ndeclare_mm_rwlock(p2m)\ndeclare_mm_rwlock(altp2m)\n',
};

test('lock-order: with the mm lock order in view, the host p2m taken under an alternate one breaks it', async () => {
  // Only remap_view() in view: no second path, but the header says host tables come first.
  const lines = remapOnly(views(['hp2m = p2m_get_hostp2m(d);']));
  const { found } = await review(lines, [header]);
  assert.equal(found.length, 1, JSON.stringify(found.map((f) => f.message)));
  assert.match(found[0]!.message, /takes hp2m->lock \(mm lock class p2m\) while holding ap2m->lock \(class altp2m\)/);
  // The declared order itself (the host table, then the view) is no finding.
  const declared = lines.map((l) => (l === '-    p2m_lock(hp2m);' ? '     p2m_lock(hp2m);' : l === '-    p2m_unlock(hp2m);' ? '     p2m_unlock(hp2m);' : l));
  assert.deepEqual((await review(declared, [header])).found, []);
});

/** sync_a() takes a then b under the host p2m's lock; the patch makes sync_b() take b then a. */
const syncLines = (outer: string): string[] => [
  ' struct domain { spinlock_t a; spinlock_t b; int n; };',
  ' ',
  ' void sync_a(struct domain *d)',
  ' {',
  '     p2m_lock(p2m_get_hostp2m(d));',
  '     spin_lock(&d->a);',
  '     spin_lock(&d->b);',
  '     d->n++;',
  '     spin_unlock(&d->b);',
  '     spin_unlock(&d->a);',
  '     p2m_unlock(p2m_get_hostp2m(d));',
  ' }',
  ' ',
  ' void sync_b(struct domain *d, struct p2m_domain *p2m)',
  ' {',
  `     ${outer}`,
  '     spin_lock(&d->b);',
  '+    spin_lock(&d->a);',
  '     d->n--;',
  '+    spin_unlock(&d->a);',
  '     spin_unlock(&d->b);',
  ' }',
];

test('lock-order: two paths that both hold the host p2m, once named and once not, may be serialized by it', async () => {
  // sync_b() holds a table's lock that may be the host's: the two may never run at once.
  assert.deepEqual((await review(syncLines('p2m_lock(p2m);'))).found, []);
  // Without it, the patch's new order inverts sync_a()'s.
  assert.equal((await review(syncLines(''))).found.length, 1);
});
