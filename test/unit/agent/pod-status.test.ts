import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildPodStatus, podConditions, podPhase, type ContainerRecord, type ContainerState, type PodSnapshot, type TerminatedState,
} from '../../../hack/cluster/agent/pod-status.js';

const t0 = new Date('2026-01-01T00:00:00Z');
const running: ContainerState = { kind: 'running', startedAt: t0 };
const exited = (exitCode: number): TerminatedState => ({ kind: 'terminated', exitCode, reason: exitCode ? 'Error' : 'Completed', finishedAt: t0 });
const waiting: ContainerState = { kind: 'waiting', reason: 'ContainerCreating' };

function c(name: string, state: ContainerState, extra: Partial<ContainerRecord> = {}): ContainerRecord {
  return { name, image: 'busybox', imageID: 'x', state, restartCount: 0, ready: state.kind === 'running', started: true, ...extra };
}

function snap(over: Partial<PodSnapshot>): PodSnapshot {
  return {
    restartPolicy: 'Always', init: [], containers: [], hostIP: '127.0.10.1', podIP: '127.1.0.9', sandboxReady: true,
    readinessGates: [], previousConditions: [], ...over,
  };
}

describe('pod phase', () => {
  it('is Pending while init containers or containers wait', () => {
    assert.equal(podPhase(snap({ init: [c('i', running)], containers: [c('m', waiting)] })), 'Pending');
    assert.equal(podPhase(snap({ containers: [c('m', waiting)] })), 'Pending');
  });

  it('is Running while any container runs or an Always pod restarts', () => {
    assert.equal(podPhase(snap({ containers: [c('a', running), c('b', exited(0))] })), 'Running');
    const crashLooping = c('a', { kind: 'waiting', reason: 'CrashLoopBackOff' }, { lastTerminated: exited(1) });
    assert.equal(podPhase(snap({ containers: [crashLooping] })), 'Running');
    assert.equal(podPhase(snap({ containers: [c('a', exited(0))] })), 'Running');
  });

  it('follows the restart policy once every container stopped', () => {
    assert.equal(podPhase(snap({ restartPolicy: 'Never', containers: [c('a', exited(0)), c('b', exited(0))] })), 'Succeeded');
    assert.equal(podPhase(snap({ restartPolicy: 'Never', containers: [c('a', exited(0)), c('b', exited(2))] })), 'Failed');
    assert.equal(podPhase(snap({ restartPolicy: 'OnFailure', containers: [c('a', exited(0))] })), 'Succeeded');
    assert.equal(podPhase(snap({ restartPolicy: 'OnFailure', containers: [c('a', exited(1))] })), 'Running');
  });

  it('fails a Never pod whose init container failed, and any pod the agent failed', () => {
    assert.equal(podPhase(snap({ restartPolicy: 'Never', init: [c('i', exited(1))], containers: [c('m', waiting)] })), 'Failed');
    assert.equal(podPhase(snap({ restartPolicy: 'OnFailure', init: [c('i', exited(1))], containers: [c('m', waiting)] })), 'Pending');
    assert.equal(podPhase(snap({ failure: { reason: 'X', message: 'y' }, containers: [c('m', waiting)] })), 'Failed');
  });
});

describe('pod conditions', () => {
  it('reports readiness per container and keeps transition times while unchanged', () => {
    const s = snap({ init: [c('i', exited(0))], containers: [c('a', running), c('b', running, { ready: false })] });
    const first = podConditions(s, 'Running', t0);
    const byType = Object.fromEntries(first.map((x) => [x.type, x]));
    assert.equal(byType.Initialized?.status, 'True');
    assert.equal(byType.ContainersReady?.status, 'False');
    assert.equal(byType.Ready?.message, 'containers with unready status: [b]');
    const later = podConditions({ ...s, previousConditions: first }, 'Running', new Date('2026-01-01T00:05:00Z'));
    assert.deepEqual(later, first);
  });

  it('holds Ready back until readiness gates are True', () => {
    const s = snap({ containers: [c('a', running)], readinessGates: ['example.com/gate'] });
    assert.equal(podConditions(s, 'Running', t0).find((x) => x.type === 'Ready')?.status, 'False');
    const opened = { ...s, previousConditions: [{ type: 'example.com/gate', status: 'True' as const }] };
    assert.equal(podConditions(opened, 'Running', t0).find((x) => x.type === 'Ready')?.status, 'True');
  });

  it('marks a finished pod not ready with reason PodCompleted', () => {
    const s = snap({ restartPolicy: 'Never', containers: [c('a', exited(0), { ready: false })] });
    const ready = podConditions(s, 'Succeeded', t0).find((x) => x.type === 'Ready');
    assert.equal(ready?.reason, 'PodCompleted');
  });
});

describe('pod status object', () => {
  it('carries addresses, states and restart counts in the API shape', () => {
    const last = { kind: 'terminated' as const, exitCode: 137, signal: 9, reason: 'Error', finishedAt: t0, startedAt: t0 };
    const status = buildPodStatus(snap({ startTime: t0, containers: [c('a', running, { restartCount: 2, lastTerminated: last })] }), t0);
    assert.equal(status.phase, 'Running');
    assert.deepEqual(status.podIPs, [{ ip: '127.1.0.9' }]);
    assert.deepEqual(status.hostIPs, [{ ip: '127.0.10.1' }]);
    assert.equal(status.startTime, '2026-01-01T00:00:00Z');
    const [cs] = status.containerStatuses as Record<string, unknown>[];
    assert.equal(cs?.restartCount, 2);
    assert.deepEqual(cs?.state, { running: { startedAt: '2026-01-01T00:00:00Z' } });
    assert.deepEqual((cs?.lastState as { terminated: unknown }).terminated, {
      exitCode: 137, signal: 9, reason: 'Error', startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:00Z',
    });
  });
});
