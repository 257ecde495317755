/** The recovery record in MySQLCluster status: what an operator restarted mid-recovery resumes from. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recoveryFromStatus, recoveryToStatus } from '../../../src/reconcilers/phases/recovery-record.js';
import { mysqlClusterStatusSchema } from '../../../src/crd/mysqlcluster-status.js';
import { decideLifecycle } from '../../../src/galera/decisions/lifecycle.js';
import type { RecoveryStatus } from '../../../src/galera/decisions/progress.js';
import { NOW, emptyMember, reported } from '../decisions/fixtures.js';

const recovery: RecoveryStatus = {
  generation: 4, kind: 'FullCrash', phase: 'Bootstrapping', source: 'db-2', chosenBy: 'operator',
  reason: 'BootstrappingSource', message: 'db-2 holds the highest seqno',
  reported: {
    'db-2': { uuid: 'aaaaaaaa-0000-4000-8000-00000000000a', seqno: 9, safeToBootstrap: false, datadirEmpty: false, sstInterrupted: false },
    'db-0': { uuid: '00000000-0000-0000-0000-000000000000', seqno: -1, safeToBootstrap: false, datadirEmpty: true, sstInterrupted: false },
  },
  since: '2026-11-27T12:00:00Z',
};

test('a recovery survives the trip through status unchanged, members listed in order', () => {
  const recorded = recoveryToStatus(recovery);
  assert.deepEqual(recorded.reported?.map((r) => r.member), ['db-0', 'db-2']);
  assert.equal(mysqlClusterStatusSchema.safeParse({ recovery: recorded }).success, true, 'the record fits the CRD schema');
  assert.deepEqual(recoveryFromStatus(JSON.parse(JSON.stringify(recorded))), recovery);
});

test('since is stored to the second (the API server drops fractions) and read back as such', () => {
  const recorded = recoveryToStatus({ ...recovery, since: NOW.toISOString() });
  assert.equal(recorded.startTime, '2026-11-27T12:00:00Z');
  assert.equal(recoveryFromStatus(recorded)?.since, '2026-11-27T12:00:00Z');
});

test('resuming from the record gives the same order as before the restart', () => {
  const members = [reported(0, { seqno: 7 }), emptyMember(1), reported(2, { seqno: 9 })];
  const first = decideLifecycle({ members, policy: { automatic: true }, now: NOW, recovery: { ...recovery, phase: 'Done', source: 'db-0' } });
  assert.deepEqual(first.action, { type: 'instruct', pod: 'db-2', instruction: { action: 'bootstrap', generation: 5 } });
  const resumed = decideLifecycle({ members, policy: { automatic: true }, now: NOW, recovery: recoveryFromStatus(recoveryToStatus(first.recovery!)) });
  assert.deepEqual(resumed.action, first.action, 'the same source and generation: no second election');
  assert.equal(resumed.recovery?.generation, 5);
});
