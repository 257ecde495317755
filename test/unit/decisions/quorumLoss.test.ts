/** Quorum loss: pc.bootstrap on the most advanced survivor, only when the others are proven down. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideQuorumRecovery } from '../../../src/galera/decisions/quorumLoss.js';
import { ConditionReason } from '../../../src/galera/decisions/reasons.js';
import type { MemberObservation } from '../../../src/galera/decisions/observations.js';
import type { RecoveryStatus } from '../../../src/galera/decisions/progress.js';
import {
  NOW, UUID_B, decideWith, doneRecovery, emptyMember, live, missing, reported, running, synced, tuples, unreachable,
} from './fixtures.js';

const nonPrimary = (ordinal: number, lastCommitted: number) =>
  running(ordinal, live({ clusterStatus: 'non-Primary', lastCommitted, clusterSize: 1 }));

test('a lone non-Primary survivor with the others down and behind gets pc.bootstrap, under a new generation', () => {
  const members = [nonPrimary(0, 20), reported(1, { seqno: 18 }), missing(2, false)];
  const d = decideWith(members, { recovery: doneRecovery(3) });
  assert.deepEqual(d.action, { type: 'pcBootstrap', pod: 'db-0', generation: 4 });
  assert.deepEqual([d.recovery?.kind, d.recovery?.phase, d.recovery?.source, d.reason], ['QuorumLoss', 'Bootstrapping', 'db-0', ConditionReason.QuorumRestoring]);
});

test('a member that cannot be heard from (SIGSTOPped, unreachable) means wait', () => {
  for (const other of [running(1, null), unreachable(1)]) {
    const q = decideQuorumRecovery({ members: [nonPrimary(0, 20), other, reported(2, { seqno: 3 })] });
    assert.deepEqual([q.outcome, q.reason, q.members], ['wait', ConditionReason.MembersUncertain, ['db-1']]);
  }
});

test('the most advanced survivor wins; a tie goes to the lowest ordinal', () => {
  const down = [reported(2, { seqno: 3 }), reported(3, { seqno: 3 }), reported(4, { seqno: 3 })];
  const q = decideQuorumRecovery({ members: [nonPrimary(0, 20), nonPrimary(1, 25), ...down] });
  assert.deepEqual([q.outcome, q.outcome === 'pcBootstrap' && q.pod], ['pcBootstrap', 'db-1']);
  const tie = decideQuorumRecovery({ members: [...down.slice(1), nonPrimary(2, 25), nonPrimary(1, 25), reported(0, { seqno: 3 })] });
  assert.equal(tie.outcome === 'pcBootstrap' && tie.pod, 'db-1');
});

test('a majority running non-Primary (e.g. members SIGCONTed after a stop) re-forms by itself: wait', () => {
  for (const members of [
    [nonPrimary(0, 20), nonPrimary(1, 25), reported(2, { seqno: 3 })],
    [nonPrimary(0, 20), nonPrimary(1, 20), nonPrimary(2, 20)],
  ]) {
    const q = decideQuorumRecovery({ members });
    assert.deepEqual([q.outcome, q.reason], ['wait', ConditionReason.QuorumLost]);
    const d = decideWith(members, { recovery: doneRecovery(3) });
    assert.deepEqual([d.outcome, d.action, d.recovery?.generation, d.recovery?.phase], ['wait', null, 3, 'Done'], 'no generation is opened');
  }
  // A person may still name one of them.
  const chosen = decideQuorumRecovery({ members: [nonPrimary(0, 20), nonPrimary(1, 25), reported(2, { seqno: 3 })], explicitChoice: 'db-1' });
  assert.deepEqual([chosen.outcome, chosen.outcome === 'pcBootstrap' && chosen.chosenBy], ['pcBootstrap', 'person']);
});

test('a stopped member holding later transactions forbids pc.bootstrap on a survivor behind it', () => {
  const q = decideQuorumRecovery({ members: [nonPrimary(0, 20), reported(1, { seqno: 31 }), reported(2, { seqno: 3 })] });
  assert.deepEqual([q.outcome, q.reason, q.members], ['stall', ConditionReason.SurvivorBehind, ['db-0', 'db-1']]);
});

test('stopped members still recovering, or without a pod but with a PVC, are waited for', () => {
  const recovering = decideQuorumRecovery({ members: [nonPrimary(0, 20), reported(1, { phase: 'Recovering', noPosition: true })] });
  assert.deepEqual([recovering.outcome, recovering.reason], ['wait', ConditionReason.MembersNotReported]);
  const missingPod = decideQuorumRecovery({ members: [nonPrimary(0, 20), missing(1, true)] });
  assert.deepEqual([missingPod.outcome, missingPod.reason], ['wait', ConditionReason.MembersMissing]);
  const choice = decideQuorumRecovery({ members: [nonPrimary(0, 20), missing(1, true)], explicitChoice: 'db-0' });
  assert.deepEqual([choice.outcome, choice.outcome === 'pcBootstrap' && choice.chosenBy], ['pcBootstrap', 'person']);
});

/** Told to join while the survivor still looked Primary: Starting, its SQL port closed. */
const joinerWithoutPrimary = (ordinal: number, seqno: number, notListening = true) =>
  ({ ...reported(ordinal, { phase: 'Starting', seqno, lastInstruction: { action: 'join', generation: 1 } }), notListening });

test('a joiner left without a Primary (told to join just before the quorum loss) does not block pc.bootstrap', () => {
  const d = decideWith([nonPrimary(0, 20), joinerWithoutPrimary(1, 18), reported(2, { seqno: 18 })], { recovery: doneRecovery(1) });
  assert.deepEqual(d.action, { type: 'pcBootstrap', pod: 'db-0', generation: 2 });
  // Its reported position still counts: a joiner ahead of the survivor forbids it.
  const ahead = decideQuorumRecovery({ members: [nonPrimary(0, 20), joinerWithoutPrimary(1, 25), reported(2, { seqno: 18 })] });
  assert.deepEqual([ahead.outcome, ahead.reason], ['stall', ConditionReason.SurvivorBehind]);
});

test('a started member that accepts connections but does not answer (SIGSTOPped) is never taken for a stuck joiner', () => {
  for (const other of [joinerWithoutPrimary(1, 18, false), reported(1, { phase: 'Starting', seqno: 18 }), { ...reported(1, { phase: 'Starting', seqno: 18, lastInstruction: { action: 'bootstrap', generation: 1 } }), notListening: true }]) {
    const q = decideQuorumRecovery({ members: [nonPrimary(0, 20), other, reported(2, { seqno: 18 })] });
    assert.equal(q.outcome, 'wait', JSON.stringify(other));
  }
});

test('empty or interrupted stopped members do not hold anything back', () => {
  const q = decideQuorumRecovery({ members: [nonPrimary(0, 20), emptyMember(1), reported(2, { interrupted: true, seqno: 99 })] });
  assert.equal(q.outcome, 'pcBootstrap');
});

test('survivors on different state UUIDs stall', () => {
  const q = decideQuorumRecovery({ members: [nonPrimary(0, 20), running(1, live({ clusterStatus: 'non-Primary', stateUuid: UUID_B }))] });
  assert.deepEqual([q.outcome, q.reason], ['stall', ConditionReason.UuidDisagreement]);
});

test('automatic=false reports the would-be pc.bootstrap and waits', () => {
  const d = decideWith([nonPrimary(0, 20), reported(1, { seqno: 2 })], { recovery: doneRecovery(3), policy: { automatic: false } });
  assert.deepEqual([d.outcome, d.action, d.members], ['awaitPerson', null, ['db-0']]);
});

test('resuming: pc.bootstrap is repeated on the same member only, never on a second one', () => {
  const rec: RecoveryStatus = { generation: 4, kind: 'QuorumLoss', phase: 'Bootstrapping', source: 'db-0', chosenBy: 'operator', reported: {}, since: NOW.toISOString() };
  const d = decideWith([nonPrimary(0, 20), nonPrimary(1, 20), reported(2, { seqno: 1 })], { recovery: rec });
  assert.deepEqual(d.action, { type: 'pcBootstrap', pod: 'db-0', generation: 4 });
  // db-1 came back running with more commits: db-0 is not told again, and db-1 is never told.
  const ahead = decideWith([nonPrimary(0, 20), nonPrimary(1, 30), reported(2, { seqno: 1 })], { recovery: rec });
  assert.deepEqual([ahead.outcome, ahead.action, ahead.reason], ['stall', null, ConditionReason.SourceNoLongerSafe]);
  // Someone became unheard since: wait.
  const unheard = decideWith([nonPrimary(0, 20), running(1, null), reported(2, { seqno: 1 })], { recovery: rec });
  assert.deepEqual([unheard.outcome, unheard.action], ['wait', null]);
  const healed = decideWith([synced(0), nonPrimary(1, 20), reported(2, { seqno: 1 })], { recovery: rec });
  assert.deepEqual([healed.recovery?.phase, healed.action], ['Joining', { type: 'instruct', pod: 'db-2', instruction: { action: 'join', generation: 4 } }]);
});

test('every combination of 3 members: at most one pc.bootstrap, on the most advanced survivor, with everyone else proven down', () => {
  const states = [
    (o: number) => nonPrimary(o, 10), (o: number) => nonPrimary(o, 15), (o: number) => running(o, null),
    (o: number) => reported(o, { seqno: 12 }), (o: number) => reported(o, { seqno: 20 }), (o: number) => reported(o, { phase: 'Starting' }),
    (o: number) => reported(o, { phase: 'Recovering', noPosition: true }), (o: number) => emptyMember(o),
    (o: number) => unreachable(o), (o: number) => missing(o, true), (o: number) => missing(o, false),
    (o: number) => joinerWithoutPrimary(o, 12), (o: number) => joinerWithoutPrimary(o, 12, false),
  ];
  let ordered = 0;
  for (const picks of tuples(states, 3)) {
    const members: MemberObservation[] = picks.map((make, ordinal) => make(ordinal));
    const d = decideWith(members, { recovery: doneRecovery(1) });
    assert.deepEqual(decideWith([...members].reverse(), { recovery: doneRecovery(1) }), d);
    if (d.action?.type !== 'pcBootstrap') continue;
    ordered++;
    const target = members.find((m) => m.pod === d.action!.pod)!;
    assert.ok(target.kind === 'reported' && target.live?.clusterStatus === 'non-Primary');
    const best = Math.max(...members.map((m) => (m.kind === 'reported' && m.live ? m.live.lastCommitted : -1)));
    assert.equal(target.live?.lastCommitted, best);
    for (const m of members) {
      if (m === target || (m.kind === 'reported' && m.live !== null)) continue;
      const waitingJoiner = m.kind === 'reported' && m.report.phase === 'Starting' && m.report.lastInstruction?.action === 'join' && m.notListening === true;
      assert.ok(m.kind === 'podMissing' || (m.kind === 'reported' && m.report.phase === 'Waiting') || waitingJoiner, `${m.pod} not proven down`);
      if (m.kind === 'reported' && !m.report.datadirEmpty) assert.ok((m.report.position?.seqno ?? 99) <= best, `${m.pod} is ahead`);
      assert.ok(!(m.kind === 'podMissing' && m.pvcExists), `${m.pod} has data nobody has seen`);
    }
  }
  assert.ok(ordered > 20, `expected many pc.bootstrap cases, got ${ordered}`);
});
