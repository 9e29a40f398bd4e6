// How often a function body assigns a name (facts.ts assignments): what decides that a parameter
// stays what the caller passed and that a local set to `current` is the running vCPU. The scan
// must count as the one pattern it replaced did, which is spelled out here as the reference.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assignments } from '../../engine/concurrency/facts';

function byPattern(body: string, name: string): number {
  const set = new RegExp(String.raw`(?<![\w.>]\s*)\b${name}\s*(?:[-+*/%&|^]|<<|>>)?=(?!=)|(?<![\w.>]\s*)\b${name}\s*(?:\+\+|--)|(?:\+\+|--)\s*${name}\b`, 'g');
  return [...body.matchAll(set)].length;
}

const CASES: ReadonlyArray<readonly [string, string, number]> = [
  ['v = current;', 'v', 1],
  ['if ( v == current ) return;', 'v', 0],
  ['d->v = 1; s.v = 2;', 'v', 0],
  ['struct vcpu *v = current;', 'v', 1],
  ['unsigned int v = 0;', 'v', 0],
  ['v <<= 2; v |= 1; v++; --v;', 'v', 4],
  ['x = v; y = v <= 3;', 'v', 0],
  ['for ( i = 0; i < n; i++ ) ++ i;', 'i', 3],
  ['o-- - o;', 'o', 1],
  ['vv = 1; v2 = 1; _v = 1;', 'v', 0],
];

test('assignments: counts plain, compound, prefix and postfix assignments, not members, non-pointer declarations or comparisons', () => {
  for (const [body, name, n] of CASES) {
    assert.equal(assignments(body, name), n, `${name} in ${body}`);
    assert.equal(byPattern(body, name), n, `the reference pattern: ${name} in ${body}`);
  }
});
