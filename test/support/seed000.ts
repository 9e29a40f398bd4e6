// Seed 000 as a workspace: the v1 patch and the reader it pairs with (do_domctl() in
// 000-getvcpucontext-reader.c), which the server finds through its workspace index.
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot } from './paths';

const seeds = join(repoRoot, 'fixtures', 'seeds');

export function seed000Workspace(parent: string = tmpdir()): { root: string; patch: string; reader: string } {
  mkdirSync(parent, { recursive: true });
  const root = mkdtempSync(join(parent, 'hvb-seed000-'));
  const patch = join(root, '000-v1-smp_mb.patch');
  const reader = join(root, 'xen', 'common', '000-getvcpucontext-reader.c');
  mkdirSync(dirname(reader), { recursive: true });
  copyFileSync(join(seeds, '000-v1-smp_mb.patch'), patch);
  copyFileSync(join(seeds, '000-getvcpucontext-reader.c'), reader);
  return { root, patch, reader };
}
