// When no code in view reads what a function publishes, hvbarrier supplies the canonical
// observer: the reader of a publication loads the flag, then (after smp_rmb()) the data. A
// store counts as a publication when the writer itself signals it: an ordering fence or a
// release sits between an earlier shared store and it. The assumption is stated in the finding.
import type { Thread } from '../extract/types';
import { compatible, isSharedAccess, writes } from './peers';
import type { Scenario } from './scenario';

const PUBLISHING_FENCES = new Set(['mb', 'wmb', 'before-atomic', 'after-atomic']);

export function synthesizedReaders(w: Thread, covered: ReadonlySet<number>): Scenario[] {
  const out: Scenario[] = [];
  const acc = w.events.filter(isSharedAccess);
  for (const wy of acc) {
    if (!writes(wy) || covered.has(wy.id) || wy.via?.length) continue;
    const signal = w.events.find((f) => f.id < wy.id && f.kind === 'F' && PUBLISHING_FENCES.has(f.fence) && compatible(f, wy));
    const selfOrdered = (wy.kind === 'W' && wy.annot === 'release') || (wy.kind === 'RMW' && (wy.annot === 'release' || wy.annot === 'mb'));
    const bound = signal?.id ?? (selfOrdered ? wy.id : undefined);
    if (bound === undefined) continue;
    const wx = [...acc].reverse().find((e) => writes(e) && e.id < bound && e.loc.key !== wy.loc.key && compatible(e, wy));
    if (!wx) continue;
    const reader = `reader of \`${wy.loc.text}\` (no reader is in view; it is assumed to load \`${wy.loc.text}\`, then smp_rmb(), then \`${wx.loc.text}\`)`;
    out.push({
      id: `MP:${w.file ?? ''}:${w.name}:${w.side ?? ''}:${wx.id}-${wy.id}|observer`,
      shape: 'MP',
      sides: [
        { thread: w, first: wx, second: wy, firstLoc: wx.loc },
        { thread: w, first: wy, second: wx, firstLoc: wy.loc, synthesized: reader },
      ],
      locs: [wx.loc, wy.loc],
    });
  }
  return out;
}
