// The tool's version, from package.json (the one source of truth for SARIF, JSON and --version),
// and the package root for data shipped beside the code (docs/checks).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The nearest folder above this file holding hvbarrier's package.json. Searched, not assumed:
 * the code runs from dist/engine/cli/ (tsc) and from dist/engine/ (the bundle).
 */
function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'hvbarrier') return dir;
    if (dirname(dir) === dir) throw new Error(`hvbarrier's package.json not found above ${from}`);
  }
}

let root: string | undefined;
let version: string | undefined;

export function packageRoot(): string {
  return (root ??= findPackageRoot(__dirname));
}

export function toolVersion(): string {
  return (version ??= (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version);
}
