// Neovim, headless, as an independent LSP client: it opens a fixture, and the Lua client
// reports the diagnostics, the hover, the quick fixes and the buffer after the preferred fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTool } from '../support/editors';
import { gitApplyCheck } from '../support/git-apply';
import { repoRoot } from '../support/paths';
import { seed000Workspace } from '../support/seed000';

const nvim = ensureTool('ensure-neovim.sh');
const server = join(repoRoot, 'dist', 'server', 'src', 'main.js');
const luaClient = join(repoRoot, 'test', 'e2e', 'nvim', 'lsp-client.lua');

interface Report { code: number | null; out: string; tags: Record<string, unknown> }

/** Runs the Lua client on `file` inside workspace `dir` (its cwd and LSP root), then removes `dir`. */
function runNvim(dir: string, file: string, expectCode?: string): Report & { edited?: string } {
  try {
    const outFile = join(dir, 'after-fix.txt');
    const xdg = (k: string): string => join(dir, 'xdg', k);
    const r = spawnSync(nvim.path!, ['--headless', '-n', '-i', 'NONE', '-u', luaClient, file], {
      cwd: dir, encoding: 'utf8', timeout: 90_000,
      env: { ...process.env, HVB_SERVER: server, HVB_OUT: outFile, ...(expectCode ? { HVB_EXPECT_CODE: expectCode } : {}), XDG_CONFIG_HOME: xdg('config'), XDG_DATA_HOME: xdg('data'), XDG_STATE_HOME: xdg('state'), XDG_CACHE_HOME: xdg('cache') },
    });
    const tags: Record<string, unknown> = {};
    for (const line of r.stdout.split('\n')) {
      const m = /^JSON (\w+) (.*)$/.exec(line);
      if (m) tags[m[1]!] = JSON.parse(m[2]!);
    }
    let edited: string | undefined;
    try { edited = readFileSync(outFile, 'utf8'); } catch { /* no fix applied */ }
    return { code: r.status, out: r.stdout + r.stderr, tags, edited };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface NvimDiag { line: number; col: number; code: string; source: string; href?: string; severity: number; message: string }

test('neovim: a .litmus file gets the per-model verdict diagnostic and the hover table', { skip: nvim.reason }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'hvb-nvim-'));
  copyFileSync(join(repoRoot, 'fixtures', 'litmus', 'SB.litmus'), join(dir, 'SB.litmus'));
  const r = runNvim(dir, join(dir, 'SB.litmus'));
  assert.equal(r.code, 0, r.out);
  assert.equal(r.tags.filetype, 'litmus');
  const diags = r.tags.diagnostics as NvimDiag[];
  const verdict = diags.find((d) => d.code === 'litmus-verdict');
  assert.ok(verdict, r.out);
  assert.equal(verdict.source, 'hvbarrier');
  assert.match(verdict.href!, /litmus-verdict\.md$/);
  // Store buffering is allowed even on x86-TSO and forbidden only under SC.
  assert.match(verdict.message, /sc: forbidden.*x86-tso: allowed.*armv8: allowed.*lkmm: allowed/);
  const hover = r.tags.hover as { kind: string; value: string };
  assert.equal(hover.kind, 'markdown');
  assert.match(hover.value, /\| x86-TSO \| allowed \|/);
  assert.deepEqual(r.tags.actions, []);
});

test('neovim: seed 000 v1 patch with its reader — squiggle on v->is_initialised = 1, hover, preferred quick fix, patch still applies, re-diagnosed', { skip: nvim.reason }, () => {
  const ws = seed000Workspace();
  const text = readFileSync(ws.patch, 'utf8');
  const r = runNvim(ws.root, ws.patch, 'missing-barrier');
  assert.equal(r.code, 0, r.out);
  assert.equal(r.tags.filetype, 'gitsendemail');
  const diags = r.tags.diagnostics as NvimDiag[];
  const d = diags.find((x) => x.code === 'missing-barrier');
  assert.ok(d, r.out);
  assert.equal(d.source, 'hvbarrier');
  assert.equal(text.split('\n')[d.line]!.slice(d.col, d.col + 'v->is_initialised = 1'.length), 'v->is_initialised = 1');
  // The hover opens with the verdicts (the client shows the message itself); the check's link closes it.
  assert.match((r.tags.hover as { value: string }).value, /^\| model \| bad outcome \|[\s\S]*\| ARMv8 \| allowed \|[\s\S]*missing-barrier/);
  const actions = r.tags.actions as Array<{ title: string; preferred: boolean }>;
  assert.equal(actions.filter((a) => a.preferred).length, 1, r.out);
  assert.match(actions.find((a) => a.preferred)!.title, /smp_wmb/);
  assert.ok(r.edited, 'the preferred fix was applied to the buffer');
  assert.match(r.edited, /\n\+\s*smp_wmb\(\);.*\n\s+v->is_initialised = 1;/);
  const check = gitApplyCheck(text, r.edited);
  assert.ok(check.ok, check.output);
  const after = r.tags.after_fix as { republished: boolean; diagnostics: Array<{ code: string; severity: number }> };
  assert.ok(after.republished, r.out);
  assert.deepEqual(after.diagnostics.filter((x) => x.severity <= 2).map((x) => x.code), [], r.out);
});
