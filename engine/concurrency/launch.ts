// Functions that only ever start on another CPU by an IPI their launcher sends
// (`smp_call_function(gdb_pause_this_cpu, NULL, 0)`): the callback runs after the IPI arrives,
// so it sees every store its launcher made before the call (kb/hv-events.ts
// IPI_CALLBACK_LAUNCHERS, IPI_ORDERING). A cycle between the two whose launcher side makes its
// first access, a store, before every launch cannot close: the callback cannot miss that store.
import type { Event, Thread } from '../extract/types';
import { IPI_CALLBACK_LAUNCHERS, IRQ_HANDLER_INSTALLERS, type IpiCallbackLauncher } from '../kb/hv-events';
import { directives, objectRenames, valueUses } from './facts';

// An interrupt handler installed by one function starts the same way: only after the call, on
// whichever CPU takes the interrupt, ordered after the installer's earlier stores.
const LAUNCHERS = new Map<string, IpiCallbackLauncher & { readonly how: string }>([
  ...IPI_CALLBACK_LAUNCHERS.map((l) => [l.name, { ...l, how: 'by IPI' }] as const),
  ...IRQ_HANDLER_INSTALLERS.map((l) => [l.name, { ...l, how: 'as an interrupt handler' }] as const),
]);

/**
 * The function a call event launches, if it is one: the callback argument, a plain name.
 * `reordered`: a file's own macros that call a launcher with its arguments in another order
 * (argumentOrders), by name.
 */
export function launchedBy(e: Event, reordered?: ReadonlyMap<string, readonly number[]>): string | undefined {
  if (e.kind !== 'CALL') return undefined;
  const l = LAUNCHERS.get(e.callee);
  if (!l) return undefined;
  const at = reordered?.get(e.callee)?.[l.callbackArg] ?? l.callbackArg;
  const arg = e.args[at]?.replace(/^\s*&\s*/, '').trim();
  return arg && /^[A-Za-z_]\w*$/.test(arg) ? arg : undefined;
}

/**
 * A file's macros that call a launcher of the same name with the same arguments in another
 * order, as where each of the launcher's arguments comes from in the macro's own: Xen's Arm SMMU
 * driver keeps Linux's order with `#define request_irq(irq, func, flags, name, dev)
 * request_irq(irq, flags, func, name, dev)`, so its handler is the second argument written.
 */
export function argumentOrders(text: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const m of directives(text, /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)\(([^)]*)\)[ \t]+([A-Za-z_]\w*)[ \t]*\(([^)]*)\)[ \t]*$/my)) {
    if (m[1] !== m[3] || !LAUNCHERS.has(m[1]!)) continue;
    const params = m[2]!.split(',').map((x) => x.trim());
    const order = m[4]!.split(',').map((x) => params.indexOf(x.trim()));
    if (order.length === params.length && order.every((i) => i >= 0) && new Set(order).size === order.length) out.set(m[1]!, order);
  }
  return out;
}

/**
 * Static functions of one file that start only by IPI launches written in one function of it:
 * callback → launcher. Every use of the name as a value in the file is the callback argument of
 * a launch written directly in that launcher, and nothing calls it: no other CPU runs it for
 * another reason.
 */
export function launchedOnly(threads: readonly Thread[], text: string): Record<string, string> {
  // Keyed by the name as written; `#define arm_smmu_context_fault arm_smmu_context_fault_xen`
  // makes the function installed the one the macro names.
  const launches = new Map<string, { launcher: Set<string>; count: number }>();
  const called = new Set<string>();
  const macros = /#\s*define/.test(text);
  const reordered = macros ? argumentOrders(text) : undefined;
  const renamed = macros ? objectRenames(text) : new Map<string, string>();
  for (const t of threads) {
    for (const e of t.events) {
      if (e.kind !== 'CALL' || e.via?.length) continue;
      called.add(e.callee);
      const cb = launchedBy(e, reordered);
      if (!cb) continue;
      const l = launches.get(cb) ?? launches.set(cb, { launcher: new Set(), count: 0 }).get(cb)!;
      l.launcher.add(t.name);
      l.count++;
    }
  }
  const statics = new Set(threads.filter((t) => t.static).map((t) => t.name));
  const uses = launches.size > 0 ? valueUses(text) : new Map<string, number>();
  const out: Record<string, string> = {};
  for (const [written, l] of launches) {
    const cb = renamed.get(written) ?? written;
    if (!statics.has(cb) || called.has(cb) || l.launcher.size !== 1 || uses.get(written) !== l.count || (cb !== written && (uses.get(cb) ?? 0) > 0)) continue;
    out[cb] = [...l.launcher][0]!;
  }
  return out;
}

/**
 * The side that launches the other (see launchedOnly) made its first access, a store, before
 * every launch of it: the callback cannot miss that store, and the cycle cannot close.
 */
export function launchedAfter(
  sides: ReadonlyArray<{ thread: Thread; first?: Event }>, launcherOf: (name: string, file?: string) => { readonly launcher: string; readonly callback: string } | undefined,
): string | undefined {
  for (const [a, b] of [[sides[0]!, sides[1]!], [sides[1]!, sides[0]!]] as const) {
    // A static callback lives in its launcher's file: a namesake elsewhere is another function.
    // The side may be the callback or run only inside it (see model.ts launcherOf).
    const launch = launcherOf(b.thread.name, b.thread.file);
    if (launch?.launcher !== a.thread.name || !a.first || a.thread.file !== b.thread.file) continue;
    const first = a.first;
    if (first.kind !== 'W' && first.kind !== 'RMW') continue;
    // The launches naming the callback in any argument (launchedOnly() has read the file's
    // argument orders); where a macro renamed it, every launch the launcher writes.
    const own = a.thread.events.filter((e): e is Extract<Event, { kind: 'CALL' }> => e.kind === 'CALL' && !e.via?.length && LAUNCHERS.has(e.callee));
    const named = own.filter((e) => e.args.some((x) => x.replace(/^\s*&\s*/, '').trim() === launch.callback));
    const launches = named.length > 0 ? named : own;
    // A store in a loop that also launches is written again after a launch.
    const loops = new Set(first.guards.filter((g) => a.thread.conds[g.cond]?.kind === 'loop').map((g) => g.cond));
    if (launches.some((e) => e.guards.some((g) => loops.has(g.cond)))) continue;
    if (launches.length > 0 && launches.every((e) => e.id > first.id)) {
      const how = LAUNCHERS.get(launches[0]!.callee)!.how;
      const inside = launch.callback === b.thread.name ? '' : ` (inside ${launch.callback}())`;
      return `launched ${how}: ${b.thread.name}()${inside} runs only after ${a.thread.name}() starts it with ${launches[0]!.callee}(), after its store to \`${first.loc.text}\``;
    }
  }
  return undefined;
}

/** Launch records of several files as one; a callback two files launch differently is left out. */
export function mergedLaunches(records: ReadonlyArray<Readonly<Record<string, string>>>): Record<string, string> {
  const out: Record<string, string> = {};
  const clash = new Set<string>();
  for (const r of records) {
    for (const [cb, l] of Object.entries(r)) {
      if (out[cb] !== undefined && out[cb] !== l) clash.add(cb);
      out[cb] = l;
    }
  }
  for (const cb of clash) delete out[cb];
  return Object.fromEntries(Object.entries(out).sort(([x], [y]) => (x < y ? -1 : 1)));
}
