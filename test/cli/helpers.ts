// Shared by the CLI tests: running `check` in every format, and reading what each says.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCli } from '../support/cli';

export const READER = 'fixtures/seeds/000-getvcpucontext-reader.c';
export const V1 = 'fixtures/seeds/000-v1-smp_mb.patch';

export interface Outputs {
  readonly text: ReturnType<typeof runCli>;
  readonly json: ReturnType<typeof runCli> & { report: any };
  readonly sarif: ReturnType<typeof runCli> & { log: any };
}

/** Runs `check ARGS` as text, JSON and SARIF (JSON outputs parsed; a parse failure fails the test). */
export function checkAllFormats(args: readonly string[], opts: { input?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Outputs {
  const run = (fmt: string) => runCli(['check', '--format', fmt, ...args], opts.input, opts);
  const text = run('text');
  const json = run('json');
  const sarif = run('sarif');
  return {
    text,
    json: { ...json, report: parse(json.stdout, 'json') },
    sarif: { ...sarif, log: parse(sarif.stdout, 'sarif') },
  };
}

function parse(s: string, what: string): any {
  try {
    return JSON.parse(s);
  } catch {
    assert.fail(`${what} output is not JSON: ${s.slice(0, 300)}`);
  }
}

/** Every format exits with `code`. */
export function assertExit(o: Outputs, code: number): void {
  assert.equal(o.text.code, code, `text: ${o.text.stderr}${o.text.stdout}`);
  assert.equal(o.json.code, code, `json: ${o.json.stderr}`);
  assert.equal(o.sarif.code, code, `sarif: ${o.sarif.stderr}`);
}

export function sarifNotifications(log: any): any[] {
  return log.runs[0].invocations[0].toolExecutionNotifications;
}

/** A fresh directory with these files (relative paths → text or bytes). */
export function tempTree(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hvb-cli-'));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  return dir;
}
