/** Scaling: up at once (joins are staggered elsewhere), down one at a time from the top, gracefully. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterAddressSize, nextScalingStep, type ScalingMember } from '../../../src/galera/decisions/scaling.js';

const member = (ordinal: number, serving = true, drained = false): ScalingMember => ({ pod: `db-${ordinal}`, ordinal, serving, drained });
const members = (n: number) => Array.from({ length: n }, (_, i) => member(i));

test('3 → 5: one member at a time, each added once every member serves', () => {
  const first = nextScalingStep({ desiredReplicas: 5, statefulSetReplicas: 3, members: members(3) });
  assert.deepEqual([first.step, first.step === 'scaleUp' && first.replicas, first.clusterAddressSize], ['scaleUp', 4, 5]);
  const joining = nextScalingStep({ desiredReplicas: 5, statefulSetReplicas: 4, members: [...members(3), member(3, false)] });
  assert.deepEqual([joining.step, joining.step === 'wait' && joining.members], ['wait', ['db-3']]);
  const next = nextScalingStep({ desiredReplicas: 5, statefulSetReplicas: 4, members: members(4) });
  assert.deepEqual([next.step, next.step === 'scaleUp' && next.replicas], ['scaleUp', 5]);
  const settled = nextScalingStep({ desiredReplicas: 5, statefulSetReplicas: 5, members: members(5) });
  assert.equal(settled.step, 'none');
});

test('nothing is added or removed while held (a recovery, a rollout member in flight)', () => {
  for (const desiredReplicas of [5, 1]) {
    const step = nextScalingStep({ desiredReplicas, statefulSetReplicas: 3, members: members(3), hold: 'a recovery is in progress (Joining)' });
    assert.deepEqual([step.step, step.message.endsWith('waiting: a recovery is in progress (Joining)')], ['wait', true]);
  }
});

test('a member that stays and does not serve (listed as such when its pod is missing) blocks a scale-up', () => {
  const listed = nextScalingStep({ desiredReplicas: 5, statefulSetReplicas: 3, members: [member(0), member(1, false), member(2)] });
  assert.deepEqual([listed.step, listed.step === 'wait' && listed.members], ['wait', ['db-1']]);
});

test('5 → 3: drain the highest member, remove it, wait for it to leave, then the next', () => {
  const drain = nextScalingStep({ desiredReplicas: 3, statefulSetReplicas: 5, members: members(5) });
  assert.deepEqual([drain.step, drain.step === 'drain' && drain.pod, drain.clusterAddressSize], ['drain', 'db-4', 5]);
  const drained = [...members(4), member(4, true, true)];
  const remove = nextScalingStep({ desiredReplicas: 3, statefulSetReplicas: 5, members: drained });
  assert.deepEqual([remove.step, remove.step === 'scaleDown' && remove.replicas], ['scaleDown', 4]);
  const leaving = nextScalingStep({ desiredReplicas: 3, statefulSetReplicas: 4, members: drained });
  assert.deepEqual([leaving.step, leaving.step === 'wait' && leaving.members, leaving.clusterAddressSize], ['wait', ['db-4'], 5]);
  const next = nextScalingStep({ desiredReplicas: 3, statefulSetReplicas: 4, members: members(4) });
  assert.deepEqual([next.step, next.step === 'drain' && next.pod, next.clusterAddressSize], ['drain', 'db-3', 4]);
  const settled = nextScalingStep({ desiredReplicas: 3, statefulSetReplicas: 3, members: members(3) });
  assert.deepEqual([settled.step, settled.clusterAddressSize], ['none', 3]);
});

test('no member is removed while a remaining member is not serving', () => {
  const step = nextScalingStep({ desiredReplicas: 3, statefulSetReplicas: 5, members: [member(0), member(1, false), member(2), member(3), member(4)] });
  assert.deepEqual([step.step, step.step === 'wait' && step.members], ['wait', ['db-1']]);
});

test('a leaving member that is not serving is removed without a drain', () => {
  const step = nextScalingStep({ desiredReplicas: 3, statefulSetReplicas: 4, members: [...members(3), member(3, false)] });
  assert.deepEqual([step.step, step.step === 'scaleDown' && step.pod], ['scaleDown', 'db-3']);
});

test('the gcomm list never drops a member that still exists and is never empty', () => {
  assert.equal(clusterAddressSize({ desiredReplicas: 3, statefulSetReplicas: 3, members: [...members(3), member(6)] }), 7);
  assert.equal(clusterAddressSize({ desiredReplicas: 0, statefulSetReplicas: 0, members: [] }), 1);
});
