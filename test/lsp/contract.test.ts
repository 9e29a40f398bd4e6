// What the editor integration promises outside the code paths: every diagnostic code links to
// a docs page that exists in the repository with the four sections, every setting the server
// reads is declared in package.json (and nothing else is), and the grammar is valid JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS } from '../../server/src/settings';
import { docsHref } from '../../server/src/to-proto';
import { repoRoot } from '../support/paths';

function checkCodes(): string[] {
  const src = readFileSync(join(repoRoot, 'engine', 'checks', 'types.ts'), 'utf8');
  const union = /export type CheckCode =([^;]*);/.exec(src)![1]!;
  return [...union.matchAll(/'([a-z-]+)'/g)].map((m) => m[1]!);
}

test('every check code has a docs page at the path its diagnostics link to', () => {
  const codes = checkCodes();
  assert.ok(codes.length >= 11, codes.join(','));
  for (const code of codes) {
    const href = docsHref(code);
    const rel = /\/blob\/main\/(.*)$/.exec(href)![1]!;
    const file = join(repoRoot, rel);
    assert.ok(existsSync(file), `${code}: ${rel} is missing`);
    const text = readFileSync(file, 'utf8');
    assert.match(text, new RegExp(`^# ${code}\\n`), code);
    assert.match(text, /\*\*What it (finds|shows)\.?\*\*/, code);
    assert.match(text, /\*\*Example/, code);
  }
});

function flatten(o: Record<string, unknown>, prefix: string): string[] {
  return Object.entries(o).flatMap(([k, v]) => {
    const key = `${prefix}.${k}`;
    // Macro tables are objects by design: they are one setting each.
    if (v && typeof v === 'object' && !Array.isArray(v) && !key.startsWith('hvbarrier.macros.')) return flatten(v as Record<string, unknown>, key);
    return [key];
  });
}

test('package.json contributes.configuration mirrors the settings the server reads, with the same defaults', () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  const props = pkg.contributes.configuration.properties as Record<string, { default: unknown }>;
  const keys = flatten(DEFAULT_SETTINGS as unknown as Record<string, unknown>, 'hvbarrier').sort();
  assert.deepEqual(Object.keys(props).sort(), keys);
  for (const key of keys) {
    const value = key.split('.').slice(1).reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], DEFAULT_SETTINGS);
    assert.deepEqual(props[key]!.default, value, key);
  }
});

test('the litmus language, grammar and commands are declared for the client', () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  const grammar = JSON.parse(readFileSync(join(repoRoot, 'syntaxes', 'litmus.tmLanguage.json'), 'utf8'));
  assert.equal(grammar.scopeName, pkg.contributes.grammars[0].scopeName);
  assert.deepEqual(pkg.contributes.languages[0].extensions, ['.litmus']);
  assert.deepEqual(pkg.contributes.commands.map((c: { command: string }) => c.command).sort(), ['hvbarrier.checkWorkspace', 'hvbarrier.showExecution', 'hvbarrier.showLitmus']);
  assert.ok(pkg.activationEvents.includes('onLanguage:diff') && pkg.activationEvents.includes('onLanguage:litmus'));
});
