/**
 * Container records to start from: fresh for a new pod, or rebuilt from the pod's published
 * status when the agent restarts (restart counts and terminations carry over). Pure.
 */
import type { V1Container, V1ContainerStateTerminated, V1ContainerStatus, V1Pod, V1PodCondition } from '@kubernetes/client-node';
import type { RestartPolicy } from './backoff.js';
import { timestamp, type ContainerRecord, type PodCondition, type PodSnapshot, type TerminatedState } from './pod-status.js';

const asDate = (d: Date | string | undefined): Date | undefined => (d === undefined ? undefined : new Date(d));

function fromApiTerminated(t: V1ContainerStateTerminated): TerminatedState {
  return {
    kind: 'terminated',
    exitCode: t.exitCode,
    signal: t.signal,
    reason: t.reason ?? (t.exitCode === 0 ? 'Completed' : 'Error'),
    message: t.message,
    startedAt: asDate(t.startedAt),
    finishedAt: asDate(t.finishedAt) ?? new Date(),
    containerID: t.containerID,
  };
}

/** A container that was running when the agent stopped watching: it ended, status unknown. */
export function lostContainer(startedAt: Date | undefined, now: Date): TerminatedState {
  return {
    kind: 'terminated', exitCode: 137, reason: 'ContainerStatusUnknown', startedAt, finishedAt: now,
    message: 'The container could not be located when the node agent restarted',
  };
}

export function seedRecord(spec: V1Container, waitingReason: string, published: V1ContainerStatus | undefined, now: Date): ContainerRecord {
  const record: ContainerRecord = {
    name: spec.name,
    image: spec.image ?? '',
    imageID: '',
    state: { kind: 'waiting', reason: waitingReason },
    restartCount: published?.restartCount ?? 0,
    ready: false,
    started: false,
  };
  if (!published) return record;
  if (published.lastState?.terminated) record.lastTerminated = fromApiTerminated(published.lastState.terminated);
  if (published.state?.terminated) record.state = fromApiTerminated(published.state.terminated);
  else if (published.state?.running) record.state = lostContainer(asDate(published.state.running.startedAt), now);
  else if (published.state?.waiting) record.state = { kind: 'waiting', reason: published.state.waiting.reason ?? waitingReason, message: published.state.waiting.message };
  record.imageID = published.imageID ?? '';
  record.containerID = published.containerID;
  return record;
}

/** Conditions as published (the client hands back Dates), in the form the agent writes them. */
export function publishedConditions(conditions: readonly V1PodCondition[] | undefined): PodCondition[] {
  return (conditions ?? []).map((c) => ({
    type: c.type,
    status: c.status as PodCondition['status'],
    reason: c.reason,
    message: c.message,
    lastTransitionTime: c.lastTransitionTime ? timestamp(new Date(c.lastTransitionTime)) : undefined,
  }));
}

/** The agent's view of a pod it starts to look after, seeded from what the pod object says. */
export function seedSnapshot(pod: V1Pod, hostIP: string, now: Date): PodSnapshot {
  const published = pod.status;
  const initSpecs = pod.spec?.initContainers ?? [];
  const init = initSpecs.map((c) =>
    seedRecord(c, 'PodInitializing', published?.initContainerStatuses?.find((s) => s.name === c.name), now));
  const containers = (pod.spec?.containers ?? []).map((c) =>
    seedRecord(c, initSpecs.length ? 'PodInitializing' : 'ContainerCreating', published?.containerStatuses?.find((s) => s.name === c.name), now));
  return {
    restartPolicy: (pod.spec?.restartPolicy ?? 'Always') as RestartPolicy,
    init,
    containers,
    hostIP,
    podIP: published?.podIP,
    startTime: published?.startTime ? new Date(published.startTime) : undefined,
    sandboxReady: false,
    readinessGates: (pod.spec?.readinessGates ?? []).map((g) => g.conditionType),
    previousConditions: publishedConditions(published?.conditions),
  };
}
