/** Resuming from status: an operator restarted at any step continues, and never re-elects. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConditionReason } from '../../../src/galera/decisions/reasons.js';
import type { RecoveryStatus } from '../../../src/galera/decisions/progress.js';
import { LATER, NOW, decideWith, doneRecovery, emptyMember, live, missing, reported, running, synced } from './fixtures.js';

const bootstrapOrder = (pod: string, generation: number) =>
  ({ type: 'instruct', pod, instruction: { action: 'bootstrap', generation } });
const joinOrder = (pod: string, generation: number) =>
  ({ type: 'instruct', pod, instruction: { action: 'join', generation } });

/** A full-crash recovery of generation 5 that chose db-1. */
function chosen(phase: RecoveryStatus['phase'] = 'Bootstrapping', extra: Partial<RecoveryStatus> = {}): RecoveryStatus {
  return { generation: 5, kind: 'FullCrash', phase, source: 'db-1', chosenBy: 'operator', reported: {}, since: NOW.toISOString(), ...extra };
}

const crashed = () => [reported(0, { seqno: 7 }), reported(1, { seqno: 9 }), reported(2, { seqno: 8 })];

test('restarted before the order was taken: the same source gets the same order again', () => {
  const first = decideWith(crashed(), { recovery: doneRecovery(4) });
  assert.deepEqual(first.action, bootstrapOrder('db-1', 5));
  const resumed = decideWith(crashed(), { recovery: first.recovery!, now: LATER });
  assert.deepEqual(resumed.action, first.action);
  assert.equal(resumed.recovery?.since, first.recovery?.since, 'same phase: since unchanged');
});

test('a source that took the order and is starting is not told again', () => {
  const members = [reported(0, { seqno: 7 }), reported(1, { phase: 'Starting', seqno: 9, lastInstruction: { action: 'bootstrap', generation: 5 } }), reported(2)];
  const d = decideWith(members, { recovery: chosen() });
  assert.deepEqual([d.outcome, d.action, d.reason], ['wait', null, ConditionReason.BootstrappingSource]);
});

test('a source Waiting again after taking the order is told again', () => {
  const members = [reported(0, { seqno: 7 }), reported(1, { seqno: 9, lastInstruction: { action: 'bootstrap', generation: 5 } }), reported(2, { seqno: 8 })];
  assert.deepEqual(decideWith(members, { recovery: chosen() }).action, bootstrapOrder('db-1', 5));
});

test('a failed source stalls the recovery; another eligible member is not elected', () => {
  const members = [reported(0, { seqno: 9 }), reported(1, { phase: 'Failed', seqno: 9, message: 'mariadbd exited 1' }), reported(2, { seqno: 9 })];
  const d = decideWith(members, { recovery: chosen() });
  assert.deepEqual([d.outcome, d.action, d.recovery?.phase, d.recovery?.source, d.reason], ['stall', null, 'Stalled', 'db-1', ConditionReason.SourceFailed]);
  assert.match(d.message, /mariadbd exited 1/);
  // Still stalled at the next reconcile (level-triggered, no timeout-driven re-election).
  const again = decideWith(members, { recovery: d.recovery!, now: LATER });
  assert.deepEqual([again.action, again.recovery?.source, again.recovery?.generation], [null, 'db-1', 5]);
});

test('a person may choose another source for a stalled recovery: a new generation fences the old order', () => {
  const members = [reported(0, { seqno: 9 }), reported(1, { phase: 'Failed', seqno: 9 }), reported(2, { seqno: 9 })];
  const stalled = chosen('Stalled');
  const d = decideWith(members, { recovery: stalled, policy: { automatic: true, bootstrapFrom: 'db-2' } });
  assert.deepEqual(d.action, bootstrapOrder('db-2', 6));
  assert.deepEqual([d.recovery?.source, d.recovery?.chosenBy, d.clearExplicitChoice], ['db-2', 'person', true]);
  const refused = decideWith([...members.slice(0, 2), emptyMember(2)], { recovery: stalled, policy: { automatic: true, bootstrapFrom: 'db-2' } });
  assert.deepEqual([refused.action, refused.reason, refused.recovery?.source, refused.recovery?.generation], [null, ConditionReason.ExplicitChoiceRejected, 'db-1', 5]);
});

test('a source Waiting again that is no longer the most advanced stalls instead of being re-ordered', () => {
  const members = [reported(0, { seqno: 12 }), reported(1, { seqno: 9, lastInstruction: { action: 'bootstrap', generation: 5 } }), reported(2)];
  const d = decideWith(members, { recovery: chosen() });
  assert.deepEqual([d.outcome, d.action, d.reason], ['stall', null, ConditionReason.SourceNoLongerSafe]);
});

test('a source whose pod is gone but PVC remains is waited for; pod and PVC gone opens a new election', () => {
  const waitFor = decideWith([reported(0, { seqno: 7 }), missing(1, true), reported(2, { seqno: 8 })], { recovery: chosen() });
  assert.deepEqual([waitFor.action, waitFor.reason, waitFor.recovery?.source], [null, ConditionReason.MembersMissing, 'db-1']);
  const gone = decideWith([reported(0, { seqno: 7 }), missing(1, false), reported(2, { seqno: 8 })], { recovery: chosen() });
  assert.deepEqual(gone.action, bootstrapOrder('db-2', 6));
});

test('the source becoming Primary moves to Joining; members join one at a time, lowest ordinal first', () => {
  const primary = synced(1, { clusterSize: 1 });
  const d = decideWith([reported(0, { seqno: 7 }), primary, reported(2, { seqno: 8 })], { recovery: chosen() });
  assert.deepEqual([d.recovery?.phase, d.action], ['Joining', joinOrder('db-0', 5)]);
  const busy = decideWith([reported(0, { phase: 'Starting', lastInstruction: { action: 'join', generation: 5 } }), primary, reported(2)], { recovery: d.recovery! });
  assert.deepEqual([busy.outcome, busy.action], ['wait', null]);
  const next = decideWith([running(0, live({ localState: 4 })), primary, reported(2)], { recovery: d.recovery! });
  assert.deepEqual(next.action, joinOrder('db-2', 5));
  const done = decideWith([synced(0), synced(1), synced(2)], { recovery: d.recovery! });
  assert.deepEqual([done.outcome, done.recovery?.phase, done.reason], ['steady', 'Done', ConditionReason.RecoveryComplete]);
});

test('losing the Primary again after the bootstrap starts a new generation', () => {
  const d = decideWith(crashed(), { recovery: chosen('Joining') });
  assert.deepEqual(d.action, bootstrapOrder('db-1', 6));
});

test('a Primary that returns by itself during Collecting ends the recovery without any bootstrap', () => {
  const collecting: RecoveryStatus = { generation: 5, kind: 'FullCrash', phase: 'Collecting', reported: {}, since: NOW.toISOString() };
  const d = decideWith([synced(0), synced(1), reported(2)], { recovery: collecting });
  assert.equal(d.recovery?.phase, 'Done');
  assert.deepEqual(d.action, joinOrder('db-2', 5));
});

test('another Primary during Bootstrapping: join it if the source never acted, else stall', () => {
  const members = [synced(0), reported(1, { seqno: 9 }), reported(2)];
  const joined = decideWith(members, { recovery: chosen() });
  assert.deepEqual([joined.recovery?.phase, joined.action], ['Joining', joinOrder('db-1', 5)]);
  const acted = [synced(0), reported(1, { phase: 'Starting', lastInstruction: { action: 'bootstrap', generation: 5 } }), reported(2)];
  const stalled = decideWith(acted, { recovery: chosen() });
  assert.deepEqual([stalled.outcome, stalled.action, stalled.reason], ['stall', null, ConditionReason.UnexpectedPrimary]);
});

test('first bootstrap: member 0 crashing before Primary is asked again while the others hold nothing', () => {
  const first: RecoveryStatus = { generation: 1, kind: 'FirstBootstrap', phase: 'Bootstrapping', source: 'db-0', chosenBy: 'operator', reported: {}, since: NOW.toISOString() };
  const crashedFirst = reported(0, { seqno: -1, lastInstruction: { action: 'bootstrap', generation: 1 } });
  assert.deepEqual(decideWith([crashedFirst, emptyMember(1), emptyMember(2)], { recovery: first }).action, bootstrapOrder('db-0', 1));
  const d = decideWith([crashedFirst, reported(1), emptyMember(2)], { recovery: first });
  assert.deepEqual([d.outcome, d.reason], ['stall', ConditionReason.SourceNoLongerSafe]);
});
