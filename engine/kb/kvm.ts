// KVM's vCPU request, mode and dirty-ring primitives (include/linux/kvm_host.h,
// virt/kvm/kvm_main.c, virt/kvm/dirty_ring.c); hypervisor-primitives.md part B.
import { CALL, F, R, RMW, W, field } from './build';
import type { CallingContext, Primitive } from './types';

const HOST = 'linux: include/linux/kvm_host.h';
const MAIN = 'linux: virt/kvm/kvm_main.c';
const REQS = field(1, 'requests');

export const KVM: readonly Primitive[] = [
  {
    name: 'kvm_make_request', os: ['linux'], kind: 'function',
    effects: [F('wmb'), RMW(REQS, 'noreturn', 'set-bit', { bitArg: 0 })], source: HOST,
    note: 'smp_wmb() then set_bit(): pairs with smp_mb__after_atomic() in kvm_check_request()',
  },
  {
    name: '__kvm_make_request', os: ['linux'], kind: 'function',
    effects: [F('wmb'), RMW(REQS, 'noreturn', 'set-bit', { bitArg: 0 })], source: HOST,
  },
  {
    name: 'kvm_make_request_and_kick', os: ['linux'], kind: 'function',
    effects: [CALL('kvm_make_request', 0, 1), CALL('kvm_vcpu_kick', 1)], tags: ['kick'], source: HOST,
  },
  { name: 'kvm_test_request', os: ['linux'], kind: 'function', effects: [R(REQS, 'once')], source: HOST },
  {
    name: 'kvm_clear_request', os: ['linux'], kind: 'function',
    effects: [RMW(REQS, 'noreturn', 'clear-bit', { bitArg: 0 })], source: HOST,
  },
  {
    name: 'kvm_check_request', os: ['linux'], kind: 'function',
    effects: [R(REQS, 'once'), RMW(REQS, 'noreturn', 'clear-bit', { bitArg: 0 }), F('after-atomic')], source: HOST,
    note: 'test_bit, then clear_bit and smp_mb__after_atomic() when the bit was set',
  },
  { name: 'kvm_request_pending', os: ['linux'], kind: 'function', effects: [R(field(0, 'requests'), 'once')], source: HOST },
  {
    name: 'kvm_vcpu_exiting_guest_mode', os: ['linux'], kind: 'function',
    effects: [F('before-atomic'), RMW(field(0, 'mode'), 'mb', 'cmpxchg', { failure: 'unordered' })], source: HOST,
    note: 'the barrier orders an earlier requests write before the mode read, also when the cmpxchg fails',
  },
  {
    name: 'kvm_vcpu_kick', os: ['linux'], kind: 'function', effects: [CALL('kvm_vcpu_exiting_guest_mode', 0)],
    tags: ['kick'], source: MAIN, note: 'IPIs the vCPU if kvm_vcpu_exiting_guest_mode() saw IN_GUEST_MODE',
  },
  { name: '__kvm_vcpu_kick', os: ['linux'], kind: 'function', effects: [CALL('kvm_vcpu_exiting_guest_mode', 0)], tags: ['kick'], source: MAIN },
  { name: 'kvm_vcpu_wake_up', os: ['linux'], kind: 'function', effects: [], tags: ['wake'], source: MAIN },
  {
    name: 'kvm_dirty_gfn_set_dirtied', os: ['linux'], kind: 'function', effects: [W(field(0, 'flags'), 'plain')],
    source: 'linux: virt/kvm/dirty_ring.c',
  },
  {
    name: 'kvm_dirty_gfn_harvested', os: ['linux'], kind: 'function', effects: [R(field(0, 'flags'), 'acquire')],
    source: 'linux: virt/kvm/dirty_ring.c (since 8929bc965964)',
  },
  {
    name: 'kvm_dirty_gfn_set_invalid', os: ['linux'], kind: 'function', effects: [W(field(0, 'flags'), 'release')],
    source: 'linux: virt/kvm/dirty_ring.c (since 8929bc965964)',
  },
];

export const KVM_CONTEXTS: readonly CallingContext[] = [
  {
    os: ['linux'],
    // kvm_arch_vcpu_ioctl(), kvm_arch_vcpu_ioctl_run(), kvm_arch_vcpu_ioctl_{get,set}_*().
    functions: /^kvm_arch_vcpu_ioctl(_\w+)?$/,
    lock: { text: 'vcpu->mutex', key: 'struct kvm_vcpu->mutex', root: 'vcpu', rootType: 'struct kvm_vcpu' },
    mode: 'mutex',
    source: 'linux: virt/kvm/kvm_main.c (kvm_vcpu_ioctl() holds vcpu->mutex around every arch vCPU ioctl)',
  },
];

/**
 * Calls into the arm64 hypervisor: `kvm_call_hyp(f, args...)` runs `f(args...)` on the calling
 * CPU and returns when it is done. On VHE the macro calls `f` directly; on nVHE it issues an HVC
 * whose handler, `handle_<f>()` (arch/arm64/kvm/hyp/nvhe/hyp-main.c: `HANDLE_FUNC(x)` puts
 * `handle_##x` in the `host_hcall[]` table), calls `f` with the arguments it unpacks
 * (linux: arch/arm64/include/asm/kvm_host.h, kvm_call_hyp, kvm_call_hyp_ret, kvm_call_hyp_nvhe).
 * The function named in the first argument is called, not taken as a pointer.
 */
export const HYP_CALLS: ReadonlySet<string> = new Set(['kvm_call_hyp', 'kvm_call_hyp_ret', 'kvm_call_hyp_nvhe', 'kvm_call_hyp_nvhe_ret']);
/** The nVHE handler of hypercall `f`, and the table macro that names `f` for it. */
export const hypHandler = (f: string): string => `handle_${f}`;
export const HYP_HANDLER_TABLE = 'HANDLE_FUNC';
