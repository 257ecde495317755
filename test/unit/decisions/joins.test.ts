/** Member restart: Waiting members join a serving Primary, one at a time. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextJoin } from '../../../src/galera/decisions/joins.js';
import { ConditionReason } from '../../../src/galera/decisions/reasons.js';
import { UUID_A, UUID_B, decideWith, doneRecovery, emptyMember, live, reported, running, synced } from './fixtures.js';

test('a restarted member Waiting with its position is told to join with the current generation', () => {
  const d = decideWith([synced(0), synced(1), reported(2, { seqno: 40 })], { recovery: doneRecovery(3) });
  assert.deepEqual(d.action, { type: 'instruct', pod: 'db-2', instruction: { action: 'join', generation: 3 } });
  assert.equal(d.reason, ConditionReason.JoiningMembers);
});

test('several Waiting: the lowest ordinal first, the next only after it is Synced', () => {
  const first = nextJoin({ members: [synced(0), reported(2), reported(1)], generation: 2 });
  assert.deepEqual([first.outcome, first.outcome === 'join' && first.pod], ['join', 'db-1']);
  for (const joining of [reported(1, { phase: 'Starting' }), running(1, live({ localState: 1 })), running(1, live({ clusterStatus: 'non-Primary', localState: 0 }))]) {
    const next = nextJoin({ members: [synced(0), joining, reported(2)], generation: 2 });
    assert.deepEqual([next.outcome, next.reason], ['wait', ConditionReason.JoiningMembers]);
  }
  const after = nextJoin({ members: [synced(0), synced(1), reported(2)], generation: 2 });
  assert.equal(after.outcome === 'join' && after.pod, 'db-2');
});

test('a donor does not hold back the next join', () => {
  const d = nextJoin({ members: [synced(0, { localState: 2 }), synced(1), reported(2)], generation: 2 });
  assert.equal(d.outcome, 'join');
});

test('a member Waiting again after taking a join is told again; one Starting is not', () => {
  const again = nextJoin({ members: [synced(0), reported(1, { lastInstruction: { action: 'join', generation: 2 } })], generation: 2 });
  assert.equal(again.outcome, 'join');
  const taken = nextJoin({ members: [synced(0), reported(1, { phase: 'Starting', lastInstruction: { action: 'join', generation: 2 } })], generation: 2 });
  assert.equal(taken.outcome, 'none');
});

test('empty and interrupted members join (SST); a member holding another history is held back', () => {
  const members = [synced(0), reported(1, { uuid: UUID_B, seqno: 50 }), emptyMember(2), reported(3, { interrupted: true, uuid: UUID_B })];
  const d = nextJoin({ members, generation: 2, clusterUuid: UUID_A });
  assert.deepEqual([d.outcome, d.outcome === 'join' && d.pod, d.outcome === 'join' && d.held], ['join', 'db-2', ['db-1']]);
  const onlyDiverged = nextJoin({ members: [synced(0), reported(1, { uuid: UUID_B, seqno: 50 })], generation: 2, clusterUuid: UUID_A });
  assert.deepEqual([onlyDiverged.outcome, onlyDiverged.reason], ['stall', ConditionReason.MemberDiverged]);
});

test('without a Primary nobody is told to join', () => {
  assert.equal(nextJoin({ members: [reported(0), reported(1)], generation: 2 }).outcome, 'wait');
});

test('members that catch up by IST join together, staggered; a full SST joins alone', () => {
  const now = '2026-11-27T12:00:10.000Z';
  const startedAt = (iso: string, m: ReturnType<typeof reported>) => ({ ...m, report: { ...m.report, updatedAt: iso } });
  const istJoiner = (iso: string) => startedAt(iso, reported(1, { phase: 'Starting', uuid: UUID_A, seqno: 40 }));
  const input = (joining: ReturnType<typeof reported>, waiting = reported(2, { uuid: UUID_A, seqno: 40 })) =>
    ({ members: [synced(0), joining, waiting], generation: 2, clusterUuid: UUID_A, now });

  const alongside = nextJoin(input(istJoiner('2026-11-27T12:00:08Z')));
  assert.deepEqual([alongside.outcome, alongside.outcome === 'join' && alongside.pod], ['join', 'db-2']);
  // Started within the stagger: wait.
  assert.equal(nextJoin(input(istJoiner('2026-11-27T12:00:09Z'))).outcome, 'wait');
  // A fresh joiner (empty datadir) and an IST joiner do not join side by side.
  const sstJoiner = startedAt('2026-11-27T12:00:00Z', emptyMember(1, { phase: 'Starting' }));
  assert.equal(nextJoin(input(sstJoiner)).outcome, 'wait');
  assert.equal(nextJoin(input(istJoiner('2026-11-27T12:00:00Z'), emptyMember(2))).outcome, 'wait');
  // Fresh members of a new cluster join side by side, staggered.
  const fresh = nextJoin(input(sstJoiner, emptyMember(2)));
  assert.deepEqual([fresh.outcome, fresh.outcome === 'join' && fresh.pod], ['join', 'db-2']);
  assert.equal(nextJoin(input(startedAt('2026-11-27T12:00:09Z', emptyMember(1, { phase: 'Starting' })), emptyMember(2))).outcome, 'wait');
  // A member with an interrupted SST joins alone.
  const interrupted = reported(2, { uuid: UUID_A, seqno: 40 });
  const cut = { ...interrupted, report: { ...interrupted.report, sstInterrupted: true } };
  assert.equal(nextJoin(input(sstJoiner, cut)).outcome, 'wait');
  // A position on another history is not an IST joiner.
  assert.equal(nextJoin(input(startedAt('2026-11-27T12:00:00Z', reported(1, { phase: 'Starting', uuid: UUID_B })))).outcome, 'wait');
  // Without a clock (or a start time) joins stay one at a time.
  assert.equal(nextJoin({ ...input(istJoiner('2026-11-27T12:00:00Z')), now: undefined }).outcome, 'wait');
  assert.equal(nextJoin(input(reported(1, { phase: 'Starting', uuid: UUID_A }))).outcome, 'wait');
});
