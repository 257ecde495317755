/** Which members get their recorded desync turned back off when a drain ends without a restart. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resyncPlan } from '../../../src/reconcilers/proxy/desync.js';

test('a recorded desync whose drain ended is turned back off; a drained one is kept', () => {
  const plan = resyncPlan([
    { member: 'db-0', recorded: true, drained: false },
    { member: 'db-1', recorded: true, drained: true },
    { member: 'db-2', recorded: false, drained: false },
  ]);
  assert.deepEqual(plan, ['db-0']);
});

test('a desync without the record (a person set it, or the pod was re-created) is left alone', () => {
  assert.deepEqual(resyncPlan([{ member: 'db-0', recorded: false, drained: false }]), []);
});
