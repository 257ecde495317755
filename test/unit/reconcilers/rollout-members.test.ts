/** Reading member pods for rollouts and scaling: revisions, failures, bounds. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1ContainerStatus, V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import type { MemberReport } from '../../../src/galera/types.js';
import type { WsrepStatus } from '../../../src/mysql/index.js';
import { comebackBoundMs, desiredRevision, memberFailure, rollingMember, tellingLines, type MemberView } from '../../../src/reconcilers/rollout/members.js';
import { ordinalOf } from '../../../src/reconcilers/phases/rollout.js';
import { servesForScaling } from '../../../src/reconcilers/phases/scaling.js';

function pod(mariadb: Partial<V1ContainerStatus> = {}, extra: { ready?: boolean; revision?: string; deleting?: boolean } = {}): V1Pod {
  return {
    metadata: {
      name: 'db-2', uid: 'u-2', creationTimestamp: '2026-11-27T10:00:05Z' as unknown as Date,
      labels: { 'controller-revision-hash': extra.revision ?? 'db-abc' },
      ...(extra.deleting ? { deletionTimestamp: '2026-11-27T10:01:00Z' as unknown as Date } : {}),
    },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: extra.ready ? 'True' : 'False' }],
      containerStatuses: [
        { name: 'mariadb', image: 'mariadb:10.11', imageID: '', ready: Boolean(extra.ready), restartCount: 0, state: { running: {} }, ...mariadb },
        { name: 'agent', image: 'op', imageID: '', ready: true, restartCount: 0, state: { running: {} } },
      ],
    },
  };
}

const report = (phase: MemberReport['phase'], message?: string): MemberReport => ({
  pod: 'db-2', phase, position: null, safeToBootstrap: false, datadirEmpty: false, sstInterrupted: false, lastInstruction: null, ...(message ? { message } : {}),
});

const wsrep = (size: number, localState = 4): WsrepStatus =>
  ({ clusterStatus: 'Primary', localState, localStateComment: 'Synced', lastCommitted: 10, clusterStateUuid: 'u', confId: 3, clusterSize: size }) as WsrepStatus;

test('a container that exited with an error, waiting to restart, is a failure naming the exit', () => {
  const failed = memberFailure(pod({
    restartCount: 2,
    state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 4s' } },
    lastState: { terminated: { exitCode: 7, reason: 'Error', message: "[ERROR] mariadbd: unknown variable 'no_such_option=1'" } },
  }), report('Starting'));
  assert.equal(failed?.reason, 'CrashLoopBackOff');
  assert.equal(failed?.message, "the mariadb container exited with code 7: [ERROR] mariadbd: unknown variable 'no_such_option=1' (restarted 2 times)");
});

test('running again after a failed start is still failing; a first start is not', () => {
  const again = memberFailure(pod({ restartCount: 1, lastState: { terminated: { exitCode: 1, reason: 'Error' } } }), report('Waiting'));
  assert.deepEqual(again, { reason: 'Error', message: 'the mariadb container exited with code 1 (restarted 1 time)' });
  assert.equal(memberFailure(pod(), report('Starting')), null);
  assert.equal(memberFailure(pod({ restartCount: 1, lastState: { terminated: { exitCode: 0, reason: 'Completed' } } }), report('Waiting')), null);
});

test('a log-tail termination message is cut to its first errors', () => {
  const tail = [
    '2026-11-27 17:41:16 3 [Note] WSREP: SST received',
    "2026-11-27 17:41:16 0 [ERROR] mariadbd: unknown variable 'no_such_option=1'",
    '2026-11-27 17:41:16 0 [ERROR] Aborting',
    '2026-11-27 17:41:16 3 [ERROR] WSREP: sst_received failed: State wait was interrupted',
    '2026-11-27 17:41:16 1 [Note] WSREP: Closing send monitor...',
  ].join('\n');
  assert.equal(tellingLines(tail), "[ERROR] mariadbd: unknown variable 'no_such_option=1' | [ERROR] Aborting");
  assert.equal(tellingLines('a\nb\nc\nd\n'), 'b | c | d');
  assert.equal(tellingLines(undefined), '');
});

test('a container killed by a signal says which', () => {
  const aborted = memberFailure(pod({ restartCount: 1, state: { terminated: { exitCode: 134, signal: 6, reason: 'Error' } } }), null);
  assert.deepEqual(aborted, { reason: 'Error', message: 'the mariadb container was killed by signal 6 (SIGABRT) (restarted 1 time)' });
});

test('the entrypoint giving up, a failed pod and an image that cannot be pulled are failures', () => {
  assert.deepEqual(memberFailure(pod(), report('Failed', 'mariadb-install-db failed (exit 1)')), { reason: 'EntrypointFailed', message: 'mariadb-install-db failed (exit 1)' });
  const failedPod = pod();
  failedPod.status!.phase = 'Failed';
  failedPod.status!.reason = 'UnknownImage';
  failedPod.status!.message = 'image foo:1 is not runnable here';
  assert.deepEqual(memberFailure(failedPod, null), { reason: 'UnknownImage', message: 'image foo:1 is not runnable here' });
  const pull = memberFailure(pod({ state: { waiting: { reason: 'ErrImagePull', message: 'no such image' } } }), null);
  assert.deepEqual(pull, { reason: 'ErrImagePull', message: 'no such image' });
});

test('a rolling member: revision, terminating, creation time; a serving member has no failure', () => {
  const view = (p: V1Pod | undefined, w: WsrepStatus | null): MemberView => ({ pod: 'db-2', ordinal: 2, object: p, report: report('Running'), wsrep: w });
  const serving = rollingMember(view(pod({ restartCount: 3, lastState: { terminated: { exitCode: 137, reason: 'Error' } } }, { ready: true, revision: 'db-new' }), wsrep(3)));
  assert.deepEqual(serving, {
    pod: 'db-2', ordinal: 2, revision: 'db-new', terminating: false, createdAt: '2026-11-27T10:00:05.000Z', ready: true, synced: true, failure: null,
  });
  const leaving = rollingMember(view(pod({}, { deleting: true }), null));
  assert.deepEqual([leaving.terminating, leaving.ready, leaving.synced], [true, false, false]);
  const missing = rollingMember(view(undefined, null));
  assert.deepEqual([missing.revision, missing.createdAt], [null, null]);
});

test('the desired revision is known only once the StatefulSet controller saw the latest spec', () => {
  const sts = (generation: number, observed: number): V1StatefulSet => ({
    metadata: { generation }, status: { replicas: 3, observedGeneration: observed, updateRevision: 'db-7f', currentRevision: 'db-6e' },
  });
  assert.equal(desiredRevision(sts(4, 4)), 'db-7f');
  assert.equal(desiredRevision(sts(5, 4)), null);
  assert.equal(desiredRevision(undefined), null);
});

test('the comeback bound is five minutes plus an SST of the volume at 20 MiB/s', () => {
  assert.equal(comebackBoundMs(undefined), 300_000);
  assert.equal(comebackBoundMs('1Gi'), 300_000 + 51_200);
  assert.equal(comebackBoundMs('10Gi'), 300_000 + 512_000);
  assert.equal(comebackBoundMs('not-a-size'), 300_000);
});

test('serving for scaling needs Ready, Synced and no departed member still counted', () => {
  const view = (size: number, ready = true): MemberView => ({ pod: 'db-1', ordinal: 1, object: pod({}, { ready }), report: null, wsrep: wsrep(size) });
  assert.equal(servesForScaling(view(4), 4), true);
  assert.equal(servesForScaling(view(5), 4), false, 'a member that crashed instead of leaving is still counted');
  assert.equal(servesForScaling(view(4, false), 4), false);
  assert.equal(servesForScaling({ ...view(4), wsrep: wsrep(4, 2) }, 4), false, 'a donor is not serving');
});

test('ordinals come from the pod name of the cluster only', () => {
  assert.equal(ordinalOf('db', 'db-12'), 12);
  assert.equal(ordinalOf('db', 'db-proxy-0'), -1);
  assert.equal(ordinalOf('a.b', 'axb-1'), -1);
});
