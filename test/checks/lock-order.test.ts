// lock-order-inversion on patches: the orders a patch introduces, through callees in view,
// through the lock facts (engine/kb/lock-facts.ts) and against the mm lock hierarchy a header
// in view declares. Each fixture is written for one rule: lines prefixed ' ' are in both
// images, '-' only before the patch, '+' only after it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { breaksHierarchy, readHierarchy } from '../../engine/checks/lock-order/hierarchy';
import type { Analysis, Finding } from '../../engine/checks/types';
import { check, onePatch, only } from './helpers';

const image = (lines: readonly string[], side: 'pre' | 'post'): string =>
  `${lines.filter((l) => !l.startsWith(side === 'pre' ? '+' : '-')).map((l) => l.slice(1)).join('\n')}\n`;

/** Checks the patch `lines` against a tree holding the pre-image of `path` and `others`. */
async function review(path: string, lines: readonly string[], others: Array<{ path: string; text: string }> = []): Promise<{ a: Analysis; patch: string }> {
  const patch = onePatch(path, 1, lines);
  const a = await check({ file: 'change.patch', text: patch, treeTexts: [{ path: `tree/${path}`, text: image(lines, 'pre') }, ...others], os: 'xen' });
  return { a, patch };
}

/** The same patch undone: `+` and `-` swapped. */
const reversed = (lines: readonly string[]): string[] => lines.map((l) => (l.startsWith('+') ? `-${l.slice(1)}` : l.startsWith('-') ? `+${l.slice(1)}` : l));

const lineOf = (patch: string, f: Finding): string => patch.split('\n')[f.place.range.line - 1] ?? '';
const warnings = (a: Analysis): Finding[] => only(a, 'lock-order-inversion').filter((f) => f.severity === 'warning');

// An IRQ-routing path: bind() takes the event lock, the interrupt delivery path holds the
// event lock and asserts the GSI, which takes the HVM IRQ lock inside (a lock fact).
const gsiLines = [
  ' struct domain { spinlock_t event_lock; int bound; int entry; };',
  '',
  ' static void deliver(struct domain *d, unsigned int gsi)',
  ' {',
  '     spin_lock(&d->event_lock);',
  '     hvm_gsi_assert(d, gsi);',
  '     spin_unlock(&d->event_lock);',
  ' }',
  '',
  ' static void bind(struct domain *d)',
  ' {',
  '     spin_lock(&d->event_lock);',
  '     d->bound = 1;',
  '     spin_unlock(&d->event_lock);',
  ' }',
  '',
  ' void write_entry(struct domain *d, int v)',
  ' {',
  '     spin_lock(&d->arch.hvm.irq_lock);',
  '     d->entry = v;',
  '+    bind(d);',
  '     spin_unlock(&d->arch.hvm.irq_lock);',
  '-    bind(d);',
  ' }',
].map((l) => (l === '' ? ' ' : l));

test('lock-order: a call moved under a lock inverts the order a lock fact gives another path', async () => {
  const { a, patch } = await review('xen/arch/x86/hvm/route.c', gsiLines);
  const found = warnings(a);
  assert.equal(found.length, 1, JSON.stringify(found.map((f) => f.message)));
  assert.equal(lineOf(patch, found[0]!), '+    bind(d);');
  assert.match(found[0]!.message, /^write_entry\(\) takes d->event_lock while holding struct domain->arch\.hvm\.irq_lock \(via bind\(\)\), but deliver\(\) takes them in the opposite order \(via hvm_gsi_assert\(\)\)/);
  assert.match(found[0]!.explanation, /xen\/arch\/x86\/hvm\/irq\.c/);
  assert.ok(found[0]!.related.some((r) => /opposite order: deliver\(\)/.test(r.message)));
  // Undone, the patch moves the call out of the lock: it introduces no order.
  assert.deepEqual(warnings((await review('xen/arch/x86/hvm/route.c', reversed(gsiLines))).a), []);
});

test('lock-order: an order the patch leaves as it was is not the patch\'s finding', async () => {
  // The inversion is in both images; the patch only changes the value written.
  const lines = gsiLines.map((l) => (l === '+    bind(d);' ? '     bind(d);' : l === '-    bind(d);' ? '-    d->bound = 0;' : l));
  const { a } = await review('xen/arch/x86/hvm/route.c', [...lines.slice(0, 23), '+    d->bound = 2;', ...lines.slice(23)]);
  assert.deepEqual(warnings(a), []);
  const post = image(lines, 'post');
  assert.ok(post.includes('    bind(d);\n    spin_unlock(&d->arch.hvm.irq_lock);'), post);
  // As a file, an inversion through the code's own locks is reported (a fact's order does
  // not count outside a patch, where nothing is new)...
  const abba = (gate: string) => `struct domain { spinlock_t event_lock; int bound; int entry; };
static DEFINE_SPINLOCK(gate_lock);

void deliver(struct domain *d)
{
${gate ? '    spin_lock(&gate_lock);\n' : ''}    spin_lock(&d->event_lock);
    spin_lock(&d->arch.hvm.irq_lock);
    d->entry = 0;
    spin_unlock(&d->arch.hvm.irq_lock);
    spin_unlock(&d->event_lock);
${gate ? '    spin_unlock(&gate_lock);\n' : ''}}

void write_entry(struct domain *d)
{
${gate ? '    spin_lock(&gate_lock);\n' : ''}    spin_lock(&d->arch.hvm.irq_lock);
    spin_lock(&d->event_lock);
    d->bound = 1;
    spin_unlock(&d->event_lock);
    spin_unlock(&d->arch.hvm.irq_lock);
${gate ? '    spin_unlock(&gate_lock);\n' : ''}}
`;
  assert.equal(warnings(await check({ file: 'xen/arch/x86/hvm/route.c', text: abba(''), os: 'xen' })).length, 1);
  // ...unless a lock both paths hold serializes them.
  assert.deepEqual(warnings(await check({ file: 'xen/arch/x86/hvm/route.c', text: abba('gate'), os: 'xen' })), []);
});

const heapLines = (unlock: string) => [
  ' static DEFINE_SPINLOCK(heap_lock);',
  ' struct page_info { unsigned long count_info; int state; };',
  ' ',
  ' void free_domheap_pages(struct page_info *pg, unsigned int order)',
  ' {',
  '     spin_lock(&heap_lock);',
  '     pg->count_info = 0;',
  '     spin_unlock(&heap_lock);',
  ' }',
  ' ',
  ' int retire_page(struct page_info *pg)',
  ' {',
  `     spin_lock${unlock}(&heap_lock);`,
  '     pg->state = 1;',
  '+    put_page(pg);',
  `     spin_unlock${unlock}(&heap_lock);`,
  '-    put_page(pg);',
  '     return 0;',
  ' }',
];

test('lock-order: a non-recursive lock held across a call that may take it again is a self-deadlock', async () => {
  const { a, patch } = await review('xen/common/retire.c', heapLines(''));
  const found = warnings(a);
  assert.equal(found.length, 1, JSON.stringify(found.map((f) => f.message)));
  assert.equal(lineOf(patch, found[0]!), '+    put_page(pg);');
  assert.match(found[0]!.message, /^retire_page\(\) holds heap_lock and reaches a second acquisition of it \(via put_page\(\) → free_domheap_pages\(\)\)/);
  assert.ok(found[0]!.related.some((r) => /heap_lock taken here/.test(r.message)));
  // A recursive lock may be taken again by its owner.
  assert.deepEqual(warnings((await review('xen/common/retire.c', heapLines('_recursive'))).a), []);
});

const mmHeader = (order: 'p2m-first' | 'paging-first', numbered = false): string => {
  const decl = (name: string, n: number) => `${numbered ? `#define MM_LOCK_ORDER_${name} ${n}\n` : ''}declare_mm_lock(${name})\n`;
  const body = order === 'p2m-first' ? [decl('p2m', 16), decl('paging', 64)] : [decl('paging', 16), decl('p2m', 64)];
  return `#define declare_mm_lock(name) static inline void mm_lock_##name(void) {}\n${body.join('\n')}`;
};

const dyingLines = [
  ' void drop_table(struct vcpu *v, unsigned long gfn)',
  ' {',
  '     p2m_type_t t;',
  '     mfn_t m;',
  '+    paging_lock(v->domain);',
  '     m = get_gfn_query(v->domain, gfn, &t);',
  '-    paging_lock(v->domain);',
  '     v->table = m;',
  '     paging_unlock(v->domain);',
  '     put_gfn(v->domain, gfn);',
  ' }',
];

test('lock-order: a lower mm lock taken under a higher one breaks the hierarchy the header in view declares', async () => {
  const header = { path: 'tree/xen/arch/x86/mm/mm-locks.h', text: mmHeader('p2m-first') };
  const { a, patch } = await review('xen/arch/x86/mm/shadow/dying.c', dyingLines, [header]);
  const found = warnings(a);
  assert.equal(found.length, 1, JSON.stringify(found.map((f) => f.message)));
  assert.match(lineOf(patch, found[0]!), /get_gfn_query/);
  assert.match(found[0]!.message, /takes p2m_get_hostp2m\(v->domain\)->lock \(mm lock class p2m\) while holding v->domain->arch\.paging\.lock \(class paging\) \(via get_gfn_query\(\)\), against the declared mm lock order/);
  // The related places name both declarations in the header.
  const decls = found[0]!.related.filter((r) => r.place.file?.endsWith('mm-locks.h')).map((r) => r.place.range.line);
  assert.deepEqual(decls, [2, 4]);
  // The order in the other direction is fine, and undoing the patch introduces nothing.
  assert.deepEqual(warnings((await review('xen/arch/x86/mm/shadow/dying.c', reversed(dyingLines), [header])).a), []);
  // The levels come from the header, never from the tool: reversed there, the patch is the good order...
  assert.deepEqual(warnings((await review('xen/arch/x86/mm/shadow/dying.c', dyingLines, [{ ...header, text: mmHeader('paging-first') }])).a), []);
  // ...MM_LOCK_ORDER_ numbers win over the declaration order...
  const numbered = mmHeader('paging-first', true).replace('MM_LOCK_ORDER_paging 16', 'MM_LOCK_ORDER_paging 99');
  assert.equal(warnings((await review('xen/arch/x86/mm/shadow/dying.c', dyingLines, [{ ...header, text: numbered }])).a).length, 1);
  // ...and without the header there is no hierarchy to break (nor two paths in view).
  assert.deepEqual(warnings((await review('xen/arch/x86/mm/shadow/dying.c', dyingLines)).a), []);
});

test('lock-order: taking again a recursive mm lock already held orders nothing', async () => {
  const header = { path: 'tree/xen/arch/x86/mm/mm-locks.h', text: mmHeader('p2m-first') };
  // The p2m lock is held from the first lookup; the second lookup under the paging lock re-enters it.
  const lines = [
    ' void walk_tables(struct vcpu *v, unsigned long gfn, unsigned long next)',
    ' {',
    '     p2m_type_t t;',
    '     mfn_t m = get_gfn_query(v->domain, gfn, &t);',
    '     paging_lock(v->domain);',
    '-    v->table = m;',
    '+    v->table = get_gfn_query(v->domain, next, &t);',
    '+    put_gfn(v->domain, next);',
    '     paging_unlock(v->domain);',
    '     put_gfn(v->domain, gfn);',
    ' }',
  ];
  assert.deepEqual(warnings((await review('xen/arch/x86/mm/shadow/walk.c', lines, [header])).a), []);
});

test('lock-order: the hierarchy is read from the header text', () => {
  const h = readHierarchy(mmHeader('p2m-first'), 'mm-locks.h');
  assert.ok(h);
  assert.deepEqual([...h.classes.values()].map((c) => [c.name, c.level]), [['p2m', 2], ['paging', 4]]);
  assert.deepEqual([...readHierarchy(mmHeader('p2m-first', true))!.classes.values()].map((c) => [c.name, c.level]), [['p2m', 16], ['paging', 64]]);
  assert.equal(readHierarchy('int x;'), undefined);
  // A lock that may be of either class claims a violation only when both classes break the order.
  const three = readHierarchy('declare_mm_lock(p2m)\ndeclare_mm_lock(sharing)\ndeclare_mm_rwlock(altp2m)\n')!;
  assert.ok(breaksHierarchy(three, ['sharing'], ['p2m']));
  assert.equal(breaksHierarchy(three, ['sharing'], ['p2m', 'altp2m']), undefined);
  assert.equal(breaksHierarchy(three, ['sharing'], ['unknown']), undefined);
});

test('lock-order: a self-deadlock needs the same lock, which only a global names', async () => {
  const text = `struct grant_table { spinlock_t lock; int n; };
static DEFINE_SPINLOCK(table_lock);

static void bump(struct grant_table *t)
{
    spin_lock(&t->lock);
    t->n++;
    spin_unlock(&t->lock);
}

static void count(struct grant_table *t)
{
    spin_lock(&table_lock);
    t->n--;
    spin_unlock(&table_lock);
}

void copy_one(struct grant_table *src, struct grant_table *dst)
{
    spin_lock(&src->lock);
    bump(dst);
    spin_unlock(&src->lock);
}

void recount(struct grant_table *gt)
{
    spin_lock(&table_lock);
    count(gt);
    spin_unlock(&table_lock);
}
`;
  const found = warnings(await check({ file: 'xen/common/gt.c', text, os: 'xen' }));
  // copy_one() takes another table's lock: two instances of one type, not a self-deadlock.
  assert.equal(found.length, 1, JSON.stringify(found.map((f) => f.message)));
  assert.match(found[0]!.message, /^recount\(\) holds table_lock and reaches a second acquisition of it \(via count\(\)\)/);
});

test('lock-order: a trylock cannot wait, so it is no side of an inversion', async () => {
  const text = (take: string) => `struct sched_unit { spinlock_t lock; int cpu; };
struct sched_priv { spinlock_t lock; int load; };

void pick_cpu(struct sched_priv *prv, struct sched_unit *unit)
{
    spin_lock(&unit->lock);
    if ( ${take}(&prv->lock) )
    {
        unit->cpu = prv->load;
        spin_unlock(&prv->lock);
    }
    spin_unlock(&unit->lock);
}

void rebalance(struct sched_priv *prv, struct sched_unit *unit)
{
    spin_lock(&prv->lock);
    spin_lock(&unit->lock);
    prv->load = unit->cpu;
    spin_unlock(&unit->lock);
    spin_unlock(&prv->lock);
}
`;
  assert.deepEqual(warnings(await check({ file: 'xen/common/sched/pick.c', text: text('spin_trylock'), os: 'xen' })), []);
  // The same shape with a lock that waits is an inversion.
  const waits = text('spin_lock').replace('if ( spin_lock(&prv->lock) )', 'spin_lock(&prv->lock);\n    if ( prv->load )');
  assert.equal(warnings(await check({ file: 'xen/common/sched/pick.c', text: waits, os: 'xen' })).length, 1);
});
