/** Starting a bootstrap: first bootstrap, full crash, status lost, automatic recovery off. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideLifecycle } from '../../../src/galera/decisions/lifecycle.js';
import { ConditionReason } from '../../../src/galera/decisions/reasons.js';
import { NOW, UUID_A, decideWith, doneRecovery, emptyMember, live, missing, reported, running, synced, unreachable } from './fixtures.js';

test('a brand-new cluster: member 0 bootstraps with generation 1, nobody else is told anything', () => {
  const d = decideLifecycle({ members: [emptyMember(0), emptyMember(1), emptyMember(2)], policy: { automatic: true }, now: NOW });
  assert.equal(d.outcome, 'act');
  assert.deepEqual(d.action, { type: 'instruct', pod: 'db-0', instruction: { action: 'bootstrap', generation: 1 } });
  assert.deepEqual([d.recovery?.kind, d.recovery?.phase, d.recovery?.source, d.reason], ['FirstBootstrap', 'Bootstrapping', 'db-0', ConditionReason.FirstBootstrap]);
});

test('a brand-new cluster waits until every member has reported an empty datadir', () => {
  const d = decideLifecycle({ members: [emptyMember(0), reported(1, { phase: 'Initializing', noPosition: true }), missing(2, false)], policy: { automatic: true }, now: NOW });
  assert.deepEqual([d.outcome, d.action, d.recovery], ['wait', null, undefined]);
  assert.deepEqual(d.members, ['db-1', 'db-2']);
});

test('kept PVCs under a re-created cluster: any data means recovery, not a first bootstrap', () => {
  const d = decideLifecycle({ members: [emptyMember(0), reported(1, { seqno: 40 }), reported(2, { seqno: 42 })], policy: { automatic: true }, now: NOW });
  assert.equal(d.recovery?.kind, 'FullCrash');
  assert.deepEqual(d.action, { type: 'instruct', pod: 'db-2', instruction: { action: 'bootstrap', generation: 1 } });
});

test('a full crash opens generation+1, records every position and orders the most advanced member', () => {
  const d = decideWith([reported(0, { seqno: 7 }), reported(1, { seqno: 8 }), reported(2, { seqno: 6 })], { recovery: doneRecovery(4) });
  assert.deepEqual(d.action, { type: 'instruct', pod: 'db-1', instruction: { action: 'bootstrap', generation: 5 } });
  assert.deepEqual(Object.keys(d.recovery?.reported ?? {}), ['db-0', 'db-1', 'db-2']);
  assert.equal(d.recovery?.reported['db-1']?.seqno, 8);
  assert.equal(d.recovery?.since, NOW.toISOString());
});

test('a full crash with an unheard member records Collecting and orders nothing', () => {
  const d = decideWith([reported(0, { seqno: 7 }), unreachable(1), reported(2)], { recovery: doneRecovery(4) });
  assert.deepEqual([d.outcome, d.action, d.recovery?.phase, d.recovery?.generation, d.reason], ['wait', null, 'Collecting', 5, ConditionReason.MembersUnreachable]);
});

test('an ambiguous crash is recorded as Stalled with the reason and the members concerned', () => {
  const d = decideWith([reported(0, { seqno: 9, stb: true }), reported(1, { seqno: 9, stb: true }), reported(2)], { recovery: doneRecovery(1) });
  assert.deepEqual([d.outcome, d.recovery?.phase, d.recovery?.reason, d.members], ['stall', 'Stalled', ConditionReason.SafeToBootstrapConflict, ['db-0', 'db-1']]);
});

test('automatic=false names the would-be source and waits for a person', () => {
  const members = [reported(0, { seqno: 7 }), reported(1, { seqno: 9 })];
  const d = decideWith(members, { recovery: doneRecovery(2), policy: { automatic: false } });
  assert.deepEqual([d.outcome, d.action, d.members, d.reason], ['awaitPerson', null, ['db-1'], ConditionReason.AwaitingManualRecovery]);
  const approved = decideWith(members, { recovery: d.recovery!, policy: { automatic: false, bootstrapFrom: 'db-1' } });
  assert.deepEqual(approved.action, { type: 'instruct', pod: 'db-1', instruction: { action: 'bootstrap', generation: 3 } });
  assert.deepEqual([approved.recovery?.chosenBy, approved.clearExplicitChoice], ['person', true]);
});

test('a new generation is above any a member has seen, even when status was lost', () => {
  const d = decideWith([reported(0, { seqno: 9, lastInstruction: { action: 'join', generation: 6 } }), reported(1)], { recordedClusterUuid: undefined });
  assert.equal(d.action?.type === 'instruct' && d.action.instruction.generation, 7);
});

test('a running cluster with no record is adopted, and its UUID learnt', () => {
  const d = decideLifecycle({ members: [synced(0), synced(1), synced(2)], policy: { automatic: true }, now: NOW });
  assert.deepEqual([d.outcome, d.recovery?.kind, d.recovery?.phase, d.clusterUuid, d.reason], ['steady', 'Adopted', 'Done', UUID_A, ConditionReason.AllMembersSynced]);
});

test('members running but answering nothing (e.g. SIGSTOPped) are never treated as crashed', () => {
  const d = decideWith([running(0, null), running(1, null), reported(2)], { recovery: doneRecovery(1) });
  assert.deepEqual([d.outcome, d.action, d.reason], ['wait', null, ConditionReason.MembersUncertain]);
  assert.equal(d.recovery?.phase, 'Done');
});

test('two Primary components stall with SplitBrain and order nothing', () => {
  const d = decideWith([synced(0, { stateUuid: UUID_A }), synced(1, { stateUuid: 'cccccccc-0000-4000-8000-00000000000c' })], { recovery: doneRecovery(1) });
  assert.deepEqual([d.outcome, d.action, d.reason], ['stall', null, ConditionReason.SplitBrain]);
});

test('the decision does not depend on member order', () => {
  const members = [reported(0, { seqno: 9 }), reported(1, { seqno: 9 }), running(2, live({ clusterStatus: 'non-Primary', lastCommitted: 9 }))];
  assert.deepEqual(decideWith([...members].reverse()), decideWith(members));
});
