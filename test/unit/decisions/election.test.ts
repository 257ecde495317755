/** One example per election rule. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { electBootstrapSource, type Election } from '../../../src/galera/decisions/election.js';
import { ConditionReason } from '../../../src/galera/decisions/reasons.js';
import type { MemberObservation } from '../../../src/galera/decisions/observations.js';
import { UUID_A, UUID_B, ZERO_UUID, emptyMember, missing, reported, running, unreachable } from './fixtures.js';

/** `recordedUuid` null: none recorded. */
function elect(members: MemberObservation[], recordedUuid: string | null = UUID_A, explicitChoice?: string): Election {
  return electBootstrapSource({ members, ...(recordedUuid ? { recordedUuid } : {}), ...(explicitChoice ? { explicitChoice } : {}) });
}

function expectElected(result: Election, source: string): void {
  assert.equal(result.outcome, 'elected', result.message);
  if (result.outcome === 'elected') assert.equal(result.source, source);
}

function expectNot(result: Election, outcome: 'wait' | 'stall', reason: string, members?: string[]): void {
  assert.deepEqual([result.outcome, result.reason], [outcome, reason], result.message);
  if (members) assert.deepEqual(result.members, members);
}

test('the highest seqno on the recorded UUID is the source', () => {
  expectElected(elect([reported(0, { seqno: 5 }), reported(1, { seqno: 9 }), reported(2, { seqno: 7 })]), 'db-1');
});

test('a tie prefers safe_to_bootstrap=1, then the lowest ordinal', () => {
  expectElected(elect([reported(0, { seqno: 9 }), reported(1, { seqno: 9 }), reported(2, { seqno: 9, stb: true })]), 'db-2');
  const tie = elect([reported(0, { seqno: 3 }), reported(1, { seqno: 9 }), reported(2, { seqno: 9 })]);
  expectElected(tie, 'db-1');
  assert.match(tie.message, /lowest ordinal/);
});

test('an empty datadir or an interrupted SST never becomes the source, whatever its seqno', () => {
  const members = [reported(0, { seqno: 99, empty: true, stb: true }), reported(1, { seqno: 99, interrupted: true }), reported(2, { seqno: 4 })];
  expectElected(elect(members), 'db-2');
});

test('no usable member at all stalls: never bootstrap an empty cluster over recorded history', () => {
  expectNot(elect([emptyMember(0), reported(1, { interrupted: true }), missing(2, false)]), 'stall', ConditionReason.NoSafeSource);
});

test('an unreachable member means wait, even for a person (unknown is not absent)', () => {
  const members = [reported(0, { seqno: 9 }), unreachable(1), reported(2, { seqno: 3 })];
  expectNot(elect(members), 'wait', ConditionReason.MembersUnreachable, ['db-1']);
  expectNot(elect(members, UUID_A, 'db-0'), 'wait', ConditionReason.MembersUnreachable);
});

test('a missing pod with its PVC means wait; pod and PVC gone means the member is gone', () => {
  expectNot(elect([reported(0, { seqno: 9 }), missing(1, true), reported(2)]), 'wait', ConditionReason.MembersMissing, ['db-1']);
  expectElected(elect([reported(0, { seqno: 9 }), missing(1, false), reported(2, { seqno: 3 })]), 'db-0');
});

test('members still recovering or running mean wait', () => {
  expectNot(elect([reported(0), reported(1, { phase: 'Recovering', noPosition: true })]), 'wait', ConditionReason.MembersNotReported);
  expectNot(elect([reported(0), running(1, null)]), 'wait', ConditionReason.MembersStillRunning);
});

test('a member with data but an unknown position stalls (it may hold the latest writes)', () => {
  expectNot(elect([reported(0, { seqno: 9 }), reported(1, { seqno: -1 })]), 'stall', ConditionReason.PositionUnknown, ['db-1']);
  expectNot(elect([reported(0, { seqno: 9 }), reported(1, { uuid: ZERO_UUID, seqno: 0 })]), 'stall', ConditionReason.PositionUnknown);
});

test('a member that failed before reporting a position stalls', () => {
  expectNot(elect([reported(0), reported(1, { phase: 'Failed', noPosition: true, message: 'boom' })]), 'stall', ConditionReason.MemberFailed);
});

test('the most advanced member having failed stalls instead of choosing a lesser one', () => {
  expectNot(elect([reported(0, { seqno: 3 }), reported(1, { phase: 'Failed', seqno: 9 })]), 'stall', ConditionReason.MemberFailed, ['db-1']);
});

test('a member on another UUID than the recorded one stalls, naming it', () => {
  expectNot(elect([reported(0, { seqno: 5 }), reported(1, { uuid: UUID_B, seqno: 50 })]), 'stall', ConditionReason.UuidMismatch, ['db-1']);
  expectNot(elect([reported(0, { uuid: UUID_B, seqno: 5 })]), 'stall', ConditionReason.UuidMismatch);
});

test('without a recorded UUID the members must agree on one', () => {
  expectElected(elect([reported(0, { uuid: UUID_B, seqno: 5 }), reported(1, { uuid: UUID_B, seqno: 6 })], null), 'db-1');
  expectNot(elect([reported(0, { seqno: 5 }), reported(1, { uuid: UUID_B, seqno: 6 })], null), 'stall', ConditionReason.UuidDisagreement);
});

test('two safe_to_bootstrap=1 stall', () => {
  expectNot(elect([reported(0, { seqno: 9, stb: true }), reported(1, { seqno: 9, stb: true }), reported(2)]), 'stall', ConditionReason.SafeToBootstrapConflict, ['db-0', 'db-1']);
});

test('safe_to_bootstrap=1 on a member that is not the most advanced stalls (not silently overridden)', () => {
  const result = elect([reported(0, { seqno: 4, stb: true }), reported(1, { seqno: 9 })]);
  expectNot(result, 'stall', ConditionReason.SafeToBootstrapNotMostAdvanced, ['db-0', 'db-1']);
});

test("a person's choice settles ambiguity but not safety", () => {
  const ambiguous = [reported(0, { seqno: 9, stb: true }), reported(1, { seqno: 9, stb: true }), missing(2, true)];
  const chosen = elect(ambiguous, UUID_A, 'db-1');
  expectElected(chosen, 'db-1');
  assert.equal(chosen.outcome === 'elected' && chosen.chosenBy, 'person');
  const rejected = (members: MemberObservation[], choice: string, pattern: RegExp): void => {
    const result = elect(members, UUID_A, choice);
    expectNot(result, 'stall', ConditionReason.ExplicitChoiceRejected);
    assert.match(result.message, pattern);
  };
  rejected([emptyMember(0), reported(1)], 'db-0', /empty/);
  rejected([reported(0, { interrupted: true }), reported(1)], 'db-0', /interrupted/);
  rejected([reported(0, { seqno: -1 }), reported(1)], 'db-0', /unknown/);
  rejected([reported(0, { seqno: 3 }), reported(1, { seqno: 9 })], 'db-0', /higher seqno/);
  rejected([reported(0, { uuid: UUID_B, seqno: 30 }), reported(1)], 'db-0', /recorded UUID/);
  rejected([reported(0), missing(1, true)], 'db-1', /not reported/);
  rejected([reported(0)], 'db-7', /no such member/);
  rejected([reported(0, { phase: 'Failed', seqno: 20 }), reported(1)], 'db-0', /failed/);
});

test('a joiner left without a Primary: its position counts, it is never the source', () => {
  const joiner = (o: number, seqno: number) =>
    ({ ...reported(o, { phase: 'Starting', seqno, lastInstruction: { action: 'join', generation: 3 } }), notListening: true });
  expectElected(elect([reported(0, { seqno: 9 }), joiner(1, 9), reported(2, { seqno: 3 })]), 'db-0');
  expectNot(elect([reported(0, { seqno: 7 }), joiner(1, 9), reported(2, { seqno: 3 })]), 'stall', ConditionReason.JoinerWithoutPrimary, ['db-1']);
  // Still starting with its port open, or without a join order: not settled, wait.
  expectNot(elect([reported(0, { seqno: 9 }), { ...joiner(1, 3), notListening: false }]), 'wait', ConditionReason.MembersStillRunning);
  const choice = electBootstrapSource({ members: [reported(0, { seqno: 3 }), joiner(1, 9)], explicitChoice: 'db-1' });
  assert.deepEqual([choice.outcome, choice.reason], ['stall', ConditionReason.ExplicitChoiceRejected]);
});
