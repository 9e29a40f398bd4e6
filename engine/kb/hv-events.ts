// Hypervisor events the simulator knows beyond memory: interrupt-disabled regions, IPIs and
// kicks, interrupts taken, guest entry/exit and vCPU block/wake. What each one orders is a
// per-architecture fact, cited to the code that provides it (docs/hv-events.md explains the
// encoding these facts feed).
import type { ModelName } from '../models/model';
import type { Os } from './types';

/** A fence the litmus form can express: what a send path puts between earlier accesses and the IPI. */
export type IpiFence = 'smp_mb' | 'smp_wmb' | 'none';

export interface IpiOrdering {
  /** The fence, in C litmus terms, that orders earlier accesses before the IPI on this model's machines. */
  readonly beforeSend: IpiFence;
  /** How the target's handler reads the interrupt: an acquire read of the pending state. */
  readonly onReceive: 'acquire';
  readonly source: string;
  readonly why: string;
}

/**
 * Sender and receiver ordering per model. SC needs no fence; the hardware models get what the
 * kernel's and Xen's IPI drivers execute; LKMM gets the weakest of those (stores before the
 * IPI), because portable code may rely on no more.
 */
export const IPI_ORDERING: Readonly<Record<ModelName, IpiOrdering>> = {
  sc: {
    beforeSend: 'none', onReceive: 'acquire',
    source: 'sequential consistency: every access is ordered',
    why: 'under SC the IPI is ordered after every earlier access without a fence',
  },
  'x86-tso': {
    beforeSend: 'smp_mb', onReceive: 'acquire',
    source: 'linux: arch/x86/kernel/apic/x2apic_{phys,cluster}.c (weak_wrmsr_fence() before the ICR WRMSR, arch/x86/include/asm/barrier.h); '
      + 'xen: xen/arch/x86/genapic/x2apic.c (smp_mb()/MFENCE in send_IPI_mask_x2apic_*)',
    why: 'the x2APIC ICR write is a WRMSR, which is not ordered after earlier stores: both Linux and Xen put a full fence before it',
  },
  armv8: {
    beforeSend: 'smp_wmb', onReceive: 'acquire',
    source: 'linux: drivers/irqchip/irq-gic-v3.c (gic_ipi_send_mask(): wmb() = DSB ST before ICC_SGI1R_EL1), irq-gic.c (dmb(ishst) before GICD_SGIR); '
      + 'receiver: irq-gic.c smp_rmb() after reading IAR for SGIs, irq-gic-v3.c control dependency + ISB',
    why: 'the GIC driver makes earlier stores visible before the SGI; earlier loads are not ordered before it',
  },
  lkmm: {
    beforeSend: 'smp_wmb', onReceive: 'acquire',
    source: 'the weakest of the architectures above (arm64 GIC: stores only); LKMM itself does not model interrupts (tools/memory-model/README, LIMITATIONS)',
    why: 'portable code may rely only on stores being visible before the IPI',
  },
};

/** Calls that send an IPI (or a kick that is one) to a CPU, and which argument names the target. */
export interface IpiSender {
  readonly name: string;
  readonly targetArg: number;
  readonly source: string;
}

export const IPI_SENDERS: readonly IpiSender[] = [
  { name: 'send_ipi', targetArg: 0, source: 'hvbarrier litmus form: a raw IPI' },
  { name: 'smp_send_reschedule', targetArg: 0, source: 'linux: kernel/sched/core.c, arch/*/kernel/smp.c' },
  { name: 'send_IPI_mask', targetArg: 0, source: 'linux/xen: the APIC driver (genapic) send_IPI_mask()' },
  { name: 'smp_send_event_check_cpu', targetArg: 0, source: 'xen: xen/include/xen/smp.h (EVENT_CHECK_VECTOR)' },
  { name: 'smp_send_event_check_mask', targetArg: 0, source: 'xen: xen/arch/x86/smp.c' },
  { name: 'cpu_raise_softirq', targetArg: 0, source: 'xen: xen/common/softirq.c (IPI when the target is another CPU)' },
  { name: 'gic_send_sgi', targetArg: 0, source: 'linux: drivers/irqchip/irq-gic-v3.c; xen: xen/arch/arm/gic.c send_SGI_mask()' },
];

/**
 * Calls that run a function on other CPUs by IPI: the callback starts there only after the IPI
 * arrives, so every store the caller made before the call is visible to it (IPI_ORDERING: every
 * model orders at least earlier stores before the send, and the handler reads with acquire).
 */
export interface IpiCallbackLauncher extends Pick<IpiSender, 'name' | 'source'> {
  /** The argument that names the function to run. */
  readonly callbackArg: number;
}

export const IPI_CALLBACK_LAUNCHERS: readonly IpiCallbackLauncher[] = [
  { name: 'smp_call_function', callbackArg: 0, source: 'xen: xen/common/smp.c smp_call_function() → on_selected_cpus(); linux: kernel/smp.c' },
  { name: 'on_selected_cpus', callbackArg: 1, source: 'xen: xen/common/smp.c (call_data set under call_lock, then send_IPI_mask(CALL_FUNCTION_VECTOR))' },
  { name: 'smp_call_function_single', callbackArg: 1, source: 'linux: kernel/smp.c (csd queued with llist_add, then the IPI)' },
  { name: 'smp_call_function_many', callbackArg: 1, source: 'linux: kernel/smp.c' },
  { name: 'on_each_cpu', callbackArg: 0, source: 'linux: include/linux/smp.h on_each_cpu() → on_each_cpu_cond_mask()' },
  { name: 'on_each_cpu_mask', callbackArg: 1, source: 'linux: include/linux/smp.h' },
  {
    name: 'stop_machine_run', callbackArg: 0,
    source: 'xen: xen/common/stop_machine.c stop_machine_run() (stopmachine_data.fn set after spin_trylock(&stopmachine_lock), then tasklet_schedule_on_cpu() on every CPU, whose stopmachine_action() calls fn)',
  },
];

/**
 * Calls that install an interrupt handler: the handler first runs when the interrupt is taken,
 * and the interrupt path takes the descriptor lock under which the handler was installed
 * before it reads the action and calls it, so every store the installer made before the call
 * is visible to the handler. Xen's signature (the handler is the third argument; Linux's
 * request_irq() takes it second and is not listed).
 */
export const IRQ_HANDLER_INSTALLERS: readonly IpiCallbackLauncher[] = [
  {
    name: 'request_irq', callbackArg: 2,
    source: 'xen: xen/arch/arm/irq.c and xen/arch/x86/irq.c request_irq() → setup_irq() installs desc->action under desc->lock; do_IRQ() takes desc->lock before it reads desc->action and calls the handler',
  },
];

/** Calls that enter or leave the guest: the CPU runs the guest until an interrupt forces an exit. */
// Linux 5.x calls guest_enter_irqoff() right before the world switch, 6.x
// guest_timing_enter_irqoff() (include/linux/kvm_host.h), both with interrupts disabled.
export const GUEST_ENTRY = [
  'guest_enter', 'guest_enter_irqoff', 'guest_timing_enter_irqoff', 'guest_state_enter_irqoff',
  'enter_guest', '__kvm_vcpu_run', 'kvm_arm_vcpu_enter_exit', 'vmx_vcpu_run', 'svm_vcpu_run',
];
export const GUEST_EXIT = ['guest_exit', 'guest_exit_irqoff', 'guest_timing_exit_irqoff', 'guest_state_exit_irqoff'];

/** Calls that put the running vCPU to sleep until a flag is cleared by its waker. */
export const BLOCKERS = ['block'];

/** Facts about interrupt delivery that the encoding rests on, with their sources (shown in docs and explanations). */
export const DELIVERY_FACTS: readonly { readonly fact: string; readonly source: string }[] = [
  {
    fact: 'an interrupt that arrives while interrupts are disabled stays pending and is taken when they are enabled again',
    source: 'Intel SDM vol. 3 §6.8.1 (IF flag); Arm ARM D1.3 (PSTATE.I masking)',
  },
  {
    fact: 'a CPU entering the guest with an interrupt pending exits at once (x86: external-interrupt exiting; arm64: IRQs routed to EL2 while the guest runs)',
    source: 'Intel SDM vol. 3 §25.2 (external-interrupt exiting), KVM vcpu-requests.rst "Ensuring Requests Are Seen"; Arm ARM D1.3 (HCR_EL2.IMO)',
  },
  {
    fact: 'a posted-interrupt notification taken while the target is in guest mode is delivered to the guest by the CPU',
    source: 'Intel SDM vol. 3 §30.6 (posted-interrupt processing); linux: arch/x86/kvm/vmx/posted_intr.c',
  },
];

/** Named values the run-loop protocols compare with (linux: include/linux/kvm_host.h, enum vcpu mode). */
export const NAMED_VALUES: Readonly<Record<string, number>> = {
  OUTSIDE_GUEST_MODE: 0, IN_GUEST_MODE: 1, EXITING_GUEST_MODE: 2, READING_SHADOW_PAGE_TABLES: 3,
  false: 0, true: 1, NULL: 0,
};

/** Conditional RMWs inside kick helpers, with the values they compare and store. */
export const KICK_CMPXCHG: Readonly<Record<string, { readonly old: number; readonly new: number; readonly source: string }>> = {
  kvm_vcpu_exiting_guest_mode: {
    old: 1, new: 2,
    source: 'linux: include/linux/kvm_host.h (cmpxchg(&vcpu->mode, IN_GUEST_MODE, EXITING_GUEST_MODE)); the kick IPIs only when it saw IN_GUEST_MODE (virt/kvm/kvm_main.c __kvm_vcpu_kick)',
  },
};

/**
 * Sleeping in C: Xen's vcpu_block() sets _VPF_blocked in v->pause_flags and raises
 * SCHEDULE_SOFTIRQ; the scheduler then deschedules a vCPU that is not runnable, until
 * vcpu_unblock() clears the bit (xen/common/sched/core.c; vcpu_runnable() in xen/include/xen/sched.h).
 */
export const BLOCK_BITS = /^_VPF_blocked$/;

/** A call named by the knowledge base, with an argument it must have (any one, or the one at `argIndex`). */
export interface CallSpec { readonly name: string; readonly arg?: RegExp; readonly argIndex?: number }

/** Whether a call of `callee` with these argument texts is one of `specs`. */
export function callIn(specs: readonly CallSpec[], callee: string, args: readonly string[]): boolean {
  return specs.some((s) => s.name === callee
    && (!s.arg || (s.argIndex !== undefined ? s.arg.test((args[s.argIndex] ?? '').trim()) : args.some((a) => s.arg!.test(a)))));
}

export const BLOCK_CALLS: readonly CallSpec[] = [
  { name: 'raise_softirq', arg: /^SCHEDULE_SOFTIRQ$/ },
];

/**
 * Writes of the x2APIC interrupt command register, which send an IPI. The ICR is an MSR and
 * WRMSR to it is not ordered after earlier stores, so the driver puts a full fence before it
 * (xen: xen/arch/x86/genapic/x2apic.c send_IPI_mask_x2apic_*(), "The WRMSR contained within
 * apic_icr_write() can otherwise be executed early"; linux: arch/x86/kernel/apic/x2apic_*.c,
 * weak_wrmsr_fence()). IPI_ORDERING's x86 row relies on that fence being there.
 */
export const ICR_WRITES: readonly CallSpec[] = [
  { name: 'apic_wrmsr', arg: /^APIC_ICR$/, argIndex: 0 },
  { name: 'apic_icr_write' },
  { name: 'native_x2apic_icr_write' },
];

/**
 * Tests that say a CPU (or vCPU) has work it must not sleep on. Idle loops and sleepers
 * conjoin them negated ("nothing pending of this, nor of that") to decide to halt, so a
 * conjunction holding one of them negated is a "nothing to do" test.
 */
export const WORK_PENDING_TESTS: readonly { readonly name: string; readonly os: readonly Os[]; readonly source: string }[] = [
  { name: 'softirq_pending', os: ['xen'], source: 'xen: xen/include/xen/irq_cpustat.h (softirq_pending(cpu)); tested before halting by the idle loops (xen/arch/x86/domain.c idle_loop(), xen/arch/arm/domain.c)' },
  { name: 'local_events_need_delivery', os: ['xen'], source: 'xen: xen/arch/*/include/asm/event.h; tested by vcpu_block() and do_poll() before the vCPU sleeps (xen/common/sched/core.c)' },
  { name: 'local_softirq_pending', os: ['linux'], source: 'linux: include/linux/interrupt.h; tested before stopping the tick (kernel/time/tick-sched.c can_stop_idle_tick())' },
  { name: 'need_resched', os: ['linux'], source: 'linux: include/linux/sched.h; the idle loop runs while it is false (kernel/sched/idle.c do_idle())' },
  { name: 'signal_pending', os: ['linux'], source: 'linux: include/linux/sched/signal.h; kvm_vcpu_check_block() stops blocking on it (virt/kvm/kvm_main.c)' },
  { name: 'kvm_cpu_has_pending_timer', os: ['linux'], source: 'linux: virt/kvm/kvm_main.c kvm_vcpu_check_block()' },
  { name: 'kvm_arch_vcpu_runnable', os: ['linux'], source: 'linux: virt/kvm/kvm_main.c kvm_vcpu_check_block()' },
];

/**
 * Hooks the core runs right before a vCPU sleeps, so that the wake-up check that follows and
 * the wake sources (doorbells, posted-interrupt vectors) see current state.
 */
export const BEFORE_SLEEP_HOOKS: readonly { readonly name: string; readonly os: readonly Os[]; readonly source: string }[] = [
  { name: 'kvm_arch_vcpu_blocking', os: ['linux'], source: 'linux: virt/kvm/kvm_main.c kvm_vcpu_block() calls it before the sleep loop that kvm_vcpu_check_block() ends' },
  { name: 'arch_vcpu_block', os: ['xen'], source: 'xen: xen/common/sched/core.c vcpu_block() calls it after setting _VPF_blocked and before checking local_events_need_delivery()' },
];

/**
 * Calls that prepare a vCPU's wake-up and then sleep, with the sleeping call they wrap: calling
 * the inner one directly skips the preparation.
 */
export const SLEEP_WRAPPERS: readonly { readonly name: string; readonly sleeps: string; readonly prepares: string; readonly os: readonly Os[]; readonly source: string }[] = [
  {
    name: 'kvm_vcpu_wfi', sleeps: 'kvm_vcpu_halt', os: ['linux'],
    prepares: 'syncs the vGIC CPU interface state back (the priority mask and group enables that kvm_arch_vcpu_runnable() reads) and asks GICv4 for doorbells',
    source: 'linux: arch/arm64/kvm/arm.c kvm_vcpu_wfi() (since v5.17; read in Debian linux-source-6.1, arm.c:678: vgic_v4_put() then kvm_vcpu_halt()), the arm64 path for a vCPU that waits for an interrupt',
  },
  {
    name: 'vcpu_block_enable_events', sleeps: 'vcpu_block', os: ['xen'],
    prepares: 'enables event delivery (local_event_delivery_enable()), so that vcpu_block() wakes for the events it then checks',
    source: 'xen: xen/common/sched/core.c vcpu_block_enable_events(), used by do_block() for SCHEDOP_block',
  },
];
