// lock-order-inversion: a path that can wait forever for a lock. Three shapes, each a deadlock
// claim a maintainer acts on, so each needs all of its evidence in view:
// - ABBA: two paths take the same two locks in opposite orders (gic_clear_lrs() holds the vgic
//   lock and reaches vgic_get_target_vcpu(), which takes the rank lock; vgic_store_itargetsr()
//   holds the rank lock and reaches vgic_migrate_irq(), which takes the vgic lock). No finding
//   when both paths hold a third lock, which serializes them.
// - Self-deadlock: a function holding a non-recursive lock calls something that takes the same
//   lock again (heap_lock held across put_page(), which may free the page and take heap_lock).
// - The declared mm lock hierarchy (Xen's mm-locks.h, read from the header in view): a lock of
//   a lower level taken while one of a higher level is held.
// Orders come through callees whose bodies are in view and through the lock facts
// (engine/kb/lock-facts.ts). A lock a function asserts its caller holds counts as held.
// A patch is judged on what it changes: only an order its post-image has and the pre-image of
// the same function does not, reported on the line that takes the second lock.
import type { Thread } from '../extract/types';
import type { CheckContext } from './context';
import { sameBuild } from '../concurrency/arch';
import { calleesByName, LockEdges, type Edge } from './lock-order/edges';
import { breaksHierarchy, hierarchyIn, type LockHierarchy } from './lock-order/hierarchy';
import { mayBeOne } from './lock-order/instances';
import type { Finding, Related } from './types';

export interface LockOrderPatch {
  /** The pre-image threads of the patched files. */
  readonly pre: readonly Thread[];
  readonly counterpart: (t: Thread, to: 'pre' | 'post') => Thread | undefined;
}

const signature = (e: Edge): string => `${e.held.lock.key}\u2192${e.taken.key}`;
const viaText = (e: Edge): string => (e.via.length ? ` (via ${e.via.map((v) => `${v}()`).join(' → ')})` : '');

export function lockOrderInversion(ctx: CheckContext, patch?: LockOrderPatch): Finding[] {
  const os = (t: Thread) => ctx.sources.osOfThread(t);
  const post = new LockEdges({ os, body: calleesByName(ctx.all), ...(ctx.locksTakenByCall ? { summary: ctx.locksTakenByCall } : {}) });
  // Edges are made in the order of ctx.all (a walk inside a call cycle sees what was walked
  // before it), the document's threads first: those of the threads after its last are needed
  // only to look for an opposite order, so they are made when the first such look comes.
  const made: Edge[] = [];
  let next = 0;
  const edgesUpTo = (end: number): Edge[] => {
    for (; next < end; next++) for (const e of post.edges(ctx.all[next]!)) made.push(e);
    return made;
  };
  let documentEnd = ctx.all.length;
  while (documentEnd > 0 && !ctx.isDocument(ctx.all[documentEnd - 1]!)) documentEnd--;
  const documentEdges = edgesUpTo(documentEnd).slice();
  const hierarchy = hierarchyIn(ctx.sources.sources.filter((s) => s.kind === 'c'));
  // In a patch, what the pre-image of the same function already did is not the patch's doing.
  const preEdges = patch ? new LockEdges({ os, body: calleesByName([...patch.pre, ...ctx.all.filter((t) => t.side === undefined)]) }) : undefined;
  const before = new Map<Thread, Set<string>>();
  const introduced = (e: Edge): boolean => {
    if (!patch || !preEdges) return true;
    const pre = patch.counterpart(e.thread, 'pre');
    if (!pre) return true;
    if (!before.has(pre)) before.set(pre, new Set(preEdges.edges(pre).map(signature)));
    return !before.get(pre)!.has(signature(e));
  };
  // Two paths in opposite orders. A lock whose fact allows several classes (p2m_lock() of a host
  // or an alternate p2m) names more than one lock under one key: no pairing on it. Orders
  // through callees pair in a whole tree as in a patch: a real ABBA mostly has a call on each
  // side (xen 603ad88fe8: vioapic_write_redirent() holds the IRQ lock across a callee that
  // takes the event lock; hvm_dirq_assist() holds the event lock across one that takes the IRQ
  // lock). Outside a patch, where nothing is new, a lock a fact names does not: facts are
  // tracked by guards alone, and in a dispatcher's thousand-case switch (kvm_vm_ioctl()) one
  // case's fact-held lock was seen held in another.
  const definite = (e: Edge): boolean => e.taken.classes.length <= 1 && e.held.lock.classes.length <= 1;
  let abbaEdges: AbbaEdges | undefined;
  const abba = (): AbbaEdges => (abbaEdges ??= abbaIndex(edgesUpTo(ctx.all.length).filter((e) => definite(e) && (patch !== undefined || (!e.held.lock.fact && !e.taken.fact)))));
  // One finding per statement: the gravest shape among the orders it creates, the shortest path first.
  const byStmt = new Map<string, Edge[]>();
  const documentNames = new Set(ctx.document.map((t) => t.name));
  for (const a of documentEdges) {
    if (!ctx.isDocument(a.thread) || !introduced(a)) continue;
    // An order wholly inside one inlined call is that callee's own, reported where the callee
    // is judged (in the document too): not again at each caller whose path runs through it.
    if (!patch && insideOneCall(a) && documentNames.has(a.event.via![0]!.callee)) continue;
    const id = `lock-order:${a.thread.name}:${a.event.stmt.line}:${a.event.stmt.col}`;
    byStmt.set(id, [...(byStmt.get(id) ?? []), a]);
  }
  const out = new Map<string, Finding>();
  for (const [id, group] of byStmt) {
    const edges = [...group].sort((x, y) => x.via.length - y.via.length);
    const first = <T>(f: (a: Edge) => T | undefined): T | undefined => edges.reduce<T | undefined>((hit, a) => hit ?? f(a), undefined);
    const finding = first((a) => selfDeadlock(ctx, a, id))
      ?? (hierarchy ? first((a) => hierarchyViolation(ctx, a, id, hierarchy)) : undefined)
      ?? first((a) => inversion(ctx, a, id, abba, out, edges));
    if (finding) out.set(id, finding);
  }
  return [...out.values()];
}

/**
 * Both locks of the edge are taken inside the same inlined call of the function: the held lock
 * is not held yet where the call statement starts, and the function did not take it by a
 * fact of its own.
 */
function insideOneCall(a: Edge): boolean {
  const outer = a.event.via?.[0];
  const h = a.held.event;
  if (!outer || outer.resolution !== 'body' || !h?.via?.length) return false;
  const { line, col } = a.event.stmt;
  const start = a.thread.events.find((e) => e.stmt.line === line && e.stmt.col === col && e.via?.[0]?.callee === outer.callee);
  return start !== undefined && !start.held.includes(a.held.lock.key);
}

function heldRelated(ctx: CheckContext, a: Edge): Related[] {
  const { held, thread } = a;
  if (held.event) return [{ place: ctx.place(thread, held.event.stmt), message: `${held.lock.text} taken here` }];
  if (held.byCaller) return [{ place: ctx.place(thread, held.byCaller.span), message: `${held.lock.text} held by the caller, as ${thread.name}() asserts here` }];
  return [];
}

const heldWord = (a: Edge): string => (a.held.byCaller ? ' (taken by its caller)' : '');

/** The same non-recursive lock taken again through a callee, on the CPU that holds it. */
function selfDeadlock(ctx: CheckContext, a: Edge, id: string): Finding | undefined {
  const { held, taken } = a;
  if (held.lock.key !== taken.key || taken.recursive || held.lock.recursive || a.via.length === 0 || taken.classes.length > 1) return undefined;
  if (taken.mode === 'read' || held.lock.mode === 'read') return undefined;
  // The same lock, not another lock of its type: only a global names one lock. Two domains'
  // locks share a key (taking both is ordinary double locking), and a callee's local of the
  // same name (`act`, `q`) is another object, so no expression tells two instances apart.
  if (!/^\w+$/.test(held.lock.key)) return undefined;
  return {
    id, code: 'lock-order-inversion', severity: 'warning', place: ctx.place(a.thread, a.event.stmt),
    message: `${a.thread.name}() holds ${held.lock.text}${heldWord(a)} and reaches a second acquisition of it${viaText(a)}: the CPU deadlocks on its own lock.`,
    explanation: `\`${held.lock.text}\` is not recursive: once ${a.thread.name}() holds it, the path${viaText(a)} that takes \`${taken.text}\` `
      + 'spins forever on a lock its own CPU owns. Drop the lock before the call, or move the call out of the locked region.'
      + (taken.source ? ` (What the callee does: ${taken.source}.)` : ''),
    related: heldRelated(ctx, a), models: [], fixes: [],
  };
}

/** A lower mm lock taken under a higher one. */
function hierarchyViolation(ctx: CheckContext, a: Edge, id: string, h: LockHierarchy): Finding | undefined {
  if (a.held.lock.key === a.taken.key) return undefined;
  const broken = breaksHierarchy(h, a.held.lock.classes, a.taken.classes);
  if (!broken) return undefined;
  const decl = (c: { path?: string; line: number; name: string }, what: string): Related[] => (c.path
    ? [{ place: { file: c.path, range: { line: c.line, col: 1, endLine: c.line, endCol: 1 } }, message: `the ${c.name} lock class is declared here (${what})` }]
    : []);
  return {
    id, code: 'lock-order-inversion', severity: 'warning', place: ctx.place(a.thread, a.event.stmt),
    message: `${a.thread.name}() takes ${a.taken.text} (mm lock class ${broken.taken.name}) while holding ${a.held.lock.text}${heldWord(a)} (class ${broken.held.name})${viaText(a)}, against the declared mm lock order.`,
    explanation: `The mm lock hierarchy in view declares \`${broken.taken.name}\` (level ${broken.taken.level}) before \`${broken.held.name}\` (level ${broken.held.level}): `
      + `a CPU must take ${broken.taken.name} locks first. Taking one while holding a ${broken.held.name} lock is the inversion _mm_lock() panics on, `
      + 'and a deadlock against any path that follows the declared order. Take the lower lock first, or do the lookup without it (the *_unlocked variants).'
      + (a.taken.source ? ` (What the call takes: ${a.taken.source}.)` : ''),
    related: [...heldRelated(ctx, a), ...decl(broken.taken, 'taken first'), ...decl(broken.held, 'taken later')],
    models: [], fixes: [],
  };
}

/**
 * An ABBA one of whose paths takes a lock of a kind it already holds. No expression tells two
 * instances of a type-keyed lock apart: if they are one lock, that CPU deadlocks alone (and the
 * message must say so, not blame a second CPU); if not, the two orders are the ABBA.
 */
function reacquired(ctx: CheckContext, f: { a: Edge; id: string; b: Edge; retaker: Edge; again?: Edge }): Finding {
  const { a, b, retaker: r } = f;
  const { held, taken, thread } = a;
  const who = r === a ? 'it' : `${b.thread.name}()`;
  return {
    id: f.id, code: 'lock-order-inversion', severity: 'warning', place: ctx.place(thread, a.event.stmt),
    message: `${thread.name}() takes ${taken.text} while holding ${held.lock.key}${heldWord(a)}${viaText(a)}, and ${who} takes ${r.taken.key} while already holding one${viaText(r)}: `
      + `if that is the same lock, the CPU deadlocks on its own lock; if not, ${b.thread.name}() takes the two in the opposite order${viaText(b)} and the two can deadlock.`,
    explanation: `\`${r.taken.key}\` is taken on a path that already holds a lock of that kind, and the tool cannot tell two instances apart. `
      + 'If they are the same lock, it spins forever on its own CPU (a self-deadlock, one CPU is enough); '
      + `if they are two, \`${held.lock.key}\` and \`${taken.key}\` are taken in both orders (ABBA). `
      + 'Either way, drop the first lock across the call, or take the locks in one order.'
      + (r.taken.source ? ` (What the callee does: ${r.taken.source}.)` : ''),
    related: [
      ...(f.again ? heldRelated(ctx, f.again) : []), ...heldRelated(ctx, a),
      { place: ctx.place(b.thread, b.event.stmt), message: `the opposite order: ${b.thread.name}() takes ${b.taken.text} while holding ${b.held.lock.text}` },
    ],
    models: [], fixes: [],
  };
}

/** The edges that may pair as ABBA, by their [held, taken] keys (each document edge asks for its opposite). */
interface AbbaEdges {
  readonly has: ReadonlySet<Edge>;
  readonly byOrder: ReadonlyMap<string, readonly Edge[]>;
}

const orderKey = (held: string, taken: string): string => `${held}\0${taken}`;

/** Indexed once per document; each list keeps the edges' order. */
function abbaIndex(edges: readonly Edge[]): AbbaEdges {
  const byOrder = new Map<string, Edge[]>();
  for (const e of edges) {
    const k = orderKey(e.held.lock.key, e.taken.key);
    (byOrder.get(k) ?? byOrder.set(k, []).get(k)!).push(e);
  }
  return { has: new Set(edges), byOrder };
}

/** Two paths with the same two locks in opposite orders. */
function inversion(ctx: CheckContext, a: Edge, id: string, abba: () => AbbaEdges, out: ReadonlyMap<string, Finding>, here: readonly Edge[]): Finding | undefined {
  const { held, taken } = a;
  if (held.lock.key === taken.key) return undefined;
  const index = abba();
  if (!index.has.has(a)) return undefined;
  const serialized = (b: Edge): boolean => a.holding.some((k) => k !== held.lock.key && k !== taken.key && b.holding.some((j) => mayBeOne(k, j)));
  const bothRead = (b: Edge): boolean => (taken.mode === 'read' && b.held.lock.mode === 'read') || (held.lock.mode === 'read' && b.taken.mode === 'read');
  const opposite = (index.byOrder.get(orderKey(taken.key, held.lock.key)) ?? []).filter((o) => o.thread !== a.thread && !serialized(o) && !bothRead(o) && sameBuild(a.arch, o.arch));
  // Whole-tree mode knows which functions run only while the system boots, before other CPUs
  // run anything else: two paths one of which is boot code never wait for each other. A path
  // that retakes a lock it holds deadlocks its own CPU all the same, at boot too.
  const boot = (t: Thread): boolean => ctx.runsOnlyAtBoot?.(t) ?? false;
  // Likewise a domain's set-up and teardown: an order taken only while its domain is not yet
  // created or is dying runs while that domain's vCPUs do not, so it never waits on a path
  // the domain's own running (a guest's MMIO write) drives; two orders of one phase still meet.
  const samePhase = (o: Edge): boolean => ctx.runsOnlyAtBoot === undefined || o.phase === a.phase;
  const retakes = a.holding.includes(taken.key);
  const b = (boot(a.thread) ? undefined : opposite.find((o) => !boot(o.thread) && samePhase(o))) ?? (retakes ? opposite[0] : undefined);
  if (!b) return undefined;
  // Both paths of one inversion are in the document: one finding, the other path related.
  if (out.has(`lock-order:${b.thread.name}:${b.event.stmt.line}:${b.event.stmt.col}`)) return undefined;
  // One of the two paths takes a lock of a kind it already holds (`iommu->lock` held, then
  // taken again through a callee under `desc->lock`): one CPU alone may deadlock there.
  const retaker = retakes ? a : b.holding.includes(b.taken.key) ? b : undefined;
  if (retaker) return reacquired(ctx, { a, id, b, retaker, again: here.find((o) => o.held.lock.key === taken.key && o.taken === taken) });
  return {
    id, code: 'lock-order-inversion', severity: 'warning', place: ctx.place(a.thread, a.event.stmt),
    message: `${a.thread.name}() takes ${taken.text} while holding ${held.lock.key}${heldWord(a)}${viaText(a)}, but ${b.thread.name}() takes them in the opposite order${viaText(b)}: the two can deadlock.`,
    explanation: `Lock order \`${held.lock.key}\` → \`${taken.key}\` in ${a.thread.name}()${viaText(a)}, and \`${b.held.lock.key}\` → \`${b.taken.key}\` in ${b.thread.name}()${viaText(b)}. `
      + 'If each CPU gets its first lock, neither can take its second (ABBA). Take them in one order everywhere, or avoid holding one across the other.'
      + (taken.source ?? b.taken.source ? ` (What the calls take: ${[taken.source, b.taken.source].filter(Boolean).join('; ')}.)` : ''),
    related: [
      ...heldRelated(ctx, a),
      { place: ctx.place(b.thread, b.event.stmt), message: `the opposite order: ${b.thread.name}() takes ${b.taken.text} while holding ${b.held.lock.text}` },
    ],
    models: [], fixes: [],
  };
}

