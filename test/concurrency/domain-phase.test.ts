// Which branch conditions confine code to a phase of its domain's life in which the domain's
// own vCPUs do not run (kb/lifecycle.ts domainPhase).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { domainPhase } from '../../engine/kb/lifecycle';

test('domain phase: creation not finished is set-up, dying is teardown, whichever way the test is written', () => {
  // `if ( d->creation_finished ) return;` guards what follows with the condition false.
  assert.equal(domainPhase('( d->creation_finished )', false), 'setup');
  assert.equal(domainPhase('!d->creation_finished', true), 'setup');
  assert.equal(domainPhase('(!d->is_dying)', false), 'teardown');
  assert.equal(domainPhase('v->domain->is_dying', true), 'teardown');
});

test('domain phase: the running side of each test, and anything else, confines nothing', () => {
  assert.equal(domainPhase('d->creation_finished', true), undefined);
  assert.equal(domainPhase('d->is_dying', false), undefined);
  // A compound condition says nothing about the phase on its own.
  assert.equal(domainPhase('d->is_dying && v->paused', true), undefined);
  assert.equal(domainPhase('d->is_dying_soon', true), undefined);
  assert.equal(domainPhase('(a) || (d->is_dying)', true), undefined);
});
