import { test } from 'node:test';
import assert from 'node:assert/strict';
import { controllerReference, ownerKeysFor, withControllerReference } from '../../../src/runtime/owners.js';
import { Resources, resourcePath, splitKey, type ResourceRef } from '../../../src/runtime/resources.js';
import { parseBindAddress } from '../../../src/runtime/http-server.js';
import { canTakeLease } from '../../../src/runtime/leader.js';
import { eventNote } from '../../../src/runtime/events.js';
import { apiErrorFrom, ConflictError, NotFoundError, fromClientError } from '../../../src/runtime/errors.js';

const Cluster: ResourceRef = { group: 'test.galera-operator.io', version: 'v1alpha1', plural: 'widgets', kind: 'Widget' };
const owner = { apiVersion: 'test.galera-operator.io/v1alpha1', kind: 'Widget', metadata: { name: 'demo', namespace: 'ns', uid: 'u-1' } };

test('resource paths for core, grouped, namespaced, cluster-wide and subresources', () => {
  assert.equal(resourcePath(Resources.Pod, 'ns'), '/api/v1/namespaces/ns/pods');
  assert.equal(resourcePath(Resources.StatefulSet), '/apis/apps/v1/statefulsets');
  assert.equal(resourcePath(Cluster, 'ns', 'demo', 'status'), '/apis/test.galera-operator.io/v1alpha1/namespaces/ns/widgets/demo/status');
  assert.equal(resourcePath({ ...Cluster, namespaced: false }, 'ns', 'x'), '/apis/test.galera-operator.io/v1alpha1/widgets/x');
  assert.deepEqual(splitKey('ns/demo'), { namespace: 'ns', name: 'demo' });
  assert.deepEqual(splitKey('global'), { namespace: '', name: 'global' });
});

test('controller references block owner deletion and replace an earlier controller', () => {
  assert.deepEqual(controllerReference(owner), { apiVersion: owner.apiVersion, kind: 'Widget', name: 'demo', uid: 'u-1', controller: true, blockOwnerDeletion: true });
  assert.throws(() => controllerReference({ kind: 'Widget', metadata: { name: 'x' } }), /uid/);
  const other = { apiVersion: 'v1', kind: 'ConfigMap', name: 'keep', uid: 'u-2' };
  const oldController = { apiVersion: 'v1', kind: 'X', name: 'old', uid: 'u-3', controller: true };
  const obj = withControllerReference({ metadata: { name: 'child', ownerReferences: [other, oldController] } }, owner);
  assert.deepEqual(obj.metadata?.ownerReferences?.map((r) => r.uid), ['u-2', 'u-1']);
});

test('owned objects map to their owner key by controller reference, else by instance label', () => {
  const byRef = withControllerReference({ metadata: { name: 'demo', namespace: 'ns' } }, owner);
  assert.deepEqual(ownerKeysFor(byRef, Cluster), ['ns/demo']);
  const pod = {
    metadata: {
      name: 'demo-0',
      namespace: 'ns',
      labels: { 'app.kubernetes.io/instance': 'demo' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'demo', uid: 'sts', controller: true }],
    },
  };
  assert.deepEqual(ownerKeysFor(pod, Cluster), ['ns/demo']);
  const otherGroup = { metadata: { name: 'x', namespace: 'ns', ownerReferences: [{ apiVersion: 'other.io/v1', kind: 'Widget', name: 'y', uid: 'z', controller: true }] } };
  assert.deepEqual(ownerKeysFor(otherGroup, Cluster), []);
  assert.deepEqual(ownerKeysFor({ metadata: { name: 'stray', namespace: 'ns' } }, Cluster), []);
});

test('bind addresses: explicit, port only, and wildcards refused', () => {
  assert.deepEqual(parseBindAddress('127.0.30.1:8080'), { host: '127.0.30.1', port: 8080 });
  assert.deepEqual(parseBindAddress(':8081', undefined), { host: '127.0.0.1', port: 8081 });
  assert.deepEqual(parseBindAddress(':8081', '127.1.0.7'), { host: '127.1.0.7', port: 8081 });
  assert.deepEqual(parseBindAddress('[::1]:9'), { host: '::1', port: 9 });
  assert.throws(() => parseBindAddress('0.0.0.0:8080'), /wildcard/);
  assert.throws(() => parseBindAddress('8080'), /host:port/);
});

test('a lease may be taken when free, ours, or unrenewed for its duration as observed locally', () => {
  const held = { holderIdentity: 'other', leaseDurationSeconds: 15 };
  assert.equal(canTakeLease(undefined, 'me', 0, 0, 15_000), true);
  assert.equal(canTakeLease({ holderIdentity: '' }, 'me', 1000, 1000, 15_000), true, 'released');
  assert.equal(canTakeLease({ holderIdentity: 'me' }, 'me', 1000, 1000, 15_000), true);
  assert.equal(canTakeLease(held, 'me', 1000, 15_999, 15_000), false);
  assert.equal(canTakeLease(held, 'me', 1000, 16_000, 15_000), true);
  assert.equal(canTakeLease({ holderIdentity: 'other', leaseDurationSeconds: 1 }, 'me', 1000, 2000, 15_000), true);
});

test('event notes are scrubbed and cut to 1 kB', () => {
  assert.equal(eventNote('root password=hunter2 rejected'), 'root password=[REDACTED] rejected');
  const long = eventNote('é'.repeat(2000));
  assert.ok(Buffer.byteLength(long) <= 1024);
  assert.ok(long.endsWith('...'));
});

test('API errors are typed by status code', () => {
  const conflict = apiErrorFrom(409, JSON.stringify({ kind: 'Status', reason: 'Conflict', message: 'Apply failed with 1 conflict' }));
  assert.ok(conflict instanceof ConflictError);
  assert.equal(conflict.reason, 'Conflict');
  assert.match(conflict.message, /Apply failed.*409/);
  assert.ok(apiErrorFrom(404, '') instanceof NotFoundError);
  assert.ok(fromClientError({ code: 409, body: '{}' }) instanceof ConflictError);
  const plain = new Error('x');
  assert.equal(fromClientError(plain), plain);
});
