/** Recovery evidence, phase bounds and the Galera conditions a decision implies. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { galeraConditions } from '../../../src/galera/decisions/conditions.js';
import { summarizeCluster } from '../../../src/galera/decisions/clusterState.js';
import { phaseBoundMs, recoveryOverdue } from '../../../src/galera/decisions/overdue.js';
import { snapshotPositions, type RecoveryStatus } from '../../../src/galera/decisions/progress.js';
import { ConditionReason } from '../../../src/galera/decisions/reasons.js';
import { NOW, ZERO_UUID, decideWith, doneRecovery, emptyMember, reported, synced, unreachable } from './fixtures.js';

const GIB = 1024 ** 3;
const at = (ms: number) => new Date(NOW.getTime() + ms);
const open = (phase: RecoveryStatus['phase']): RecoveryStatus =>
  ({ generation: 7, kind: 'FullCrash', phase, source: 'db-2', chosenBy: 'operator', reported: {}, since: NOW.toISOString() });

test('status keeps an empty or interrupted member as evidence, and an unheard one as last seen', () => {
  const previous = { 'db-1': { uuid: 'x', seqno: 5, safeToBootstrap: false, datadirEmpty: false, sstInterrupted: false } };
  const snapshot = snapshotPositions([reported(0, { seqno: 9 }), unreachable(1), emptyMember(2), reported(3, { phase: 'Recovering', noPosition: true })], previous);
  assert.deepEqual(Object.keys(snapshot), ['db-0', 'db-1', 'db-2']);
  assert.deepEqual(snapshot['db-2'], { uuid: ZERO_UUID, seqno: -1, safeToBootstrap: false, datadirEmpty: true, sstInterrupted: false });
  assert.equal(snapshot['db-1'], previous['db-1']);
});

test('a full crash with an emptied member records why it was passed over', () => {
  const d = decideWith([reported(0, { seqno: 7 }), emptyMember(1), reported(2, { seqno: 9 })], { recovery: doneRecovery(4) });
  assert.equal(d.recovery?.source, 'db-2');
  assert.equal(d.recovery?.reported['db-1']?.datadirEmpty, true);
});

test('phase bounds grow with the data and only bound phases that wait on members', () => {
  assert.equal(phaseBoundMs('Joining', 0), 10 * 60_000);
  assert.equal(phaseBoundMs('Joining', 10 * GIB), 20 * 60_000);
  assert.ok(phaseBoundMs('Bootstrapping', 100 * GIB)! > phaseBoundMs('Bootstrapping', GIB)!);
  assert.equal(phaseBoundMs('Done', GIB), undefined);
  assert.equal(phaseBoundMs('Stalled', GIB), undefined);
});

test('a phase is overdue only past its bound, measured from when the phase began', () => {
  const bound = phaseBoundMs('Bootstrapping', GIB)!;
  assert.equal(recoveryOverdue(open('Bootstrapping'), at(bound), GIB), null);
  const overdue = recoveryOverdue(open('Bootstrapping'), at(bound + 60_000), GIB);
  assert.equal(overdue?.phase, 'Bootstrapping');
  assert.match(overdue!.message, /generation 7 has been Bootstrapping .*nothing is retried/);
  assert.equal(recoveryOverdue(open('Done'), at(10 * bound), GIB), null);
  assert.equal(recoveryOverdue(undefined, at(10 * bound), GIB), null);
});

test('conditions: a waiting recovery is Recovering with its step and members, not stalled', () => {
  const members = [reported(0, { seqno: 7 }), unreachable(1), reported(2)];
  const d = decideWith(members, { recovery: doneRecovery(4) });
  const [galera, recovering, stalled] = galeraConditions(d, summarizeCluster(members), d.recovery, null);
  assert.deepEqual([galera!.status, recovering!.status, recovering!.reason, stalled!.status], ['False', 'True', ConditionReason.MembersUnreachable, 'False']);
  assert.match(recovering!.message, /generation 5 Collecting: .*\(db-1\)$/);
});

test('conditions: a stall names the reason and the members; an overdue phase is raised as stalled too', () => {
  const members = [reported(0, { seqno: 9, stb: true }), reported(1, { seqno: 9, stb: true }), reported(2)];
  const d = decideWith(members, { recovery: doneRecovery(4) });
  const stalled = galeraConditions(d, summarizeCluster(members), d.recovery, null)[2]!;
  assert.deepEqual([stalled.status, stalled.reason], ['True', ConditionReason.SafeToBootstrapConflict]);
  assert.match(stalled.message, /\(db-0, db-1\)$/);

  const waiting = decideWith([reported(0, { phase: 'Starting' }), reported(1), reported(2)], { recovery: open('Bootstrapping') });
  const overdue = recoveryOverdue(waiting.recovery, at(phaseBoundMs('Bootstrapping', 0)! + 1), 0);
  const raised = galeraConditions(waiting, summarizeCluster([]), waiting.recovery, overdue)[2]!;
  assert.deepEqual([raised.status, raised.reason], ['True', 'RecoveryPhaseOverdue']);
  assert.equal(waiting.action, null, 'an overdue phase changes nothing in what is done');
});

test('conditions: a healthy cluster with a finished recovery is GaleraReady and not Recovering', () => {
  const members = [synced(0), synced(1), synced(2)];
  const d = decideWith(members, { recovery: doneRecovery(4) });
  const [galera, recovering, stalled] = galeraConditions(d, summarizeCluster(members), d.recovery, null);
  assert.deepEqual([galera!.status, recovering!.status, stalled!.status], ['True', 'False', 'False']);
});
