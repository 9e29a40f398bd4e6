// Finding and loading `.hvbarrier.json` the way other linters find their config: the nearest one
// from the current directory upwards, unless `--config` names one. A config that does not load
// is an error, never a silent fallback to the defaults.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CONFIG_FILE_NAME, loadConfig } from '../kb/config';
import type { InputError } from './inputs';

/** The nearest `.hvbarrier.json` at or above `start`, or undefined. */
export function findConfig(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    const candidate = join(dir, CONFIG_FILE_NAME);
    if (existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

export interface LoadedConfig {
  readonly path?: string;
  readonly text?: string;
  readonly errors: InputError[];
}

/** Reads the named or discovered config; every error in it is an input error. */
export function loadConfigFile(a: { explicit?: string; discover: boolean; cwd: string }): LoadedConfig {
  const path = a.explicit ?? (a.discover ? findConfig(a.cwd) : undefined);
  if (path === undefined) return { errors: [] };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return { path, errors: [{ file: path, line: 1, col: 1, message: `cannot read config: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` }] };
  }
  const errors = loadConfig(text).problems.filter((p) => p.severity === 'error').map((p) => ({ file: path, line: p.line, col: p.col, message: p.message }));
  return { path, text, errors };
}
