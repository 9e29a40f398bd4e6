import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../engine/cli';

test('an unknown command is a usage error (exit 2)', async () => {
  const code = await main(['no-such-command']);
  assert.equal(code, 2);
});
