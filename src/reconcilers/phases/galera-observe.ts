/**
 * Gathers what the Galera decisions need about each expected member: its pod, its agent's
 * report, and — when mariadbd runs — its live wsrep status over SQL. Every call is bounded;
 * a failure is "unreachable" (unknown), never "absent".
 */
import net from 'node:net';
import type { V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import { getReport } from '../../galera/agent-client.js';
import type { LiveGaleraState, MemberObservation } from '../../galera/decisions/index.js';
import { readWsrepStatus, type MemberEndpoint, type SqlFailureKind, type WsrepStatus } from '../../mysql/index.js';
import { isNotFound, Resources } from '../../runtime/index.js';
import { CREDENTIAL_KEYS } from '../builders/credentials.js';
import { MYSQL_PORT } from '../../galera/scripts/layout.js';
import { DATA_VOLUME, MARIADB_CONTAINER } from '../builders/statefulset.js';
import { objectNames, selectorLabels } from '../labels.js';
import type { Scope } from '../scope.js';

export interface ObservedMember {
  observation: MemberObservation;
  pod: V1Pod | undefined;
  wsrep: WsrepStatus | null;
  /** Why wsrep is null although mariadbd runs, when the SQL read failed. */
  wsrepFailure?: SqlFailureKind;
}

/** What the galera phase observed of member `pod` in this reconcile, if anything. */
export function observedMember(scope: Scope, pod: string): ObservedMember | undefined {
  return scope.members.find((m) => m.observation.pod === pod);
}

export function memberPods(scope: Scope): Map<string, V1Pod> {
  const pods = scope.manager.informer<V1Pod>(Resources.Pod).list({
    namespace: scope.ref.namespace,
    labels: selectorLabels(scope.ref.name, 'database'),
  });
  return new Map(pods.map((p) => [p.metadata!.name!, p]));
}

export function rootEndpoint(scope: Scope, host: string): MemberEndpoint {
  return { host, port: MYSQL_PORT, user: 'root', password: scope.credentials[CREDENTIAL_KEYS.rootPassword] ?? '' };
}

function toLive(status: WsrepStatus): LiveGaleraState {
  const clusterStatus = status.clusterStatus === 'Primary' || status.clusterStatus === 'non-Primary' ? status.clusterStatus : 'Disconnected';
  return {
    clusterStatus,
    localState: status.localState,
    lastCommitted: status.lastCommitted,
    stateUuid: status.clusterStateUuid,
    confId: status.confId,
    clusterSize: status.clusterSize,
  };
}

/** A pod with no address or whose mariadb container never started runs no member process. */
function hasStarted(pod: V1Pod): boolean {
  if (!pod.status?.podIP) return false;
  const container = pod.status.containerStatuses?.find((c) => c.name === MARIADB_CONTAINER);
  return Boolean(container && (container.state?.running || container.state?.terminated || container.lastState?.terminated));
}

async function pvcExists(scope: Scope, pod: string): Promise<boolean> {
  const path = `/api/v1/namespaces/${scope.ref.namespace}/persistentvolumeclaims/${DATA_VOLUME}-${pod}`;
  try {
    await scope.manager.rest.get<V1PersistentVolumeClaim>(path);
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err; // unknown: the reconcile fails and retries rather than guessing
  }
}

/**
 * True only when the SQL port refuses a connection (nothing listens there). A timeout or an
 * accepted connection is not "refused": a SIGSTOPped server still accepts (facts.md).
 */
function sqlPortRefuses(host: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(MYSQL_PORT, host);
    const finish = (refused: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(refused);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.once('connect', () => finish(false));
    socket.once('error', (err: NodeJS.ErrnoException) => finish(err.code === 'ECONNREFUSED'));
  });
}

async function observeMember(scope: Scope, ordinal: number, pod: V1Pod | undefined): Promise<ObservedMember> {
  const name = objectNames(scope.ref.name).pod(ordinal);
  if (!pod || !hasStarted(pod)) {
    return { observation: { kind: 'podMissing', pod: name, ordinal, pvcExists: await pvcExists(scope, name) }, pod, wsrep: null };
  }
  const host = pod.status!.podIP!;
  const report = await getReport({ host, token: scope.credentials[CREDENTIAL_KEYS.agentToken] ?? '' });
  if (!report.ok) {
    return { observation: { kind: 'unreachable', pod: name, ordinal, detail: report.error.message }, pod, wsrep: null };
  }
  let wsrep: WsrepStatus | null = null;
  let wsrepFailure: SqlFailureKind | undefined;
  if (report.value.phase === 'Running') {
    const status = await readWsrepStatus(rootEndpoint(scope, host), { connectMs: 2000, queryMs: 3000 });
    if (status.ok) wsrep = status.value;
    else wsrepFailure = status.error.kind;
  }
  const notListening = report.value.phase === 'Starting' ? await sqlPortRefuses(host) : false;
  return {
    observation: { kind: 'reported', pod: name, ordinal, report: report.value, live: wsrep ? toLive(wsrep) : null, ...(notListening ? { notListening } : {}) },
    pod,
    wsrep,
    ...(wsrepFailure ? { wsrepFailure } : {}),
  };
}

/** Observations for ordinals 0..count-1, gathered in parallel. */
export async function observeMembers(scope: Scope, count: number): Promise<ObservedMember[]> {
  const pods = memberPods(scope);
  return Promise.all(
    Array.from({ length: count }, (_, i) => observeMember(scope, i, pods.get(objectNames(scope.ref.name).pod(i)))),
  );
}
