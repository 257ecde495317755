/** Which desynced members get their desync turned back off when a drain ends without a restart. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resyncPlan } from '../../../src/reconcilers/proxy/desync.js';

const remembered = new Map([['db-0', 'uid-a'], ['db-1', 'uid-b'], ['db-2', 'uid-c']]);

test('a released drain on the same pod is turned back off; a drained one is kept', () => {
  const plan = resyncPlan(
    [
      { member: 'db-0', podUid: 'uid-a', drained: false },
      { member: 'db-1', podUid: 'uid-b', drained: true },
      { member: 'db-2', podUid: 'uid-c', drained: true },
    ],
    remembered,
  );
  assert.deepEqual(plan, { resync: ['db-0'], forget: [] });
});

test('a re-created or vanished pod is forgotten: its restart cleared the desync', () => {
  const plan = resyncPlan(
    [
      { member: 'db-0', podUid: 'uid-new', drained: false },
      { member: 'db-1', podUid: undefined, drained: false },
      { member: 'db-2', podUid: 'uid-c', drained: true },
    ],
    remembered,
  );
  assert.deepEqual(plan, { resync: [], forget: ['db-0', 'db-1'] });
});

test('nothing remembered, nothing to do', () => {
  assert.deepEqual(resyncPlan([{ member: 'db-0', podUid: 'uid-a', drained: false }], new Map()), { resync: [], forget: [] });
});
