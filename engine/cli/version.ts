// The tool's version, from package.json (the one source of truth for SARIF, JSON and --version).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

let cached: string | undefined;

export function toolVersion(): string {
  if (cached) return cached;
  // Compiled to dist/engine/cli/, so the package root is three levels up.
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string };
  return (cached = pkg.version);
}

/** The package root, for data shipped beside the code (docs/checks). */
export const packageRoot = join(__dirname, '..', '..', '..');
