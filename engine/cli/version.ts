// The tool's version, from package.json (the one source of truth for SARIF, JSON and --version).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

let cached: string | undefined;

/**
 * The package root, for package.json and data shipped beside the code (docs/checks). Found by
 * walking up: the code runs from dist/engine/cli/ (tsc) or dist/engine/ (the bundled CLI).
 */
export const packageRoot = ((): string => {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return join(__dirname, '..', '..', '..');
  }
})();

export function toolVersion(): string {
  if (cached) return cached;
  const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string };
  return (cached = pkg.version);
}
