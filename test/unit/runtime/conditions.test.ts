import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getCondition, isTrue, removeCondition, setCondition, timestamp } from '../../../src/runtime/conditions.js';
import { carryTransitionTimes, statusUnchanged } from '../../../src/runtime/status-diff.js';

const t0 = new Date('2025-01-01T00:00:00.000Z');
const t1 = new Date('2025-01-01T00:05:00.000Z');

test('setCondition adds a condition with a transition time', () => {
  const list = setCondition(undefined, { type: 'Ready', status: 'False', reason: 'Creating', message: 'starting', observedGeneration: 1 }, t0);
  assert.deepEqual(list, [
    { type: 'Ready', status: 'False', reason: 'Creating', message: 'starting', lastTransitionTime: '2025-01-01T00:00:00Z', observedGeneration: 1 },
  ]);
});

test('setCondition keeps lastTransitionTime while the status stays, moves it on change', () => {
  const a = setCondition([], { type: 'Ready', status: 'False', reason: 'Creating', message: 'm1' }, t0);
  const b = setCondition(a, { type: 'Ready', status: 'False', reason: 'Waiting', message: 'm2', observedGeneration: 2 }, t1);
  assert.equal(b[0]!.lastTransitionTime, '2025-01-01T00:00:00Z');
  assert.equal(b[0]!.reason, 'Waiting');
  assert.equal(b[0]!.message, 'm2');
  assert.equal(b[0]!.observedGeneration, 2);
  const c = setCondition(b, { type: 'Ready', status: 'True', reason: 'Ready', message: 'ok' }, t1);
  assert.equal(c[0]!.lastTransitionTime, '2025-01-01T00:05:00Z');
  assert.equal(a.length, 1, 'input list is not mutated');
  assert.equal(a[0]!.reason, 'Creating');
});

test('setCondition keeps order and appends new types', () => {
  let list = setCondition([], { type: 'A', status: 'True', reason: 'r', message: '' }, t0);
  list = setCondition(list, { type: 'B', status: 'True', reason: 'r', message: '' }, t0);
  list = setCondition(list, { type: 'A', status: 'False', reason: 'r', message: '' }, t1);
  assert.deepEqual(list.map((c) => c.type), ['A', 'B']);
  assert.equal(getCondition(list, 'B')?.status, 'True');
  assert.equal(isTrue(list, 'A'), false);
  assert.equal(isTrue(list, 'B'), true);
  assert.equal(isTrue(list, 'Missing'), false);
  assert.equal(getCondition(undefined, 'A'), undefined);
  assert.deepEqual(removeCondition(list, 'A').map((c) => c.type), ['B']);
});

test('timestamp has second precision like metav1.Time', () => {
  assert.equal(timestamp(new Date('2025-03-04T05:06:07.890Z')), '2025-03-04T05:06:07Z');
});

test('status diff ignores lastTransitionTime churn when a condition status is unchanged', () => {
  const observed = {
    observedGeneration: 3,
    readyReplicas: 3,
    conditions: [{ type: 'Ready', status: 'True', reason: 'AllReady', message: 'ok', lastTransitionTime: '2025-01-01T00:00:00Z' }],
  };
  const rebuilt = {
    observedGeneration: 3,
    readyReplicas: 3,
    conditions: [{ type: 'Ready', status: 'True', reason: 'AllReady', message: 'ok', lastTransitionTime: '2025-06-01T00:00:00Z' }],
  };
  assert.equal(statusUnchanged(rebuilt, observed), true);
  assert.equal(carryTransitionTimes(rebuilt, observed).conditions instanceof Array, true);
  assert.equal((carryTransitionTimes(rebuilt, observed).conditions as Array<{ lastTransitionTime: string }>)[0]!.lastTransitionTime, '2025-01-01T00:00:00Z');
});

test('status diff sees real changes', () => {
  const observed = {
    readyReplicas: 2,
    conditions: [{ type: 'Ready', status: 'False', reason: 'Waiting', message: 'x', lastTransitionTime: '2025-01-01T00:00:00Z' }],
  };
  const flipped = { ...observed, conditions: [{ ...observed.conditions[0]!, status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z' }] };
  assert.equal(statusUnchanged(flipped, observed), false, 'condition status change');
  assert.equal(statusUnchanged({ ...observed, readyReplicas: 3 }, observed), false, 'field change');
  assert.equal(statusUnchanged({ ...observed, conditions: [{ ...observed.conditions[0]!, message: 'y' }] }, observed), false, 'message change');
  const { readyReplicas: _dropped, ...withoutField } = observed;
  assert.equal(statusUnchanged(withoutField, observed), false, 'removed field');
  assert.equal(statusUnchanged({ a: 1 }, undefined), false, 'no status yet');
  assert.equal(statusUnchanged({ a: 1, b: undefined }, { a: 1 }), true, 'undefined fields are absent');
  assert.equal(statusUnchanged({ members: [{ n: 'a' }, { n: 'b' }] }, { members: [{ n: 'b' }, { n: 'a' }] }), false, 'order matters');
});
