// `hvbarrier extract` end to end: text and JSON output, and exit 2 with a located error for
// unreadable input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT, SEEDS } from './helpers';

/** Runs the built CLI in a child process (the test runner owns this process's stdout). */
async function capture(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const cli = path.join(ROOT, 'dist', 'engine', 'cli.js');
  const r = spawnSync(process.execPath, [cli, ...argv], { encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

test('cli extract: text output lists functions and events with line numbers', async () => {
  const r = await capture(['extract', path.join(SEEDS, '000-set-info-smp_wmb.c')]);
  assert.equal(r.code, 0);
  assert.match(r.out, /^arch_set_info_guest\(struct vcpu \*v, struct vcpu_guest_context \*ctxt\)/);
  assert.match(r.out, /e6 12:5 F +wmb <smp_wmb>/);
});

test('cli extract: json output carries threads and problems per file', async () => {
  const r = await capture(['extract', '--format', 'json', path.join(SEEDS, '000-v1-smp_mb.patch')]);
  assert.equal(r.code, 0);
  const json = JSON.parse(r.out) as { file: string; threads: { name: string; side: string }[] }[];
  assert.deepEqual(json[0]!.threads.map((t) => `${t.name}:${t.side}`), ['arch_set_info_guest:pre', 'arch_set_info_guest:post']);
});

test('cli extract: unreadable input is file:line:col: error and exit 2', async () => {
  const r = await capture(['extract', '/nonexistent/file.c']);
  assert.equal(r.code, 2);
  assert.match(r.err, /^\/nonexistent\/file\.c:1:1: error: cannot read input/);
});

test('cli extract: a bad option is a usage error', async () => {
  const r = await capture(['extract', '--format', 'xml', 'x.c']);
  assert.equal(r.code, 2);
});
