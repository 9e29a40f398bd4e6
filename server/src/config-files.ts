// Which `.hvbarrier.json` applies to a document, found the way the CLI finds it: the file the
// `hvbarrier.kbPath` setting names, else the nearest one from the document's folder upwards,
// else the workspace root's (and upwards from it). The file is read again for every analysis
// (it is small), so an edit on disk takes effect at once; a watcher only says *when* to
// re-analyse. Errors are kept per file so each is reported once, when it appears.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { findConfig, loadConfigFile } from '../../engine/cli/config-file';
import type { InputError } from '../../engine/cli/inputs';

export interface ConfigFile {
  /** The file in force, if any. */
  readonly path?: string;
  readonly text?: string;
  /** Unreadable file, invalid JSON, or content the knowledge base rejects: with line and column. */
  readonly errors: readonly InputError[];
  /** The file `hvbarrier.kbPath` names does not exist: a bad setting, not a broken file. */
  readonly missing?: boolean;
}

export function locateConfig(a: { docPath?: string; roots: readonly string[]; kbPath: string }): string | undefined {
  if (a.kbPath) return path.isAbsolute(a.kbPath) ? a.kbPath : path.join(a.roots[0] ?? process.cwd(), a.kbPath);
  const fromDoc = a.docPath ? findConfig(path.dirname(a.docPath)) : undefined;
  return fromDoc ?? (a.roots[0] !== undefined ? findConfig(a.roots[0]) : undefined);
}

export function readConfig(a: { docPath?: string; roots: readonly string[]; kbPath: string }): ConfigFile {
  const file = locateConfig(a);
  if (file === undefined) return { errors: [] };
  if (!existsSync(file)) return { path: file, errors: [], missing: true };
  return loadConfigFile({ explicit: file, discover: false, cwd: a.roots[0] ?? process.cwd() });
}

/** Remembers what was last reported per config file, so a broken file is announced once. */
export class ConfigErrorLedger {
  private readonly reported = new Map<string, string>();

  /** The change to report for this file, if its errors differ from the last report. */
  update(file: ConfigFile): { path: string; errors: readonly InputError[]; missing: boolean } | undefined {
    if (file.path === undefined) return undefined;
    const key = file.missing ? 'missing' : JSON.stringify(file.errors);
    if ((this.reported.get(file.path) ?? '[]') === key) return undefined;
    this.reported.set(file.path, key);
    return { path: file.path, errors: file.errors, missing: file.missing === true };
  }

  /** A config file was deleted: whether it had errors shown (which must now be cleared). */
  forget(path: string): boolean {
    const had = (this.reported.get(path) ?? '[]') !== '[]' && this.reported.get(path) !== 'missing';
    this.reported.delete(path);
    return had;
  }
}
