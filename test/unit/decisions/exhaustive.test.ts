/**
 * Every combination of synthetic member states for 3 members (all of them), 1 member (all) and
 * 5 members (a reproducible sample): the election and the lifecycle never choose an unsafe
 * source, never bootstrap while a member is unreachable, choose at most one, give the clear
 * answer when there is one, and answer the same whatever the order of the members.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { electBootstrapSource } from '../../../src/galera/decisions/election.js';
import { decideLifecycle } from '../../../src/galera/decisions/lifecycle.js';
import type { MemberObservation } from '../../../src/galera/decisions/observations.js';
import type { RecoveryStatus } from '../../../src/galera/decisions/progress.js';
import {
  NOW, UUID_A, UUID_B, ZERO_UUID, emptyMember, missing, podOf, prng, reported, shuffled, tuples, unreachable,
} from './fixtures.js';
import { clearAutomaticAnswer, unsafeAutomaticReason, unsafeSourceReason } from './safety.js';

type Variant = (ordinal: number) => MemberObservation;

/** Every state one member can be in while nothing runs. Traps carry seqno 99 and safe_to_bootstrap. */
const variants: Variant[] = [
  ...[UUID_A, UUID_B].flatMap((uuid) => [0, 4, 9].flatMap((seqno) => [false, true].map(
    (stb): Variant => (o) => reported(o, { uuid, seqno, stb })))),
  (o) => reported(o, { seqno: -1 }),
  (o) => reported(o, { uuid: ZERO_UUID, seqno: -1 }),
  (o) => reported(o, { uuid: ZERO_UUID, seqno: 0, stb: true }),
  (o) => reported(o, { noPosition: true }),
  (o) => reported(o, { empty: true, seqno: 99, stb: true }),
  (o) => emptyMember(o),
  (o) => reported(o, { interrupted: true, seqno: 99, stb: true }),
  (o) => reported(o, { phase: 'Failed', seqno: 99, message: 'mariadbd exited' }),
  (o) => reported(o, { phase: 'Failed', noPosition: true, message: 'wsrep-recover failed' }),
  (o) => reported(o, { phase: 'Recovering', noPosition: true }),
  // Told to join just before the Primary vanished: a position that counts, but never a source.
  (o) => ({ ...reported(o, { phase: 'Starting', seqno: 9, lastInstruction: { action: 'join', generation: 3 } }), notListening: true }),
  (o) => unreachable(o),
  (o) => missing(o, true),
  (o) => missing(o, false),
];

const DONE: RecoveryStatus = { generation: 3, kind: 'FullCrash', phase: 'Done', source: 'db-1', chosenBy: 'operator', reported: {}, since: NOW.toISOString() };

function membersOf(picks: readonly Variant[]): MemberObservation[] {
  return picks.map((v, ordinal) => v(ordinal));
}

function checkElection(members: MemberObservation[], recordedUuid: string | undefined, choice: string | undefined): void {
  const input = { members, ...(recordedUuid ? { recordedUuid } : {}), ...(choice ? { explicitChoice: choice } : {}) };
  const result = electBootstrapSource(input);
  assert.deepEqual(electBootstrapSource({ ...input, members: shuffled(members) }), result, 'order matters');
  if (result.outcome === 'elected') {
    const unsafe = unsafeSourceReason(members, result.source, recordedUuid);
    assert.equal(unsafe, null, `unsafe source ${result.source}: ${unsafe}`);
    assert.deepEqual(result.members, [result.source]);
    if (choice) assert.equal(result.source, choice);
    else assert.equal(unsafeAutomaticReason(members, result.source), null);
  }
  if (!choice) {
    const clear = clearAutomaticAnswer(members, recordedUuid);
    if (clear !== null) assert.deepEqual([result.outcome, (result as { source?: string }).source], ['elected', clear]);
  }
}

function checkLifecycle(members: MemberObservation[], recordedUuid: string | undefined, choice: string | undefined, prior: RecoveryStatus | undefined, automatic: boolean): void {
  const input = {
    members, now: NOW, policy: { automatic, ...(choice ? { bootstrapFrom: choice } : {}) },
    ...(recordedUuid ? { recordedClusterUuid: recordedUuid } : {}), ...(prior ? { recovery: prior } : {}),
  };
  const d = decideLifecycle(input);
  assert.deepEqual(decideLifecycle({ ...input, members: shuffled(members) }), d, 'order matters');
  assert.equal(d.action !== null, d.outcome === 'act');
  if (d.action === null) return;
  assert.equal(d.action.type, 'instruct', 'nothing runs, so no pc.bootstrap');
  if (d.action.type !== 'instruct') return;
  const { pod, instruction } = d.action;
  assert.equal(instruction.action, 'bootstrap', 'nothing is Primary, so no join');
  const rec = d.recovery!;
  assert.deepEqual([rec.phase, rec.source, rec.generation], ['Bootstrapping', pod, instruction.generation]);
  assert.ok(instruction.generation > (prior?.generation ?? 0), 'a new bootstrap needs a new generation');
  if (rec.kind === 'FirstBootstrap') {
    assert.equal(prior, undefined);
    assert.equal(pod, podOf(0));
    assert.ok(members.every((m) => m.kind === 'reported' && m.report.phase === 'Waiting' && m.report.datadirEmpty));
  } else {
    const unsafe = unsafeSourceReason(members, pod, recordedUuid);
    assert.equal(unsafe, null, `lifecycle bootstraps unsafe ${pod}: ${unsafe}`);
    if (rec.chosenBy === 'operator') {
      assert.ok(automatic, 'automatic=false must not bootstrap on its own');
      assert.equal(unsafeAutomaticReason(members, pod), null);
    } else {
      assert.equal(pod, choice);
    }
    assert.equal(d.clearExplicitChoice, rec.chosenBy === 'person');
  }
  // Level-triggered: re-deciding from the recorded status with the same reports repeats the step.
  const again = decideLifecycle({ ...input, recovery: rec });
  assert.deepEqual(again.action, d.action, 'resuming from the recorded status changes the order');
}

function forEachSetting(fn: (recorded: string | undefined, choice: string | undefined) => void, size: number): void {
  for (const recorded of [UUID_A, undefined]) {
    for (const choice of [undefined, ...Array.from({ length: size }, (_, i) => podOf(i))]) fn(recorded, choice);
  }
}

test('3 members, every combination: the election never returns an unsafe source', () => {
  let elected = 0;
  for (const picks of tuples(variants, 3)) {
    const members = membersOf(picks);
    forEachSetting((recorded, choice) => {
      checkElection(members, recorded, choice);
      if (electBootstrapSource({ members, ...(recorded ? { recordedUuid: recorded } : {}) }).outcome === 'elected') elected++;
    }, 3);
  }
  assert.ok(elected > 1000, `the election should elect in many cases, elected ${elected}`);
});

test('3 members, every combination: the lifecycle bootstraps only safe sources, idempotently', () => {
  // The election test above covers every choice; here a choice of the middle member stands for all.
  for (const picks of tuples(variants, 3)) {
    const members = membersOf(picks);
    for (const recorded of [UUID_A, undefined]) {
      for (const choice of [undefined, podOf(1)]) {
        for (const prior of [undefined, DONE]) checkLifecycle(members, recorded, choice, prior, true);
      }
      checkLifecycle(members, recorded, undefined, DONE, false);
    }
  }
});

test('1 member, every state', () => {
  for (const v of variants) {
    const members = [v(0)];
    forEachSetting((recorded, choice) => {
      checkElection(members, recorded, choice);
      for (const prior of [undefined, DONE]) checkLifecycle(members, recorded, choice, prior, true);
    }, 1);
  }
});

test('5 members, a reproducible sample of 1500 combinations', () => {
  const random = prng(20261127);
  for (let i = 0; i < 1500; i++) {
    const members = Array.from({ length: 5 }, (_, ordinal) => (variants[Math.floor(random() * variants.length)] as Variant)(ordinal));
    forEachSetting((recorded, choice) => {
      checkElection(members, recorded, choice);
      checkLifecycle(members, recorded, choice, DONE, true);
    }, 5);
  }
});

test('the unsafe traps (empty, interrupted, failed, unknown) are never chosen even when they look best', () => {
  const traps = variants.slice(12, 22);
  for (const trap of traps) {
    const members = [trap(0), reported(1, { seqno: 5 }), reported(2, { seqno: 3 })];
    const result = electBootstrapSource({ members, recordedUuid: UUID_A });
    if (result.outcome === 'elected') assert.equal(result.source, 'db-1');
    const chosenTrap = electBootstrapSource({ members, recordedUuid: UUID_A, explicitChoice: 'db-0' });
    assert.notEqual(chosenTrap.outcome, 'elected');
  }
});
