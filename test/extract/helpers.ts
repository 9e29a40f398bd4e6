// Shared helpers for the front-end tests: one parser per process, fixtures on disk, and a
// compact one-line rendering of events for data-driven assertions.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initCParser } from '../../engine/c/init';
import type { CParser } from '../../engine/c/parser';
import { extractC, extractPatch, type ExtractOptions } from '../../engine/extract/index';
import type { Event, Result, Thread } from '../../engine/extract/types';
import { parseInput } from '../../engine/patch/index';

/** The repository root (tests run from dist/test/extract). */
export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const SEEDS = path.join(ROOT, 'fixtures', 'seeds');

export function parser(): Promise<CParser> {
  return initCParser();
}

export function seedFixtures(): string[] {
  return fs.readdirSync(SEEDS).filter((f) => /\.(c|patch|txt|diff|eml|mbox)$/.test(f)).sort();
}

/** Extracts a fixture the way the CLI does: C files directly, anything else through the patch reader. */
export function extractText(p: CParser, text: string, file: string, opts: ExtractOptions = {}): Result<Thread[]> {
  const input = parseInput(text, { path: file });
  if (input.kind === 'patch' || input.kind === 'mbox') {
    const res = extractPatch(p, { ...opts, patch: input });
    return { value: res.value, problems: [...input.problems, ...res.problems] };
  }
  return extractC(p, { ...opts, text, path: file });
}

/** `W plain v->x`, `F wmb`, `RMW mb set-bit p->status`, `CALL foo [opaque]` — for compact asserts. */
export function brief(e: Event): string {
  switch (e.kind) {
    case 'R':
    case 'W':
      return `${e.kind} ${e.annot} ${e.loc.text}`;
    case 'RMW':
      return `RMW ${e.annot} ${e.rmw} ${e.loc.text}`;
    case 'F':
      return `F ${e.fence}`;
    case 'LOCK':
    case 'UNLOCK':
      return `${e.kind} ${e.lock.text}`;
    case 'IRQ':
      return `IRQ ${e.state}`;
    case 'CALL':
      return `CALL ${e.callee} [${e.resolution}]`;
    case 'EXIT':
      return `EXIT ${e.how}`;
    case 'ASSERT':
      return `ASSERT ${e.expr}`;
  }
}

/** The Xen function `name` of `code`, extracted; fails the test when it is not there. */
export async function xenThread(code: string, name: string): Promise<Thread> {
  const res = extractC(await parser(), { text: code, profile: { os: 'xen' } });
  const t = res.value.find((x) => x.name === name);
  if (!t) throw new Error(`${name}() not extracted`);
  return t;
}

/** The first store to `loc` in `t`; fails the test when there is none. */
export function storeTo(t: Thread, loc: string): Event {
  const e = t.events.find((x) => x.kind === 'W' && x.loc.text === loc);
  if (!e) throw new Error(`no store to ${loc}`);
  return e;
}
