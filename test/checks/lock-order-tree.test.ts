// lock-order-inversion in a whole tree: orders that go through callees of other files pair,
// as they do in a patch (a real ABBA mostly has a call on each side); a callee that drops its
// caller's lock before taking another one orders nothing after it; and an order wholly inside
// one inlined call is reported once, where that callee is judged, not again at each caller.
// Each rule beside a control that differs only in what the rule looks at.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkFixtureTree } from '../concurrency/helpers';

const TYPES = `struct hvm_irq { spinlock_t irq_lock; int level; };
struct domain { rwlock_t event_lock; struct hvm_irq irq; int pirqs; };
`;

/** Takes the event lock: what a mapping helper of another file does. */
const MAP = `${TYPES}
int map_gsi_pirq(struct domain *d, unsigned int gsi)
{
    write_lock(&d->event_lock);
    d->pirqs += gsi;
    write_unlock(&d->event_lock);
    return 0;
}
`;

/** Takes the IRQ lock: what an interrupt assertion helper of another file does. */
const ASSERT_IRQ = `${TYPES}
void intx_assert(struct domain *d, unsigned int gsi)
{
    spin_lock(&d->irq.irq_lock);
    d->irq.level |= gsi;
    spin_unlock(&d->irq.irq_lock);
}
`;

/** Holds the IRQ lock across the mapping helper, or calls it after dropping the lock (`fixed`). */
const WRITE_REDIRENT = (fixed: boolean): string => `${TYPES}
void write_redirent(struct domain *d, unsigned int gsi)
{
    spin_lock(&d->irq.irq_lock);
    d->irq.level = 0;
    ${fixed ? 'spin_unlock(&d->irq.irq_lock);' : ''}
    map_gsi_pirq(d, gsi);
    ${fixed ? '' : 'spin_unlock(&d->irq.irq_lock);'}
}
`;

/** Holds the event lock across the assertion helper. */
const DIRQ_ASSIST = `${TYPES}
void dirq_assist(struct domain *d, unsigned int gsi)
{
    write_lock(&d->event_lock);
    d->pirqs--;
    intx_assert(d, gsi);
    write_unlock(&d->event_lock);
}
`;

test('whole tree: an ABBA whose two orders both go through callees of other files is reported', async () => {
  const files = (fixed: boolean): Record<string, string> => ({
    'xen/arch/x86/irq-map.c': MAP, 'xen/arch/x86/hvm/irq.c': ASSERT_IRQ,
    'xen/arch/x86/hvm/vioapic.c': WRITE_REDIRENT(fixed), 'xen/drivers/passthrough/io.c': DIRQ_ASSIST,
  });
  const r = await checkFixtureTree(files(false));
  assert.ok(r.warnings.includes('lock-order-inversion@xen/arch/x86/hvm/vioapic.c:9'), JSON.stringify(r.warnings));
  assert.ok(r.warnings.includes('lock-order-inversion@xen/drivers/passthrough/io.c:8'), JSON.stringify(r.warnings));
  // Control: the mapping helper called after the IRQ lock is dropped orders nothing.
  assert.deepEqual((await checkFixtureTree(files(true))).warnings, []);
});

/**
 * Called with the vIRQ's lock held: drops it, takes the list lock, takes it again (the order
 * every other path uses), or (`keeps`) takes the list lock still holding it.
 */
const QUEUE = (keeps: boolean): string => `struct vgic_irq { spinlock_t irq_lock; int target; };
struct vcpu { spinlock_t ap_list_lock; int n; };

void queue_irq_unlock(struct vcpu *v, struct vgic_irq *irq)
{
    ${keeps ? '' : 'spin_unlock(&irq->irq_lock);'}
    spin_lock(&v->ap_list_lock);
    ${keeps ? '' : 'spin_lock(&irq->irq_lock);'}
    v->n++;
    spin_unlock(&irq->irq_lock);
    spin_unlock(&v->ap_list_lock);
}

void prune_ap_list(struct vcpu *v, struct vgic_irq *irq)
{
    spin_lock(&v->ap_list_lock);
    spin_lock(&irq->irq_lock);
    irq->target = 0;
    spin_unlock(&irq->irq_lock);
    spin_unlock(&v->ap_list_lock);
}
`;

const WRITE_PENDING = `struct vgic_irq { spinlock_t irq_lock; int target; };
struct vcpu { spinlock_t ap_list_lock; int n; };

void write_pending(struct vcpu *v, struct vgic_irq *irq)
{
    spin_lock(&irq->irq_lock);
    irq->target = 1;
    queue_irq_unlock(v, irq);
}
`;

test('whole tree: a callee that drops its caller\'s lock before taking another one orders nothing after the caller\'s lock', async () => {
  const quiet = await checkFixtureTree({ 'xen/arch/arm/vgic/vgic.c': QUEUE(false), 'xen/arch/arm/vgic/vgic-mmio.c': WRITE_PENDING });
  assert.deepEqual(quiet.warnings, []);
  // Control: a callee that takes the list lock still holding the vIRQ's is the inversion.
  const r = await checkFixtureTree({ 'xen/arch/arm/vgic/vgic.c': QUEUE(true), 'xen/arch/arm/vgic/vgic-mmio.c': WRITE_PENDING });
  assert.ok(r.warnings.includes('lock-order-inversion@xen/arch/arm/vgic/vgic-mmio.c:8'), JSON.stringify(r.warnings));
});

/** An ABBA inside `inner`, which `outer` (same file) calls with nothing held, or holding `other` first. */
const NESTED = (outerHolds: boolean): string => `struct dev { spinlock_t a; spinlock_t b; spinlock_t other; int n; };

void inner(struct dev *d)
{
    spin_lock(&d->a);
    spin_lock(&d->b);
    d->n++;
    spin_unlock(&d->b);
    spin_unlock(&d->a);
}

void outer(struct dev *d)
{
    ${outerHolds ? 'spin_lock(&d->other);' : ''}
    inner(d);
    ${outerHolds ? 'spin_unlock(&d->other);' : ''}
}

void reverse(struct dev *d)
{
    spin_lock(&d->b);
    spin_lock(&d->a);
    d->n--;
    spin_unlock(&d->a);
    spin_unlock(&d->b);
}

void back(struct dev *d)
{
    spin_lock(&d->a);
    spin_lock(&d->other);
    d->n = 0;
    spin_unlock(&d->other);
    spin_unlock(&d->a);
}
`;

test('whole tree: an order wholly inside one inlined call is reported where the callee is, not again at its caller', async () => {
  const r = await checkFixtureTree({ 'xen/common/dev.c': NESTED(false) });
  // inner() line 6, with reverse() as the opposite path (one finding for both in one file);
  // outer() has no order of its own.
  assert.deepEqual(r.warnings, ['lock-order-inversion@xen/common/dev.c:6']);
  // Control: outer() holding a lock of its own across the call has orders of its own (`other`,
  // then `a` in inner(), which back() takes the other way round).
  const own = await checkFixtureTree({ 'xen/common/dev.c': NESTED(true) });
  assert.ok(own.warnings.some((w) => w === 'lock-order-inversion@xen/common/dev.c:15'), JSON.stringify(own.warnings));
});

/**
 * Routes an interrupt to a domain holding the descriptor's lock, taking the domain's rank lock
 * in a helper of another file; only before the domain's creation is finished (`guarded`), or
 * at any time.
 */
const ROUTE = (guarded: boolean): string => `struct irq_desc { spinlock_t lock; int status; };
struct rank { spinlock_t lock; int target; };
struct domain { bool creation_finished; struct rank *rank; };

int route_irq_to_guest(struct domain *d, struct irq_desc *desc)
{
    spin_lock(&desc->lock);
    ${guarded ? 'if ( d->creation_finished )\n    {\n        spin_unlock(&desc->lock);\n        return -EBUSY;\n    }' : ''}
    connect_hw_irq(d, desc);
    spin_unlock(&desc->lock);
    return 0;
}
`;

const CONNECT = `struct irq_desc { spinlock_t lock; int status; };
struct rank { spinlock_t lock; int target; };
struct domain { bool creation_finished; struct rank *rank; };

void connect_hw_irq(struct domain *d, struct irq_desc *desc)
{
    spin_lock(&d->rank->lock);
    d->rank->target = desc->status;
    spin_unlock(&d->rank->lock);
}
`;

/** The guest's MMIO write: the rank lock held, the routed interrupt's descriptor lock taken. */
const MMIO_WRITE = `struct irq_desc { spinlock_t lock; int status; };
struct rank { spinlock_t lock; int target; };
struct domain { bool creation_finished; struct rank *rank; };

void enable_irqs(struct domain *d, struct irq_desc *desc)
{
    spin_lock(&d->rank->lock);
    spin_lock(&desc->lock);
    desc->status = 1;
    spin_unlock(&desc->lock);
    spin_unlock(&d->rank->lock);
}
`;

test('whole tree: an order taken only before the domain\'s creation is finished never meets its runtime paths', async () => {
  const files = (guarded: boolean): Record<string, string> => ({
    'xen/arch/arm/irq.c': ROUTE(guarded), 'xen/arch/arm/gic-vgic.c': CONNECT, 'xen/arch/arm/vgic.c': MMIO_WRITE,
  });
  assert.deepEqual((await checkFixtureTree(files(true))).warnings, []);
  // Control: routing at any time is the inversion with the MMIO write.
  const r = await checkFixtureTree(files(false));
  assert.ok(r.warnings.some((w) => w.startsWith('lock-order-inversion@xen/arch/arm/irq.c')), JSON.stringify(r.warnings));
});
