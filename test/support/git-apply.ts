// `git apply --check` for a patch whose target tree we do not have: the pre-image of every
// hunk (context and removed lines, read from the original patch by the front end) is written
// at its old line numbers into stub files, then git checks the edited patch against them.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseInput } from '../../engine/patch/index';

function stubTree(dir: string, original: string): void {
  for (const unit of parseInput(original).units) {
    for (const file of unit.files) {
      if (!file.oldPath) continue;
      const lines: string[] = [];
      for (const h of file.hunks) {
        while (lines.length < h.oldStart - 1) lines.push(`/* filler ${lines.length + 1} */`);
        for (const l of h.lines) if (l.kind !== 'added') lines.push(l.text);
      }
      const target = join(dir, file.oldPath.replace(/^a\//, ''));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, lines.join('\n') + '\n');
    }
  }
}

/** Runs `git apply --check` of `edited` against stubs built from `original`. */
export function gitApplyCheck(original: string, edited: string): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hvb-apply-'));
  try {
    stubTree(dir, original);
    writeFileSync(join(dir, 'edited.patch'), edited);
    const r = spawnSync('git', ['apply', '--check', '--verbose', 'edited.patch'], { cwd: dir, encoding: 'utf8' });
    return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
