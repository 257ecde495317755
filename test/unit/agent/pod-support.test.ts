import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkSupport } from '../../../hack/cluster/agent/pod-support.js';
import { seedRecord, seedSnapshot } from '../../../hack/cluster/agent/pod-seed.js';

describe('pod feature support', () => {
  it('accepts the usual volume kinds and a default securityContext silently', () => {
    const r = checkSupport({ spec: { securityContext: {}, containers: [{ name: 'c' }], volumes: [
      { name: 'a', emptyDir: {} }, { name: 'b', persistentVolumeClaim: { claimName: 'x' } }, { name: 'c', projected: { sources: [] } },
    ] } });
    assert.deepEqual(r, { unsupported: [], ignored: [] });
  });

  it('refuses what it cannot do and names what it ignores', () => {
    const r = checkSupport({ spec: {
      hostNetwork: true,
      volumes: [{ name: 'remote', nfs: { server: '127.0.0.1', path: '/' } }],
      containers: [{ name: 'c', resources: { limits: { cpu: '1' } }, securityContext: { runAsUser: 999 } }],
    } });
    assert.deepEqual(r.unsupported, ['hostNetwork is not supported by this local cluster', 'volume remote: type nfs is not supported by this local cluster']);
    assert.equal(r.ignored.length, 2);
    assert.match(r.ignored.join('\n'), /resources\.limits/);
  });
});

describe('container records after an agent restart', () => {
  const now = new Date('2026-01-01T00:10:00Z');

  it('starts fresh without a published status', () => {
    const r = seedRecord({ name: 'c', image: 'busybox' }, 'ContainerCreating', undefined, now);
    assert.deepEqual([r.state, r.restartCount], [{ kind: 'waiting', reason: 'ContainerCreating' }, 0]);
  });

  it('keeps restart counts and turns a published running state into an unknown termination', () => {
    const r = seedRecord({ name: 'c', image: 'busybox' }, 'ContainerCreating', {
      name: 'c', image: 'busybox', imageID: 'i', ready: true, restartCount: 3,
      state: { running: { startedAt: new Date('2026-01-01T00:00:00Z') } },
    }, now);
    assert.equal(r.restartCount, 3);
    assert.equal(r.state.kind === 'terminated' && r.state.reason, 'ContainerStatusUnknown');
  });

  it('seeds a pod snapshot with its address, start time and conditions as published', () => {
    const s = seedSnapshot({
      spec: { restartPolicy: 'OnFailure', initContainers: [{ name: 'i' }], containers: [{ name: 'c' }] },
      status: {
        podIP: '127.1.0.4', startTime: new Date('2026-01-01T00:00:00Z'),
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date('2026-01-01T00:00:05.123Z') }],
      },
    }, '127.0.10.3', now);
    assert.equal(s.restartPolicy, 'OnFailure');
    assert.equal(s.podIP, '127.1.0.4');
    assert.deepEqual(s.containers[0]?.state, { kind: 'waiting', reason: 'PodInitializing' });
    assert.equal(s.previousConditions[0]?.lastTransitionTime, '2026-01-01T00:00:05Z');
  });

  it('keeps a finished container finished', () => {
    const r = seedRecord({ name: 'c' }, 'ContainerCreating', {
      name: 'c', image: 'busybox', imageID: 'i', ready: false, restartCount: 0,
      state: { terminated: { exitCode: 0, reason: 'Completed', finishedAt: now } },
    }, now);
    assert.deepEqual(r.state.kind === 'terminated' && [r.state.exitCode, r.state.reason], [0, 'Completed']);
  });
});

describe('probe support', () => {
  it('refuses grpc probes instead of failing them forever', () => {
    const r = checkSupport({ spec: { containers: [{ name: 'c', livenessProbe: { grpc: { port: 9000 } } }] } });
    assert.match(r.unsupported.join(), /livenessProbe uses grpc/);
  });
});
