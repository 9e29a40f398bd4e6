// Accesses no other CPU makes at the same time, read from one function's events:
// - per-CPU data: the access sits inside `this_cpu(x)`, `this_cpu_ptr(&x)`, `per_cpu(x,
//   smp_processor_id())`, `__this_cpu_read(x)` and the like (the running CPU's own copy);
// - not on its own: a paused vCPU or domain, after `vcpu_pause(v)` / `domain_pause(d)` (a
//   knowledge-base call tagged `pause`) and before the matching unpause. The pause waits until
//   the vCPU has stopped running, so code running *as* that vCPU is not running; other CPUs
//   still touch its fields (seed 000: a domctl reads registers that arch_set_info_guest() on
//   another CPU is writing). `paused()` says so, and rule-out.ts pairs it with the other side.
// - the function's own stack: a member or element of a variable the function declares itself
//   as an object, not a pointer (`struct segment_register seg; ... seg.attr`, also when a
//   callee fills it through `&seg`): no other CPU knows its address; and a member of what a
//   parameter points to when every caller passes an object on its own stack (model.ts
//   stackParams, `unmap_common(op)` from `unmap_grant_ref(&op, &common[i])`);
// - an object under construction: a member of what a parameter points to when every caller
//   passes an object it allocated (or was handed so) and has not yet published (model.ts
//   constructionParams, construction.ts).
// The running vCPU (`current`) is already marked CPU-local by extraction (Loc.cpuLocal).
import type { Event, Span, Thread } from '../extract/types';
import { paramMember } from './facts';
import { stackObjects } from './stack-objects';
import { PER_CPU_ACCESSORS, perCpuPointers, THIS_CPU_ACCESSORS } from './per-cpu-pointers';

/** Accessors of the running CPU's copy of a per-CPU variable, and its operations on it. */
const THIS_CPU = new RegExp(String.raw`^(?:${THIS_CPU_ACCESSORS.join('|')}|__this_cpu_\w+|this_cpu_\w+|raw_cpu_\w+)$`);
const PER_CPU = new RegExp(`^(?:${PER_CPU_ACCESSORS.join('|')})$`);
const SELF_CPU = /^(?:smp_processor_id|raw_smp_processor_id|get_cpu)\(\)$/;
const UNPAUSE = /unpause/;

function inside(inner: Span, outer: Span): boolean {
  const starts = inner.line > outer.line || (inner.line === outer.line && inner.col >= outer.col);
  const ends = inner.endLine < outer.endLine || (inner.endLine === outer.endLine && inner.endCol <= outer.endCol);
  return starts && ends;
}

function rootOf(arg: string): string {
  return /^[&*(\s]*([A-Za-z_]\w*)/.exec(arg)?.[1] ?? arg;
}

/** `seg.attr`, `regs[2].x`: a path from a variable through members and elements only. */
const DIRECT_PATH = /^([A-Za-z_]\w*)(?:\.\w+|\[[^\]]*\])+$/;

/**
 * What makes an access local, and how it reads in a finding's explanation. The kind decides
 * (rule-out.ts asks whether both sides reach per-CPU data as their running CPU's copy); the
 * text is for people.
 */
export interface LocalReason {
  readonly kind: 'own-stack' | 'caller-stack' | 'construction' | 'per-cpu';
  readonly text: string;
}

export class LocalAccesses {
  private readonly memo = new WeakMap<Thread, Map<number, LocalReason>>();
  private readonly pausedMemo = new WeakMap<Thread, Map<number, string>>();

  /**
   * `text`: a file's text by path, to read a function's own declarations (whole-tree mode).
   */
  constructor(private readonly opts: {
    text?: (file: string) => string | undefined;
    /** Parameters (by position) that point to an object on a caller's stack in every calling context. */
    stackParams?: (name: string, file?: string) => ReadonlySet<number>;
    /** Parameters (by position) that point into an object under construction in every calling context. */
    constructionParams?: (name: string, file?: string) => ReadonlySet<number>;
  } = {}) {}

  /** The function's body, from its file's text (whole-tree mode), or undefined. */
  private body(t: Thread): string | undefined {
    const text = t.file !== undefined ? this.opts.text?.(t.file) : undefined;
    return text?.split('\n').slice(t.span.line, t.span.endLine).join('\n');
  }

  /** Why event `e` of `t` cannot race with another CPU, or undefined. */
  why(t: Thread, e: Event): LocalReason | undefined {
    let m = this.memo.get(t);
    if (!m) this.memo.set(t, (m = this.compute(t)));
    return m.get(e.id);
  }

  /** Event `e` of `t` touches an object `t` has paused (and not yet unpaused): why, or undefined. */
  paused(t: Thread, e: Event): string | undefined {
    let m = this.pausedMemo.get(t);
    if (!m) this.pausedMemo.set(t, (m = pausedAccesses(t)));
    return m.get(e.id);
  }

  private compute(t: Thread): Map<number, LocalReason> {
    const out = new Map<number, LocalReason>();
    const own = ownCalls(t);
    const cpuCalls = own.filter((c) => THIS_CPU.test(c.callee) || (PER_CPU.test(c.callee) && SELF_CPU.test((c.args[1] ?? '').replace(/\s+/g, ''))));
    // Read from the body's text, once, when an access first asks.
    let body: string | undefined | null = null;
    const bodyText = (): string | undefined => (body === null ? (body = this.body(t)) : body);
    let stack: ReadonlySet<string> | undefined;
    let perCpu: ReadonlySet<string> | undefined;
    const stackParams = this.opts.stackParams?.(t.name, t.file);
    const building = this.opts.constructionParams?.(t.name, t.file);
    for (const e of t.events) {
      if (e.kind !== 'R' && e.kind !== 'W' && e.kind !== 'RMW') continue;
      const direct = DIRECT_PATH.exec(e.loc.text);
      if (direct && (stack ??= new Set(stackObjects(bodyText() ?? '').keys())).has(direct[1]!)) { out.set(e.id, { kind: 'own-stack', text: `\`${direct[1]}\` is an object on ${t.name}()'s own stack` }); continue; }
      // A member of what a caller-stack parameter points to, touched by the function itself
      // (a callee's names are its own); not what a pointer member of it points to.
      const member = stackParams && paramMember(t, e, stackParams);
      if (member !== undefined) {
        out.set(e.id, { kind: 'caller-stack', text: `\`${member}\` points to an object on the stack of ${t.name}()'s callers, whose address no other CPU is given` });
        continue;
      }
      const built = building && paramMember(t, e, building);
      if (built !== undefined) {
        out.set(e.id, { kind: 'construction', text: `\`${built}\` points to an object under construction: ${t.name}()'s callers allocated it and have not yet made it reachable by other CPUs` });
        continue;
      }
      // Inside the accessor's arguments (the per-CPU variable's name), or through its result.
      const cpu = cpuCalls.find((c) => inside(e.span, c.span) || e.loc.text.startsWith(`${c.callee}(`));
      if (cpu) { out.set(e.id, { kind: 'per-cpu', text: `per-CPU data of the running CPU (${cpu.callee}())` }); continue; }
      // Through a local that points to the running CPU's copy (the function's own names only).
      if (!e.via?.length && (perCpu ??= perCpuPointers(bodyText() ?? '')).has(e.loc.root)) out.set(e.id, { kind: 'per-cpu', text: `per-CPU data of the running CPU (\`${e.loc.root}\` points to its copy)` });
    }
    return out;
  }
}

function ownCalls(t: Thread): Array<Extract<Event, { kind: 'CALL' }>> {
  return t.events.filter((e): e is Extract<Event, { kind: 'CALL' }> => e.kind === 'CALL' && !e.via?.length);
}

/** Accesses to an object between its pause and the first unpause of the same object. */
function pausedAccesses(t: Thread): Map<number, string> {
  const own = ownCalls(t);
  const pauses = own.filter((c) => c.tags.includes('pause') && c.args.length > 0).map((c) => {
    const root = rootOf(c.args[0]!);
    const end = own.find((u) => u.id > c.id && UNPAUSE.test(u.callee) && rootOf(u.args[0] ?? '') === root);
    return { root, from: c.id, to: end?.id ?? Infinity, callee: c.callee };
  });
  const out = new Map<number, string>();
  if (pauses.length === 0) return out;
  for (const e of t.events) {
    if (e.kind !== 'R' && e.kind !== 'W' && e.kind !== 'RMW') continue;
    const p = pauses.find((x) => e.id > x.from && e.id < x.to && e.loc.root === x.root);
    if (p) out.set(e.id, `\`${p.root}\` is paused by ${p.callee}()`);
  }
  return out;
}
