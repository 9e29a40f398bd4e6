// arm64 KVM enters its hypervisor with kvm_call_hyp(f, args...): f runs on the calling CPU, on
// VHE called directly, on nVHE through the HVC handler handle_<f>() that hyp-main.c's
// HANDLE_FUNC() table names. So f and its handler run with whatever the host caller holds (the
// vCPU mutex of KVM_RUN), and naming f there takes no pointer to it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkFixtureTree, READER, WRITER } from './helpers';

const host = (call: string): string => `${READER()}struct kvm_vcpu { struct mutex mutex; struct ring r; };
long vcpu_run(struct kvm_vcpu *vcpu)
{
    long v;
    mutex_lock(&vcpu->mutex);
    ${call}(ring_publish, &vcpu->r);
    v = ring_consume(&vcpu->r);
    mutex_unlock(&vcpu->mutex);
    return v;
}
`;

const HYP = `${WRITER()}struct kvm_cpu_context { struct ring *r; };
static void handle_ring_publish(struct kvm_cpu_context *ctxt)
{
    ring_publish(ctxt->r);
}
typedef void (*hcall_t)(struct kvm_cpu_context *);
#define HANDLE_FUNC(x) [__KVM_FUNC_##x] = (hcall_t)handle_##x
static const hcall_t host_hcall[] = {
    HANDLE_FUNC(ring_publish),
};
`;

test('a hypercall runs under the locks its host caller holds: both sides hold the vCPU mutex', async () => {
  const r = await checkFixtureTree({ 'host.c': host('kvm_call_hyp'), 'hyp/main.c': HYP }, { os: 'linux' });
  assert.deepEqual(r.warnings, [], JSON.stringify(r));
  assert.ok((r.excluded['common-lock'] ?? 0) > 0, JSON.stringify(r));
});

test('control: the same writer named through a macro the knowledge base does not know is taken as a pointer, and the reader is reported', async () => {
  const r = await checkFixtureTree({ 'host.c': host('my_call'), 'hyp/main.c': HYP }, { os: 'linux' });
  assert.ok(r.warnings.some((w) => w.includes('@host.c:')), JSON.stringify(r));
});
