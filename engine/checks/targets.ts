// Which models a function must be correct under: the hardware of the architectures it is built
// for (its path says `arch/arm` or `arch/x86`, or the tree's Kbuild builds the file only for one
// of them; otherwise the configured targets), plus LKMM for Linux and KVM code, whose portable
// contract LKMM is. Xen is not bound by LKMM.
import type { Thread } from '../extract/types';
import type { Os } from '../kb/types';
import type { ModelName } from '../models/model';
import type { Arch } from './types';

export function targetsFor(a: { thread: Thread; os: Os; arch: Arch; built?: readonly string[] }): ModelName[] {
  const configured: ModelName[] = a.arch === 'x86' ? ['x86-tso'] : a.arch === 'arm64' ? ['armv8'] : ['x86-tso', 'armv8'];
  const path = a.thread.file ?? '';
  const only: ModelName | undefined = /(^|\/)arch\/(arm|arm64|aarch64)\//.test(path) ? 'armv8' : /(^|\/)arch\/x86\//.test(path) ? 'x86-tso' : builtOnly(a.built);
  const hw = only && configured.includes(only) ? [only] : configured;
  return a.os === 'linux' && a.arch === 'all' && !only ? [...hw, 'lkmm'] : hw;
}

/** The one modelled hardware of a file's architectures (`['x86']`, `['arm', 'riscv']`), if one. */
function builtOnly(arches: readonly string[] | undefined): ModelName | undefined {
  if (!arches) return undefined;
  // Architectures without a model here (riscv, ppc) add nothing to judge against.
  const models = new Set(arches.flatMap((a): ModelName[] => (a === 'x86' ? ['x86-tso'] : /^arm/.test(a) ? ['armv8'] : [])));
  return models.size === 1 ? [...models][0] : undefined;
}

export const EVIDENCE_MODELS: readonly ModelName[] = ['sc', 'x86-tso', 'armv8', 'lkmm'];

export const MODEL_TITLES: Record<ModelName, string> = { sc: 'SC', 'x86-tso': 'x86-TSO', armv8: 'ARMv8', lkmm: 'LKMM' };

export function listModels(ms: readonly ModelName[]): string {
  const t = ms.map((m) => MODEL_TITLES[m]);
  return t.length <= 1 ? t.join('') : `${t.slice(0, -1).join(', ')} and ${t[t.length - 1]}`;
}
