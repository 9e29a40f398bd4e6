// `check --graph DIR`: the SVG of the witness execution, read back through its data-* attributes:
// one column per CPU, events in program order, and exactly the po/rf/co/fr edges of the
// execution the simulator found, labelled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventLabel, executionSvg } from '../../engine/picture/execution-svg';
import { parseLitmus } from '../../engine/litmus/parser';
import { simulate } from '../../engine/sim/simulate';
import { runCli } from '../support/cli';
import { repoRoot } from '../support/paths';
import { readGraph } from '../support/svg-graph';
import { READER, V1, tempTree } from './helpers';

test('executionSvg: MP under ARMv8 — one column per CPU, program order downwards, every edge of the witness labelled', () => {
  const mp = parseLitmus(readFileSync(join(repoRoot, 'fixtures/litmus/MP.litmus'), 'utf8')).value!;
  const r = simulate(mp, { models: ['armv8'], witness: true }).results[0]!;
  assert.ok(r.witness);
  const svg = executionSvg({ witness: r.witness, title: 'MP: exists', subtitle: 'ARMv8 allows it' });
  const g = readGraph(svg);
  assert.equal(g.nodes.length, r.witness.events.length);
  assert.deepEqual(g.headers, ['init', 'P0', 'P1']);
  // The edges are exactly the witness's, by kind.
  const expected = (['po', 'rf', 'co', 'fr'] as const).flatMap((k) => r.witness![k].map(([a, b]) => `${eventLabel(r.witness!.events[a]!)} -${k}-> ${eventLabel(r.witness!.events[b]!)}`));
  assert.deepEqual(g.edges.sort(), expected.sort());
  // The message-passing cycle that makes the outcome: flag read from P0's store, data read stale.
  for (const e of ['W data=1 -po-> W flag=1', 'R flag=1 -po-> R data=0', 'W flag=1 -rf-> R flag=1', 'R data=0 -fr-> W data=1', 'W data=0 -rf-> R data=0']) {
    assert.ok(g.edges.includes(e), `${e} in ${g.edges.join('; ')}`);
  }
  const at = (label: string) => g.nodes.find((n) => n.label === label)!;
  assert.equal(at('W data=1').x, at('W flag=1').x, 'one column per CPU');
  assert.ok(at('W data=1').y < at('W flag=1').y, 'program order goes down');
  assert.ok(at('W data=0').x < at('W data=1').x && at('W data=1').x < at('R flag=1').x, 'init, then P0, then P1');
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.equal((svg.match(/<g\b/g) ?? []).length, (svg.match(/<\/g>/g) ?? []).length);
});

test('check --graph DIR: one SVG per finding with an execution, the bad outcome on top, the CPUs named by function', () => {
  const dir = tempTree({});
  const r = runCli(['check', '-q', '--graph', dir, 'fixtures/seeds/002-kvm-request-no-entry-mb.c']);
  assert.equal(r.code, 1, r.stderr);
  // The missing smp_mb() and the lost wake-up it allows are one finding, drawn as the lost wake-up.
  const file = join(dir, '002-kvm-request-no-entry-mb.c-17-5-lost-wakeup.svg');
  assert.ok(existsSync(file), `${readdirSync(dir).join(', ')}; ${r.stderr}`);
  assert.match(r.stderr, new RegExp(`wrote ${file.replace(/[.]/g, '\\.')}`));
  const g = readGraph(readFileSync(file, 'utf8'));
  assert.match(g.title, /^vcpu_enter_guest\+request_vcpu_exit: exists /);
  assert.deepEqual(g.headers, ['init', 'P0 vcpu_enter_guest', 'P1 request_vcpu_exit']);
  // Store buffering: each CPU's read misses the other's store (two fr edges across the CPUs),
  // although the requester's smp_mb() sits between its store and its read.
  assert.ok(g.edges.includes('R vcpu_requests=0 -fr-> W vcpu_requests=1'), g.edges.join('; '));
  assert.ok(g.edges.includes('R vcpu_mode=0 -fr-> W vcpu_mode=1'), g.edges.join('; '));
  const fence = g.nodes.find((n) => n.kind === 'F' && n.label === 'F smp_mb');
  assert.equal(fence?.thread, 1);
});

test('--graph on a .litmus file draws its verdict; a finding no model allows gets no picture and says why', () => {
  const dir = tempTree({});
  const r = runCli(['check', '-q', '--graph', dir, '--tree', READER, V1, 'fixtures/litmus/MP.litmus']);
  assert.equal(r.code, 1, r.stderr);
  const written = readdirSync(dir);
  for (const f of ['000-v1-smp_mb.patch-32-6-missing-barrier.svg', 'MP.litmus-25-1-litmus-verdict.svg']) assert.ok(written.includes(f), written.join(', '));
  assert.ok(!written.some((f) => f.includes('overstrong-barrier')));
  assert.match(r.stderr, /no picture for fixtures\/seeds\/000-v1-smp_mb\.patch:40:10 \[overstrong-barrier\]: no model allows the bad outcome/);
  const mp = readGraph(readFileSync(join(dir, 'MP.litmus-25-1-litmus-verdict.svg'), 'utf8'));
  assert.ok(mp.edges.includes('W flag=1 -rf-> R flag=1'));
});
