// The default knowledge base and its one lookup. Tables live in linux.ts, xen.ts and kvm.ts;
// user additions from `.hvbarrier.json` come through config.ts.
import { makeKnowledgeBase } from './base';
import type { Effect, KnowledgeBase, Os, Primitive, Profile } from './types';

export * from './types';
export { loadConfig, type ConfigResult } from './config';
export { makeKnowledgeBase } from './base';

export const DEFAULT_KB: KnowledgeBase = makeKnowledgeBase();

/** The entry for `name` in this code base: the one whose `os` matches, else the last defined. */
export function lookup(kb: KnowledgeBase, name: string, profile: Profile = {}): Primitive | undefined {
  const list = kb.primitives.get(name);
  if (!list || list.length === 0) return undefined;
  const os = profile.os ?? 'linux';
  const matching = list.filter((p) => p.os.includes(os));
  return matching[matching.length - 1] ?? list[list.length - 1];
}

/** The effects of a primitive on the profile's architecture (the generic ones when unset). */
export function effectsFor(p: Primitive, profile: Profile = {}): readonly Effect[] {
  return (profile.arch && p.arch?.[profile.arch]) ?? p.effects;
}

/** Xen sources live under xen/ and use Xen-only idioms; everything else is read as Linux. */
export function guessOs(path: string, text: string): Os {
  return /(^|\/)xen\//.test(path) || /^(\+\+\+|---) [ab]\/xen\//m.test(text) || /\bXEN_GUEST_HANDLE|\bstruct (?:domain|vcpu)\b|\bdomain_lock\(/.test(text) ? 'xen' : 'linux';
}
