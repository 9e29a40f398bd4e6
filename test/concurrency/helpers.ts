// One helper for the whole-tree tests: write a small tree of C files to a temporary folder,
// check it in whole-tree mode (one worker, no cache) and return the warnings and what the
// concurrency model ruled out.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { checkTree, treeSummary } from '../../engine/cli/tree-check';
import type { Os } from '../../engine/kb/types';

export interface TreeOutcome {
  /** `code@file:line` of every warning, sorted. */
  readonly warnings: string[];
  readonly excluded: Record<string, number>;
  /** `file:line: message` of every problem the analysed files report, sorted. */
  readonly problems: string[];
}

export async function checkFixtureTree(files: Record<string, string>, o: { trees?: readonly string[]; os?: Os } = {}): Promise<TreeOutcome> {
  const dir = mkdtempSync(join(tmpdir(), 'hvb-tree-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    // `trees`: the folders checked, when not the whole fixture (a partial tree).
    const dirs = o.trees ? o.trees.map((t) => join(dir, t)) : [dir];
    const res = await checkTree({ dirs, arch: 'all', os: o.os ?? 'xen', workers: 1 });
    const warnings = res.reports.flatMap((r) => r.analysis.findings
      .filter((f) => f.severity === 'warning' || f.severity === 'error')
      .map((f) => `${f.code}@${(f.place.file ?? r.file).slice(dir.length + 1)}:${f.place.range.line}`)).sort();
    const problems = res.reports.flatMap((r) => r.analysis.problems.map((p) => `${r.file.slice(dir.length + 1)}:${p.line}: ${p.message}`)).sort();
    return { warnings, excluded: treeSummary(res).excluded, problems };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A message-passing writer that orders its stores (smp_wmb) over a struct type. */
export const WRITER = (type = 'ring', name = 'ring_publish', attrs = ''): string => `struct ${type} { int data; int ready; spinlock_t lock; };
void ${attrs}${name}(struct ${type} *r)
{
    r->data = 1;
    smp_wmb();
    r->ready = 1;
}
`;

/** A reader that checks the flag, then reads the data, with no read barrier between. */
export const READER = (type = 'ring', name = 'ring_consume', attrs = ''): string => `struct ${type} { int data; int ready; spinlock_t lock; };
int ${attrs}${name}(struct ${type} *r)
{
    if (r->ready)
        return r->data;
    return 0;
}
`;

/** A caller that runs the reader (READER) with the ring lock held. */
export const LOCKED_CONSUME = `int do_consume(struct ring *r)
{
    int v;
    spin_lock(&r->lock);
    v = ring_consume(r);
    spin_unlock(&r->lock);
    return v;
}
`;
