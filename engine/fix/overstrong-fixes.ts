// Which offered fixes the overstrong-barrier check would itself flag: a full smp_mb() where
// smp_wmb()/smp_rmb() keeps every verdict. Among re-simulated fixes that is exactly a fix
// whose edits are another offered fix's with one smp_mb() written weaker, when that weaker fix
// repairs at least the same findings. Editors list such fixes last, marked, never preferred.
import type { Edit, Fix } from '../checks/types';

const FULL = 'smp_mb()';
const WEAKER = ['smp_wmb()', 'smp_rmb()'];

/** Where the comments of inserted C are: a pair comment names smp_mb(), it does not order anything. */
function commentSpans(text: string): Array<[number, number]> {
  return [...text.matchAll(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g)].map((m) => [m.index!, m.index! + m[0].length]);
}

/** `strong` with one of its smp_mb() statements (not a mention in a comment) written as smp_wmb() or smp_rmb() gives `weak`. */
function weakerText(strong: string, weak: string): boolean {
  const comments = commentSpans(strong);
  for (let i = strong.indexOf(FULL); i >= 0; i = strong.indexOf(FULL, i + 1)) {
    if (comments.some(([a, b]) => i >= a && i < b)) continue;
    for (const w of WEAKER) if (strong.slice(0, i) + w + strong.slice(i + FULL.length) === weak) return true;
  }
  return false;
}

function sameRange(a: Edit, b: Edit): boolean {
  const r = a.range;
  const s = b.range;
  return a.file === b.file && r.line === s.line && r.col === s.col && r.endLine === s.endLine && r.endCol === s.endCol;
}

/** The same edits but for exactly one smp_mb() that the weaker fix writes as smp_wmb()/smp_rmb(). */
function weakerEdits(strong: readonly Edit[], weak: readonly Edit[]): boolean {
  if (strong.length !== weak.length) return false;
  let weakened = 0;
  for (let i = 0; i < strong.length; i++) {
    const a = strong[i]!;
    const b = weak[i]!;
    if (!sameRange(a, b)) return false;
    if (a.newText === b.newText) continue;
    if (!weakerText(a.newText, b.newText)) return false;
    weakened++;
  }
  return weakened === 1;
}

/** Indexes of the over-strong fixes in `fixes`. */
export function overstrongFixes(fixes: readonly Fix[]): Set<number> {
  const out = new Set<number>();
  fixes.forEach((strong, i) => {
    const weaker = fixes.some((weak, j) => j !== i && strong.repairs.every((id) => weak.repairs.includes(id)) && weakerEdits(strong.edits, weak.edits));
    if (weaker) out.add(i);
  });
  return out;
}
