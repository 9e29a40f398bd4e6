// Assembles the tables (and any user entries) into one name → entries map.
import { KVM, KVM_CONTEXTS } from './kvm';
import { LINUX } from './linux';
import { MMIO } from './mmio';
import { XEN } from './xen';
import type { KnowledgeBase, Primitive } from './types';

export function makeKnowledgeBase(extra: { primitives?: readonly Primitive[]; iterators?: readonly string[]; shared?: readonly RegExp[]; pointers?: ReadonlyMap<string, string> } = {}): KnowledgeBase {
  const primitives = new Map<string, Primitive[]>();
  for (const p of [...LINUX, ...MMIO, ...XEN, ...KVM, ...(extra.primitives ?? [])]) {
    const list = primitives.get(p.name) ?? [];
    // A user entry replaces the built-in ones of the same name (one per code base may come).
    const user = (q: Primitive): boolean => extra.primitives?.includes(q) ?? false;
    const kept = user(p) ? list.filter(user) : list;
    kept.push(p);
    primitives.set(p.name, kept);
  }
  return {
    primitives, contexts: KVM_CONTEXTS, iterators: extra.iterators ?? [], shared: extra.shared ?? [],
    ...(extra.pointers && extra.pointers.size > 0 ? { pointers: extra.pointers } : {}),
  };
}
