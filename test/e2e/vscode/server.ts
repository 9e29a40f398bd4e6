// code-server for the end-to-end test: a fresh data folder and extensions folder per run,
// the packaged .vsix installed into it, everything (HOME, XDG_*, TMPDIR) kept inside the run
// folder, bound to 127.0.0.1 without auth, and stopped by killing its whole process group.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Running { readonly url: string; stop(): void }

const SETTINGS = {
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'update.mode': 'none',
  'git.enabled': false,
  // The browser workbench autosaves by default; the test saves explicitly after the fix.
  'files.autoSave': 'off',
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'editor.hover.delay': 100,
};

function envFor(run: string): NodeJS.ProcessEnv {
  const home = join(run, 'home');
  return { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_DATA_HOME: join(home, '.local/share'), XDG_CACHE_HOME: join(home, '.cache'), TMPDIR: join(run, 'tmp') };
}

export function installExtension(opts: { codeServer: string; run: string; vsix: string }): void {
  for (const d of ['home', 'tmp', 'user/User', 'ext']) mkdirSync(join(opts.run, d), { recursive: true });
  writeFileSync(join(opts.run, 'user/User/settings.json'), JSON.stringify(SETTINGS, null, 2));
  const r = spawnSync(opts.codeServer, ['--config', '/dev/null', '--user-data-dir', join(opts.run, 'user'), '--extensions-dir', join(opts.run, 'ext'), '--install-extension', opts.vsix],
    { env: envFor(opts.run), encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`installing ${opts.vsix} failed: ${r.stdout}${r.stderr}`);
}

export async function startCodeServer(opts: { codeServer: string; run: string; workspace: string; port: number }): Promise<Running> {
  const log = openSync(join(opts.run, 'code-server.log'), 'w');
  const child = spawn(opts.codeServer, [
    '--config', '/dev/null', '--bind-addr', `127.0.0.1:${opts.port}`, '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    '--user-data-dir', join(opts.run, 'user'), '--extensions-dir', join(opts.run, 'ext'), opts.workspace,
  ], { env: envFor(opts.run), detached: true, stdio: ['ignore', log, log] });
  // detached = its own process group: the file watcher and extension host die with it.
  const stop = (): void => { try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* already gone */ } };
  const url = `http://127.0.0.1:${opts.port}`;
  for (let i = 0; i < 240; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { url: `${url}/?folder=${encodeURIComponent(opts.workspace)}`, stop };
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  stop();
  throw new Error(`code-server did not become healthy; see ${join(opts.run, 'code-server.log')}`);
}
