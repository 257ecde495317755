/**
 * Every combination of 3 member states (running ones included) against every recorded recovery
 * step: orders follow the fencing rules whatever the operator resumes from.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MemberObservation } from '../../../src/galera/decisions/observations.js';
import type { LifecycleDecision, RecoveryStatus } from '../../../src/galera/decisions/progress.js';
import { NOW, UUID_B, decideWith, emptyMember, live, missing, reported, running, synced, tuples, unreachable } from './fixtures.js';

type Make = (ordinal: number) => MemberObservation;

const states: Make[] = [
  (o) => synced(o),
  (o) => running(o, null),
  (o) => running(o, live({ clusterStatus: 'non-Primary', lastCommitted: 10 })),
  (o) => reported(o, { phase: 'Starting', lastInstruction: { action: 'bootstrap', generation: 5 } }),
  (o) => reported(o, { seqno: 9 }),
  (o) => reported(o, { seqno: 9, lastInstruction: { action: 'bootstrap', generation: 5 } }),
  (o) => reported(o, { seqno: 4 }),
  (o) => reported(o, { uuid: UUID_B, seqno: 30 }),
  (o) => emptyMember(o),
  (o) => reported(o, { phase: 'Failed', seqno: 9 }),
  (o) => reported(o, { phase: 'Recovering', noPosition: true }),
  (o) => unreachable(o),
  (o) => missing(o, true),
  (o) => missing(o, false),
];

const base = { generation: 5, reported: {}, since: NOW.toISOString() };
const records: Array<RecoveryStatus | undefined> = [
  undefined,
  { ...base, kind: 'FullCrash', phase: 'Done', source: 'db-0', chosenBy: 'operator' },
  { ...base, kind: 'FullCrash', phase: 'Collecting' },
  { ...base, kind: 'FullCrash', phase: 'Stalled', reason: 'PositionUnknown' },
  { ...base, kind: 'FullCrash', phase: 'Bootstrapping', source: 'db-1', chosenBy: 'operator' },
  { ...base, kind: 'FullCrash', phase: 'Stalled', source: 'db-1', chosenBy: 'operator', reason: 'SourceFailed' },
  { ...base, kind: 'FullCrash', phase: 'Joining', source: 'db-1', chosenBy: 'person' },
  { ...base, kind: 'QuorumLoss', phase: 'Bootstrapping', source: 'db-2', chosenBy: 'operator' },
  { ...base, generation: 1, kind: 'FirstBootstrap', phase: 'Bootstrapping', source: 'db-0', chosenBy: 'operator' },
];

const isRunning = (m: MemberObservation) => m.kind === 'reported' && (m.report.phase === 'Running' || m.report.phase === 'Starting');
const isPrimary = (m: MemberObservation) => m.kind === 'reported' && m.report.phase === 'Running' && m.live?.clusterStatus === 'Primary';
const exists = (members: MemberObservation[], pod: string) => members.some((m) => m.pod === pod && !(m.kind === 'podMissing' && !m.pvcExists));

function checkOrder(members: MemberObservation[], prior: RecoveryStatus | undefined, choice: string | undefined, d: LifecycleDecision): void {
  const action = d.action;
  if (action === null) return;
  const rec = d.recovery!;
  const target = members.find((m) => m.pod === action.pod)!;
  const bootstrapping = action.type === 'pcBootstrap' || action.instruction.action === 'bootstrap';
  if (bootstrapping && prior !== undefined) {
    const sameIncident = prior.phase !== 'Done' && prior.phase !== 'Joining' && (prior.source === undefined || prior.source === rec.source);
    if (sameIncident) assert.equal(rec.generation, prior.generation, 'the same incident keeps its generation');
    else assert.ok(rec.generation > prior.generation, 'a new source or a new incident needs a new generation');
  }
  const priorOpen = prior !== undefined && prior.phase !== 'Done' && prior.phase !== 'Joining' && prior.source !== undefined;
  if (priorOpen && exists(members, prior.source!) && choice === undefined && action.type !== 'instruct') {
    assert.equal(action.pod, prior.source, 'pc.bootstrap moved to another member');
  }
  if (action.type === 'pcBootstrap') {
    assert.ok(!members.some(isPrimary), 'pc.bootstrap while a Primary exists');
    assert.ok(!members.some((m) => m.kind === 'unreachable' || (m.kind === 'reported' && m.report.phase === 'Running' && m.live === null)));
    assert.equal(rec.source, action.pod);
    return;
  }
  assert.equal(target.kind === 'reported' && target.report.phase, 'Waiting', 'orders go to Waiting members only');
  if (action.instruction.action === 'join') {
    assert.ok(members.some(isPrimary), 'join without a Primary');
    return;
  }
  assert.ok(!members.some(isRunning), 'bootstrap while a member runs');
  assert.ok(!members.some((m) => m.kind === 'unreachable'), 'bootstrap while a member is unreachable');
  assert.deepEqual([rec.source, rec.phase, rec.generation], [action.pod, 'Bootstrapping', action.instruction.generation]);
  if (priorOpen && exists(members, prior.source!) && choice === undefined) {
    assert.equal(action.pod, prior.source, 'automatically re-elected while the chosen source exists');
  }
}

test('every recorded step × every 3-member combination: orders respect the fencing rules', () => {
  let orders = 0;
  for (const picks of tuples(states, 3)) {
    const members = picks.map((make, ordinal) => make(ordinal));
    for (const prior of records) {
      for (const choice of [undefined, 'db-2']) {
        const extra = { ...(prior ? { recovery: prior } : {}), policy: { automatic: true, ...(choice ? { bootstrapFrom: choice } : {}) } };
        const d = decideWith(members, extra);
        assert.deepEqual(decideWith([...members].reverse(), extra), d, 'order matters');
        assert.equal(d.action !== null, d.outcome === 'act');
        checkOrder(members, prior, choice, d);
        if (d.action !== null) orders++;
      }
    }
  }
  assert.ok(orders > 5000, `expected many orders, got ${orders}`);
});
