/** What a kubelet writes into pod.status, computed from the agent's view of its containers. Pure. */
import type { RestartPolicy } from './backoff.js';

export interface TerminatedState {
  kind: 'terminated';
  exitCode: number;
  signal?: number;
  reason: string;
  message?: string;
  startedAt?: Date;
  finishedAt: Date;
  containerID?: string;
}

export type ContainerState =
  | { kind: 'waiting'; reason: string; message?: string }
  | { kind: 'running'; startedAt: Date }
  | TerminatedState;

export interface ContainerRecord {
  name: string;
  image: string;
  imageID: string;
  containerID?: string;
  state: ContainerState;
  lastTerminated?: TerminatedState;
  restartCount: number;
  ready: boolean;
  started: boolean;
}

export interface PodSnapshot {
  restartPolicy: RestartPolicy;
  init: readonly ContainerRecord[];
  containers: readonly ContainerRecord[];
  hostIP: string;
  podIP?: string;
  startTime?: Date;
  /** Address and volumes are in place (PodReadyToStartContainers). */
  sandboxReady: boolean;
  /** Set when the agent failed the pod itself (unsupported feature, init failure with Never). */
  failure?: { reason: string; message: string };
  readinessGates: readonly string[];
  /** Conditions already on the pod (for readiness gates and stable transition times). */
  previousConditions: readonly PodCondition[];
}

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

export interface PodCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastProbeTime?: string | null;
}

/** RFC 3339 with whole seconds, as the API server stores it. */
export function timestamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const initSucceeded = (c: ContainerRecord): boolean => c.state.kind === 'terminated' && c.state.exitCode === 0;

export function initDone(snapshot: Pick<PodSnapshot, 'init'>): boolean {
  return snapshot.init.every(initSucceeded);
}

/** The pod phase, following the kubelet's rules (a waiting container with a past run counts as stopped). */
export function podPhase(s: PodSnapshot): PodPhase {
  if (s.failure) return 'Failed';
  const initFailed = s.init.some((c) => c.state.kind === 'terminated' && c.state.exitCode !== 0);
  if (initFailed && s.restartPolicy === 'Never') return 'Failed';
  if (!initDone(s)) return 'Pending';
  let running = 0, waiting = 0, stopped = 0, succeeded = 0;
  for (const c of s.containers) {
    if (c.state.kind === 'running') running++;
    else if (c.state.kind === 'terminated') {
      stopped++;
      if (c.state.exitCode === 0) succeeded++;
    } else if (c.lastTerminated) stopped++;
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped === 0) return 'Pending';
  if (s.restartPolicy === 'Always') return 'Running';
  if (stopped === succeeded) return 'Succeeded';
  return s.restartPolicy === 'Never' ? 'Failed' : 'Running';
}

function condition(type: string, ok: boolean, reason?: string, message?: string): PodCondition {
  return ok ? { type, status: 'True' } : { type, status: 'False', reason, message };
}

function names(list: readonly ContainerRecord[]): string {
  return `[${list.map((c) => c.name).join(' ')}]`;
}

export function podConditions(s: PodSnapshot, phase: PodPhase, now: Date): PodCondition[] {
  const incompleteInit = s.init.filter((c) => !initSucceeded(c));
  const unready = s.containers.filter((c) => !c.ready);
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const gatesOpen = s.readinessGates.every((g) => s.previousConditions.some((c) => c.type === g && c.status === 'True'));
  const containersReady = !terminal && unready.length === 0;
  const unreadyReason = terminal ? 'PodCompleted' : 'ContainersNotReady';
  const unreadyMessage = terminal ? undefined : `containers with unready status: ${names(unready)}`;
  const fresh = [
    condition('PodReadyToStartContainers', s.sandboxReady && !terminal),
    condition('Initialized', incompleteInit.length === 0, 'ContainersNotInitialized',
      `containers with incomplete status: ${names(incompleteInit)}`),
    condition('ContainersReady', containersReady, unreadyReason, unreadyMessage),
    containersReady && !gatesOpen
      ? condition('Ready', false, 'ReadinessGatesNotReady', 'the status of pod readiness gates is not "True"')
      : condition('Ready', containersReady, unreadyReason, unreadyMessage),
  ];
  return fresh.map((c) => {
    const before = s.previousConditions.find((p) => p.type === c.type);
    const since = before && before.status === c.status && before.lastTransitionTime ? before.lastTransitionTime : timestamp(now);
    return { ...c, lastProbeTime: null, lastTransitionTime: since };
  });
}

function stateJson(state: ContainerState): Record<string, unknown> {
  if (state.kind === 'waiting') return { waiting: { reason: state.reason, message: state.message } };
  if (state.kind === 'running') return { running: { startedAt: timestamp(state.startedAt) } };
  return {
    terminated: {
      exitCode: state.exitCode,
      signal: state.signal,
      reason: state.reason,
      message: state.message,
      startedAt: state.startedAt ? timestamp(state.startedAt) : undefined,
      finishedAt: timestamp(state.finishedAt),
      containerID: state.containerID,
    },
  };
}

export function containerStatusJson(c: ContainerRecord): Record<string, unknown> {
  return {
    name: c.name,
    image: c.image,
    imageID: c.imageID,
    containerID: c.containerID,
    ready: c.ready,
    started: c.started,
    restartCount: c.restartCount,
    state: stateJson(c.state),
    lastState: c.lastTerminated ? stateJson(c.lastTerminated) : {},
  };
}

/** The status object to patch (strategic merge: conditions and containerStatuses merge by key). */
export function buildPodStatus(s: PodSnapshot, now: Date): Record<string, unknown> {
  const phase = podPhase(s);
  return JSON.parse(JSON.stringify({
    phase,
    reason: s.failure?.reason,
    message: s.failure?.message,
    hostIP: s.hostIP,
    hostIPs: [{ ip: s.hostIP }],
    podIP: s.podIP,
    podIPs: s.podIP ? [{ ip: s.podIP }] : undefined,
    startTime: s.startTime ? timestamp(s.startTime) : undefined,
    conditions: podConditions(s, phase, now),
    initContainerStatuses: s.init.map(containerStatusJson),
    containerStatuses: s.containers.map(containerStatusJson),
  })) as Record<string, unknown>;
}
