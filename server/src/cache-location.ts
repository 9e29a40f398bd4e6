// Where the server keeps its on-disk index: the user's cache directory, as the CLI does
// (`$XDG_CACHE_HOME/hvbarrier`, else `~/.cache/hvbarrier`), one folder per set of workspace
// folders, never inside the checkout. A client may name another folder
// (`initializationOptions.cacheDir`).
import { join } from 'node:path';
import { defaultCacheRoot, treeCacheDir } from '../../engine/cli/cache-dir';

export function workspaceCacheDir(roots: readonly string[], env: NodeJS.ProcessEnv = process.env): string {
  return treeCacheDir(join(defaultCacheRoot(env), 'workspaces'), roots, '/');
}
