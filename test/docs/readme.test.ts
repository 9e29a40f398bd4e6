// The README is the maintainer's entry point: it keeps the quick start that CI runs, and every
// page it (or a page under docs/) links to exists, so moving a section cannot leave a dead link.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { repoRoot } from '../support/paths';

const readme = (): string => readFileSync(join(repoRoot, 'README.md'), 'utf8');

test('README quick start has the build-and-run and the test commands, and CI runs the latter exactly', () => {
  const text = readme();
  const quickStart = /## Quick start\n([\s\S]*?)\n## /.exec(text);
  assert.ok(quickStart, 'README has a Quick start section');
  assert.match(quickStart[1], /^npm ci && npm start\b/m);
  const testLine = /^(npm ci && npm test)\b/m.exec(quickStart[1]);
  assert.ok(testLine, 'the quick start has `npm ci && npm test`');
  const ci = readFileSync(join(repoRoot, '.ci', 'run'), 'utf8');
  assert.ok(ci.split('\n').includes(testLine[1]), '.ci/run runs the README test command on a line of its own');
});

test('README starts with the maintainer workflow before the documentation map', () => {
  const headings = readme().replace(/```[\s\S]*?```/g, '').split('\n').filter((l) => /^#{1,3} /.test(l));
  const at = (h: string): number => headings.findIndex((x) => x.startsWith(h));
  for (const h of ['### Install', '### Check a patch', '### Check a series', '### In CI', '### Silence a finding', '### Teach it a macro']) {
    assert.ok(at(h) > at('## What a maintainer does') && at(h) < at('## Documentation'), `${h} is in the workflow part`);
  }
});

/** Relative markdown links of a file (not URLs, not pure anchors), resolved from its folder. */
function relativeLinks(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  const out: string[] = [];
  for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = m[1].split('#')[0];
    if (!target || /^[a-z]+:/.test(target)) continue;
    out.push(resolve(dirname(file), target));
  }
  return out;
}

test('every relative link of README.md and docs/*.md points at a file that exists', () => {
  const files = [join(repoRoot, 'README.md'),
    ...readdirSync(join(repoRoot, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join(repoRoot, 'docs', f))];
  const dead = files.flatMap((f) => relativeLinks(f).filter((t) => !existsSync(t)).map((t) => `${f} -> ${t}`));
  assert.deepEqual(dead, []);
  assert.ok(relativeLinks(join(repoRoot, 'README.md')).length >= 10, 'the README links its docs pages');
});
