// Random mutations of every seed fixture (fixed-seed PRNG, so failures reproduce): the reader
// never throws, every problem has a real line:column, and what it reads stays consistent.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyTextEdits, insertAddedLines, parseInput } from '../../engine/patch';
import { splitLines } from '../../engine/patch/quote';
import { readSeed, seedFixtures } from './helpers';
import { prng } from '../support/prng';

const NOISE = ['@@ -1,3 +1,4 @@', '@@ -x', 'diff --git a/q.c b/q.c', '--- a/q.c', '+++ b/q.c', 'GIT binary patch', 'Binary files a and b differ',
  'From 0123 Mon Sep 17 00:00:00 2001', 'Subject: x', '> ', '>', '-- ', '\\ No newline at end of file', '', '\t', '@@@ -1 -1 +1 @@@'];

function mutate(lines: string[], rnd: () => number): string[] {
  const out = [...lines];
  const pick = (): number => Math.floor(rnd() * Math.max(1, out.length));
  const steps = 1 + Math.floor(rnd() * 6);
  for (let s = 0; s < steps; s++) {
    const i = pick();
    switch (Math.floor(rnd() * 9)) {
      case 0: out.splice(i, 1 + Math.floor(rnd() * 5)); break;
      case 1: out.splice(i, 0, ...out.slice(i, i + 1 + Math.floor(rnd() * 4))); break;
      case 2: out[i] = (out[i] ?? '').split('').map((c) => (rnd() < 0.3 ? String.fromCharCode(32 + Math.floor(rnd() * 95)) : c)).join(''); break;
      case 3: out[i] = (out[i] ?? '').replace(/^(?:>[ ]?)+/, ''); break;
      case 4: for (let k = i; k < Math.min(out.length, i + 20); k++) out[k] = (rnd() < 0.5 ? '> ' : '>') + out[k]; break;
      case 5: out.length = Math.min(out.length, i); break;
      case 6: out.splice(i, 0, NOISE[Math.floor(rnd() * NOISE.length)]!); break;
      case 7: out[i] = (out[i] ?? '').slice(0, Math.floor(rnd() * (out[i] ?? '').length)); break;
      default: { const j = pick(); [out[i], out[j]] = [out[j] ?? '', out[i] ?? '']; }
    }
  }
  return out;
}

test('fuzz: mutated fixtures never throw and every problem and position is inside the input', () => {
  const rnd = prng(0x5eed);
  let cases = 0;
  for (const name of seedFixtures()) {
    const lines = splitLines(readSeed(name));
    for (let n = 0; n < 60; n++, cases++) {
      const text = mutate(lines, rnd).join(rnd() < 0.1 ? '\r\n' : '\n');
      const input = splitLines(text);
      const parsed = parseInput(text);
      const where = `${name} case ${n}`;
      assert.ok(!parsed.problems.some((p) => /internal error/.test(p.message)), `${where}: ${JSON.stringify(parsed.problems[0])}`);
      for (const p of parsed.problems) {
        assert.ok(p.line >= 1 && p.col >= 1 && p.line <= Math.max(1, input.length), `${where}: ${p.line}:${p.col}`);
      }
      for (const u of parsed.units) for (const f of u.files) {
        f.hunks.forEach((h, hunkIndex) => {
          assert.equal(h.oldLines, h.lines.filter((l) => l.kind !== 'added').length, where);
          assert.equal(h.newLines, h.lines.filter((l) => l.kind !== 'removed').length, where);
          for (const l of h.lines) for (const s of l.segments) {
            const raw = input[s.input.line - 1];
            assert.ok(raw !== undefined && s.input.col >= 1 && s.input.col <= raw.length + 1, `${where}: segment ${s.input.line}:${s.input.col}`);
          }
          if (rnd() < 0.2) {
            const edited = applyTextEdits(text, insertAddedLines({ text, file: f, hunkIndex, before: Math.floor(rnd() * (h.lines.length + 1)), lines: ['smp_mb();'] }));
            assert.ok(parseInput(edited).units.length >= 1, where);
          }
        });
        for (const g of [...f.pre, ...f.post]) assert.equal(g.text, g.lines.map((l) => l.text).join('\n'), where);
      }
    }
  }
  assert.ok(cases >= 300, `only ${cases} cases`);
});
