/**
 * Rolling changes: one member at a time, drained first, writer last, recorded before acting,
 * blocked (naming the member and the error) when a restarted member does not come back.
 * Played against a small model of the StatefulSet: a deleted pod comes back on the desired
 * revision, then serves (or fails, for a broken template).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { drainedForRollout, nextRollingStep, PROXY_RETURN_BOUND_MS, type RollingInput, type RollingMember, type RollingStep, type RolloutRecord } from '../../../src/galera/decisions/rolling.js';
import { ConditionReason } from '../../../src/galera/decisions/reasons.js';

const OLD = 'rev-1';
const NEW = 'rev-2';
const T0 = Date.parse('2026-11-27T10:00:00Z');
const BOUND = 300_000;

function member(ordinal: number, extra: Partial<RollingMember> = {}): RollingMember {
  return {
    pod: `db-${ordinal}`, ordinal, revision: OLD, terminating: false, createdAt: '2026-11-27T09:00:00.000Z',
    ready: true, synced: true, failure: null, ...extra,
  };
}

function input(members: RollingMember[], extra: Partial<RollingInput> = {}): RollingInput {
  return { desiredRevision: NEW, members, writer: 'db-0', drained: true, hold: null, now: new Date(T0), comebackBoundMs: BOUND, ...extra };
}

interface Model {
  members: RollingMember[];
  record?: RolloutRecord;
  clock: number;
  /** The template breaks mariadbd: re-created pods fail. */
  broken: boolean;
  desired: string;
}

/** One reconcile: decide, record, act; then the world moves on by 5 s. */
function tick(model: Model, writer: string, drained = true): RollingStep {
  const step = nextRollingStep(input(model.members, { record: model.record, writer, drained, desiredRevision: model.desired, now: new Date(model.clock) }));
  model.record = step.record;
  model.clock += 5000;
  for (const [i, m] of model.members.entries()) {
    if (step.action === 'restart' && step.pod === m.pod) {
      const serving = m.ready && m.synced;
      assert.ok(model.members.every((o) => o === m || (o.ready && o.synced) || !serving), 'a serving member is restarted only while all others serve');
      model.members[i] = { ...m, terminating: true, ready: false, synced: false };
    } else if (m.terminating) {
      model.members[i] = { ...m, terminating: false, revision: model.desired, createdAt: new Date(model.clock).toISOString(), ready: false, synced: false, failure: null };
    } else if (m.revision === model.desired && !m.ready) {
      model.members[i] = model.broken && model.desired === NEW
        ? { ...m, failure: { reason: 'Error', message: 'the mariadb container exited with code 7 (restarted 1 time)' } }
        : { ...m, ready: true, synced: true, failure: null };
    }
  }
  return step;
}

function run(model: Model, writer: string, ticks = 60): { log: string[]; last: RollingStep } {
  const log: string[] = [];
  for (let i = 0; i < ticks; i++) {
    const step = tick(model, writer);
    if (step.action !== 'none') log.push(`${step.action} ${step.pod}`);
    if (step.state !== 'rolling') return { log, last: step };
  }
  throw new Error('the roll did not settle');
}

const fresh = (broken = false): Model => ({ members: [member(0), member(1), member(2)], clock: T0, broken, desired: NEW });

test('non-writers from the highest ordinal down, the writer last, each drained before its restart', () => {
  const model = fresh();
  const { log, last } = run(model, 'db-1');
  assert.deepEqual(log, ['drain db-2', 'restart db-2', 'drain db-0', 'restart db-0', 'drain db-1', 'restart db-1']);
  assert.deepEqual([last.state, last.reason, last.record], ['upToDate', ConditionReason.RolloutComplete, undefined]);
  assert.ok(model.members.every((m) => m.revision === NEW && m.ready));
});

test('the member in flight is recorded before it is restarted, with its phase', () => {
  const model = fresh();
  const drain = tick(model, 'db-0', false);
  assert.deepEqual([drain.action, drain.record?.member, drain.record?.phase], ['drain', 'db-2', 'Draining']);
  const stillDraining = tick(model, 'db-0', false);
  assert.deepEqual([stillDraining.action, stillDraining.record?.phase, stillDraining.state], ['none', 'Draining', 'rolling']);
  const restart = tick(model, 'db-0', true);
  assert.deepEqual([restart.action, restart.pod, restart.record?.phase], ['restart', 'db-2', 'Restarting']);
  assert.match(restart.message, /db-2/);
  const terminating = tick(model, 'db-0');
  assert.deepEqual([terminating.action, terminating.record?.phase], ['none', 'Restarting']);
  const recreated = tick(model, 'db-0');
  assert.deepEqual([recreated.record?.member, recreated.record?.phase], ['db-2', 'WaitingSynced']);
});

test('a member that does not come back blocks the roll, naming it and the error; nobody else is restarted', () => {
  const model = fresh(true);
  const { log, last } = run(model, 'db-0');
  assert.deepEqual(log, ['drain db-2', 'restart db-2']);
  assert.deepEqual([last.state, last.reason, last.record?.phase, last.record?.member], ['blocked', ConditionReason.RolloutBlocked, 'Blocked', 'db-2']);
  assert.match(last.message, /^db-2 does not come back on revision rev-2: Error: the mariadb container exited with code 7/);
  for (let i = 0; i < 5; i++) assert.equal(tick(model, 'db-0').state, 'blocked', 'it stays blocked while the template stays');
  assert.deepEqual(model.members.map((m) => m.revision), [OLD, OLD, NEW]);
});

test('after the user reverts, the blocked member is restarted first and the roll completes', () => {
  const model = fresh(true);
  run(model, 'db-0');
  model.desired = OLD; // the StatefulSet's update revision is the old one again
  const { log, last } = run(model, 'db-0');
  assert.deepEqual(log, ['restart db-2']);
  assert.equal(last.state, 'upToDate');
  assert.ok(model.members.every((m) => m.revision === OLD && m.ready && m.synced));
});

test('a member that is not Synced within the bound blocks the roll', () => {
  const restarted = member(2, { revision: NEW, ready: false, synced: false, createdAt: '2026-11-27T10:00:01.000Z' });
  const record: RolloutRecord = { revision: NEW, member: 'db-2', phase: 'WaitingSynced', since: '2026-11-27T10:00:01Z' };
  const early = nextRollingStep(input([member(0), member(1), restarted], { record, now: new Date(T0 + 60_000) }));
  assert.deepEqual([early.state, early.record?.phase], ['rolling', 'WaitingSynced']);
  const late = nextRollingStep(input([member(0), member(1), restarted], { record, now: new Date(T0 + BOUND + 2000) }));
  assert.deepEqual([late.state, late.record?.phase], ['blocked', 'Blocked']);
  assert.match(late.message, /db-2 .*not Synced and Ready within 300 s/);
});

test('a blocked member that becomes Synced after all (a slow SST) unblocks the roll', () => {
  const record: RolloutRecord = { revision: NEW, member: 'db-2', phase: 'Blocked', since: '2026-11-27T10:00:01Z', message: 'db-2 does not come back' };
  const step = nextRollingStep(input([member(0), member(1), member(2, { revision: NEW })], { record }));
  assert.deepEqual([step.action, step.pod, step.record?.member], ['drain', 'db-1', 'db-1']);
});

test('nothing is restarted while another member is not Synced and Ready, or while held', () => {
  const notSynced = nextRollingStep(input([member(0), member(1, { synced: false }), member(2)]));
  assert.deepEqual([notSynced.action, notSynced.state], ['none', 'rolling']);
  assert.match(notSynced.message, /waiting for db-1 to be Synced and Ready before restarting db-2/);
  const held = nextRollingStep(input([member(0), member(1), member(2)], { hold: 'a recovery is in progress (Collecting)' }));
  assert.deepEqual([held.action, held.record?.member], ['none', undefined]);
  assert.match(held.message, /a recovery is in progress/);
});

test('a draining member is released when another member stops serving', () => {
  const record: RolloutRecord = { revision: NEW, member: 'db-2', phase: 'Draining', since: '2026-11-27T10:00:00Z' };
  const step = nextRollingStep(input([member(0, { ready: false }), member(1), member(2)], { record, drained: true }));
  assert.deepEqual([step.action, step.record?.member], ['none', undefined], 'the proxy takes it back; it is chosen again later');
});

test('an operator restarted after the delete resumes: the old pod still there is deleted again', () => {
  const record: RolloutRecord = { revision: NEW, member: 'db-2', phase: 'Restarting', since: '2026-11-27T10:00:00Z' };
  const again = nextRollingStep(input([member(0), member(1), member(2)], { record }));
  assert.deepEqual([again.action, again.pod, again.record?.since], ['restart', 'db-2', '2026-11-27T10:00:00Z']);
  const gone = nextRollingStep(input([member(0), member(1), member(2, { revision: null, createdAt: null, ready: false, synced: false })], { record }));
  assert.deepEqual([gone.action, gone.record?.phase], ['none', 'Restarting']);
});

test('everything on the desired revision: up to date, and the record is cleared', () => {
  const all = [0, 1, 2].map((o) => member(o, { revision: NEW }));
  const step = nextRollingStep(input(all, { record: { revision: NEW, updated: 2 } }));
  assert.deepEqual([step.state, step.record], ['upToDate', undefined]);
});

test('without a record (lost, or a stale view of the status) the member in flight is found from the pods', () => {
  const failing = member(2, { revision: NEW, ready: false, synced: false, createdAt: '2026-11-27T10:00:00.000Z', failure: { reason: 'Error', message: 'exit 7' } });
  const blocked = nextRollingStep(input([member(0), member(1), failing]));
  assert.deepEqual([blocked.state, blocked.record?.member, blocked.record?.phase], ['blocked', 'db-2', 'Blocked']);
  const joining = nextRollingStep(input([member(0), member(1), { ...failing, failure: null }], { now: new Date(T0 + 10_000) }));
  assert.deepEqual([joining.action, joining.record?.member, joining.record?.phase], ['none', 'db-2', 'WaitingSynced']);
  const overdue = nextRollingStep(input([member(0), member(1), { ...failing, failure: null }], { now: new Date(T0 + BOUND + 1000) }));
  assert.equal(overdue.state, 'blocked', 'the bound counts from the pod creation');
  const terminating = nextRollingStep(input([member(0), member(1), member(2, { terminating: true, ready: false })]));
  assert.deepEqual([terminating.action, terminating.record?.member, terminating.record?.phase], ['none', 'db-2', 'Restarting']);
});

test('a Synced member waits in Returning until every proxy routes to it again; only then is the next one drained', () => {
  const back = member(2, { revision: NEW });
  const waiting: RolloutRecord = { revision: NEW, member: 'db-2', phase: 'WaitingSynced', since: '2026-11-27T10:00:01Z' };
  const notYet = nextRollingStep(input([member(0), member(1), back], { record: waiting, returned: false, now: new Date(T0 + 20_000) }));
  assert.deepEqual([notYet.action, notYet.record?.member, notYet.record?.phase, notYet.record?.since], ['none', 'db-2', 'Returning', '2026-11-27T10:00:20Z']);
  assert.match(notYet.message, /db-2 is Synced; waiting for every proxy to route to it again/);
  const still = nextRollingStep(input([member(0), member(1), back], { record: notYet.record, returned: false, now: new Date(T0 + 40_000) }));
  assert.deepEqual([still.action, still.record?.phase, still.record?.since], ['none', 'Returning', '2026-11-27T10:00:20Z']);
  const routed = nextRollingStep(input([member(0), member(1), back], { record: notYet.record, returned: true, now: new Date(T0 + 42_000) }));
  assert.deepEqual([routed.action, routed.pod, routed.record?.phase], ['drain', 'db-1', 'Draining']);
});

test('the wait for the proxies is bounded: after it the roll moves on', () => {
  const record: RolloutRecord = { revision: NEW, member: 'db-2', phase: 'Returning', since: '2026-11-27T10:00:00Z' };
  const members = [member(0), member(1), member(2, { revision: NEW })];
  const before = nextRollingStep(input(members, { record, returned: false, now: new Date(T0 + PROXY_RETURN_BOUND_MS - 1000) }));
  assert.equal(before.record?.phase, 'Returning');
  const after = nextRollingStep(input(members, { record, returned: false, now: new Date(T0 + PROXY_RETURN_BOUND_MS) }));
  assert.deepEqual([after.action, after.pod], ['drain', 'db-1']);
});

test('a returning member that stops serving goes back to WaitingSynced; without a proxy there is no Returning step', () => {
  const record: RolloutRecord = { revision: NEW, member: 'db-2', phase: 'Returning', since: '2026-11-27T10:00:00Z' };
  const dropped = nextRollingStep(input([member(0), member(1), member(2, { revision: NEW, synced: false })], { record, returned: false }));
  assert.deepEqual([dropped.action, dropped.record?.phase], ['none', 'WaitingSynced']);
  const waiting: RolloutRecord = { ...record, phase: 'WaitingSynced' };
  const noProxy = nextRollingStep(input([member(0), member(1), member(2, { revision: NEW })], { record: waiting }));
  assert.deepEqual([noProxy.action, noProxy.pod], ['drain', 'db-1']);
});

test('the proxies hold a member drained from Draining to its re-creation, not once it is on its way back', () => {
  const at = (phase?: string): string | undefined => drainedForRollout({ member: 'db-2', ...(phase ? { phase } : {}) });
  assert.deepEqual([at(), at('Draining'), at('Restarting'), at('Blocked')], ['db-2', 'db-2', 'db-2', 'db-2']);
  assert.deepEqual([at('WaitingSynced'), at('Returning')], [undefined, undefined]);
  assert.equal(drainedForRollout(undefined), undefined);
  assert.equal(drainedForRollout({ phase: 'Draining' }), undefined);
});
