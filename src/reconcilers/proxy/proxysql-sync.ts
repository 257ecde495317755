/**
 * Programs every ProxySQL pod of a cluster through its admin interface: syncProxySQL diffs
 * first and writes (and LOADs) only what changed, so running it on every reconcile is what
 * reprograms a restarted pod and follows membership and writer changes. A drained member is
 * OFFLINE_SOFT here (its queries in flight finish), then desynced on the member itself once idle
 * (programming.ts: the monitor undoes OFFLINE_SOFT, facts.md), and each ProxySQL is asked
 * whether it still routes to it.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { MONITOR_USER } from '../../galera/scripts/layout.js';
import { syncProxySQL, type ProxySQLAdminTarget } from '../../proxysql/admin.js';
import { buildProxySQLDesiredState, type ProxySQLDesiredState } from '../../proxysql/desired-state.js';
import { readProxySQLDrainStatus } from '../../proxysql/drain-status.js';
import { clusterMembers, memberDnsName } from '../../proxysql/topology.js';
import { CREDENTIAL_KEYS } from '../builders/credentials.js';
import type { Scope } from '../scope.js';
import { isPodReady, proxyPods, type ProxyPodOutcome } from './pods.js';

export function proxysqlDesiredState(scope: Scope, drained?: string): ProxySQLDesiredState {
  const c = scope.credentials;
  return buildProxySQLDesiredState({
    members: clusterMembers(scope.ref.name, scope.ref.namespace, scope.spec.replicas),
    writer: scope.status.writer ?? null,
    ...(drained ? { drained } : {}),
    appUsers: [
      {
        username: c[CREDENTIAL_KEYS.appUsername] ?? scope.spec.app.username,
        password: c[CREDENTIAL_KEYS.appPassword] ?? '',
        defaultSchema: c[CREDENTIAL_KEYS.appDatabase] ?? scope.spec.app.database,
      },
    ],
    monitor: { username: MONITOR_USER, password: c[CREDENTIAL_KEYS.monitorPassword] ?? '' },
  });
}

function adminTarget(scope: Scope, host: string): ProxySQLAdminTarget {
  return { host, password: scope.credentials[CREDENTIAL_KEYS.proxyOperatorPassword] ?? '' };
}

function memberHost(scope: Scope, member: string): string {
  return memberDnsName(scope.ref.name, scope.ref.namespace, Number(member.slice(member.lastIndexOf('-') + 1)));
}

async function syncPod(scope: Scope, pod: V1Pod, desired: ProxySQLDesiredState, drained: string | undefined): Promise<ProxyPodOutcome> {
  const name = pod.metadata!.name!;
  const base = { pod: name, ready: isPodReady(pod), programmed: false, memberDrained: drained === undefined };
  const host = pod.status?.podIP;
  if (!host || pod.status?.phase !== 'Running') {
    return { ...base, failure: { reason: 'ProxyUnreachable', message: `${name} is not running yet` } };
  }
  const target = adminTarget(scope, host);
  const result = await syncProxySQL(target, desired);
  if (!result.ok) {
    const reason = result.stage === 'connect' ? 'ProxyUnreachable' : 'ProxyProgrammingFailed';
    return { ...base, failure: { reason, message: `${name}: ${result.stage}: ${result.message}` } };
  }
  if (result.changed) {
    scope.log.info({ pod: name, loaded: result.loadedModules, statements: result.applied.length, writer: scope.status.writer }, 'programmed ProxySQL');
  }
  if (drained === undefined) return { ...base, programmed: true };
  const status = await readProxySQLDrainStatus(target, memberHost(scope, drained));
  if (!status.ok) return { ...base, programmed: true, failure: { reason: 'ProxyUnreachable', message: `${name}: ${status.message}` } };
  return { ...base, programmed: true, memberDrained: status.outOfRouting && status.connectionsInUse === 0, drainedSessions: status.connectionsInUse };
}

/** Whether this ProxySQL routes to `member` again: ONLINE in the writer or the reader hostgroup. */
export async function proxysqlRoutesTo(scope: Scope, pod: V1Pod, member: string): Promise<boolean> {
  const host = pod.status?.podIP;
  if (!host || pod.status?.phase !== 'Running') return false;
  const status = await readProxySQLDrainStatus(adminTarget(scope, host), memberHost(scope, member));
  return status.ok && !status.outOfRouting;
}

export async function syncProxySQLPods(scope: Scope, drained: string | undefined): Promise<ProxyPodOutcome[]> {
  const desired = proxysqlDesiredState(scope, drained);
  return Promise.all(proxyPods(scope).map((pod) => syncPod(scope, pod, desired, drained)));
}
