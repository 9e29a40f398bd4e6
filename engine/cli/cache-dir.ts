// Where the tree-index cache lives: the user's cache directory (XDG), one folder per set of
// tree roots, never inside the checkout being checked.
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/** `$XDG_CACHE_HOME/hvbarrier` (an absolute XDG_CACHE_HOME only, as the spec says), else `~/.cache/hvbarrier`. */
export function defaultCacheRoot(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(home, '.cache'), 'hvbarrier');
}

/** One cache folder per tree: the index file is rewritten per run and must not mix trees. */
export function treeCacheDir(root: string, trees: readonly string[], cwd: string): string {
  const key = createHash('sha256').update(trees.map((t) => resolve(cwd, t)).sort().join('\0')).digest('hex').slice(0, 16);
  return join(root, `tree-${key}`);
}
