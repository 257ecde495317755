/**
 * Pure readings of member pods for rolling changes and scaling: which template revision a pod
 * runs, whether it serves, why its mariadb container keeps failing, and how long a restarted
 * member may take to come back. Everything comes from the pod's status and the agent's report:
 * the operator never reads container logs.
 */
import { constants } from 'node:os';
import type { V1ContainerStateTerminated, V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { quantityToNanos } from '../../crd/quantity.js';
import type { MemberFailure, RollingMember } from '../../galera/decisions/index.js';
import type { MemberReport } from '../../galera/types.js';
import type { WsrepStatus } from '../../mysql/index.js';
import { MARIADB_CONTAINER } from '../builders/statefulset.js';
import type { ObservedMember } from '../phases/galera-observe.js';

/** The label the StatefulSet controller puts on each pod: the revision of its template. */
export const REVISION_LABEL = 'controller-revision-hash';

/** What one member looks like, as the galera phase observed it. */
export interface MemberView {
  pod: string;
  ordinal: number;
  object: V1Pod | undefined;
  report: MemberReport | null;
  wsrep: WsrepStatus | null;
}

export function viewOf(observed: ObservedMember): MemberView {
  const o = observed.observation;
  return { pod: o.pod, ordinal: o.ordinal, object: observed.pod, report: o.kind === 'reported' ? o.report : null, wsrep: observed.wsrep };
}

/** The revision new pods get, once the StatefulSet controller has seen the latest spec. */
export function desiredRevision(sts: V1StatefulSet | undefined): string | null {
  if (!sts?.status?.updateRevision) return null;
  const seen = sts.status.observedGeneration ?? 0;
  return seen >= (sts.metadata?.generation ?? 0) ? sts.status.updateRevision : null;
}

export function podReady(pod: V1Pod | undefined): boolean {
  return (pod?.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

export function wsrepSynced(wsrep: WsrepStatus | null): boolean {
  return wsrep !== null && wsrep.clusterStatus === 'Primary' && wsrep.localState === 4;
}

/** Waiting reasons that mean the container cannot run as specified. */
const STUCK_WAITING = new Set(['CrashLoopBackOff', 'ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);

/** The telling part of a termination message (a log tail): its first errors, else its end. */
export function tellingLines(message: string | undefined): string {
  const lines = (message ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
  const errors = lines.filter((l) => l.includes('[ERROR]')).map((l) => l.slice(l.indexOf('[ERROR]')));
  return (errors.length > 0 ? errors.slice(0, 2) : lines.slice(-3)).join(' | ');
}

function describeExit(t: V1ContainerStateTerminated, restarts: number): string {
  const name = Object.entries(constants.signals).find(([, n]) => n === t.signal)?.[0];
  const how = t.signal ? `was killed by signal ${t.signal}${name ? ` (${name})` : ''}` : `exited with code ${t.exitCode}`;
  const telling = tellingLines(t.message);
  const detail = telling ? `: ${telling}` : '';
  const again = restarts > 0 ? ` (restarted ${restarts} time${restarts === 1 ? '' : 's'})` : '';
  return `the ${MARIADB_CONTAINER} container ${how}${detail}${again}`;
}

/**
 * Why the member's mariadb container does not run, or null. Meaningful only for a member that
 * is not serving: a member that crashed once and recovered is not failing.
 */
export function memberFailure(pod: V1Pod | undefined, report: MemberReport | null): MemberFailure | null {
  if (pod?.status?.phase === 'Failed') {
    return { reason: pod.status.reason ?? 'PodFailed', message: pod.status.message ?? 'the pod failed' };
  }
  if (report?.phase === 'Failed') return { reason: 'EntrypointFailed', message: report.message ?? 'the entrypoint gave up' };
  const c = pod?.status?.containerStatuses?.find((s) => s.name === MARIADB_CONTAINER);
  if (!c) return null;
  const restarts = c.restartCount ?? 0;
  const now = c.state?.terminated;
  if (now && now.exitCode !== 0) return { reason: now.reason ?? 'Error', message: describeExit(now, restarts) };
  const last = c.lastState?.terminated;
  const waiting = c.state?.waiting;
  if (waiting?.reason && STUCK_WAITING.has(waiting.reason)) {
    const message = last && last.exitCode !== 0 ? describeExit(last, restarts) : (waiting.message ?? waiting.reason);
    return { reason: waiting.reason, message };
  }
  // Running again after a failed start: still failing until it serves.
  if (restarts > 0 && last && last.exitCode !== 0) return { reason: last.reason ?? 'Error', message: describeExit(last, restarts) };
  return null;
}

function isoOf(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const date = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

export function rollingMember(view: MemberView): RollingMember {
  const pod = view.object;
  const ready = podReady(pod);
  const synced = wsrepSynced(view.wsrep);
  return {
    pod: view.pod,
    ordinal: view.ordinal,
    revision: pod ? (pod.metadata?.labels?.[REVISION_LABEL] ?? '') : null,
    terminating: Boolean(pod?.metadata?.deletionTimestamp),
    createdAt: isoOf(pod?.metadata?.creationTimestamp),
    ready,
    synced,
    failure: ready && synced ? null : memberFailure(pod, view.report),
  };
}

const MINUTE_MS = 60_000;
/** Copying data into a restarted member (SST) at a pessimistic 20 MiB/s. */
const SST_BYTES_PER_MS = (20 * 1024 * 1024) / 1000;

/**
 * How long a restarted member may take to be Synced again before the roll is blocked: five
 * minutes, plus a full SST of its volume at a pessimistic rate (IST is usually seconds).
 */
export function comebackBoundMs(storageSize: string | number | undefined): number {
  const nanos = storageSize === undefined ? null : quantityToNanos(storageSize);
  const bytes = nanos === null ? 0 : Number(nanos / 1_000_000_000n);
  return 5 * MINUTE_MS + Math.ceil(bytes / SST_BYTES_PER_MS);
}
