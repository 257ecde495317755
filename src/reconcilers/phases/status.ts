/** Summarises the members, the phase shown by `kubectl get`, and the Ready condition. */
import type { MemberStatus } from '../../crd/mysqlcluster.js';
import { getCondition } from '../../runtime/index.js';
import type { Scope } from '../scope.js';
import type { ObservedMember } from './galera-observe.js';

function memberState(m: ObservedMember): string {
  const o = m.observation;
  if (o.kind === 'podMissing') return 'Missing';
  if (o.kind === 'unreachable') return 'Unreachable';
  if (m.wsrep) return m.wsrep.clusterStatus === 'Primary' ? m.wsrep.localStateComment || 'Running' : m.wsrep.clusterStatus || 'Running';
  return o.report.phase;
}

function memberSeqno(m: ObservedMember): number {
  const o = m.observation;
  if (m.wsrep && m.wsrep.lastCommitted >= 0) return m.wsrep.lastCommitted;
  return o.kind === 'reported' ? (o.report.position?.seqno ?? -1) : -1;
}

export function memberStatuses(members: ObservedMember[], writer: string | undefined): MemberStatus[] {
  return members.map((m) => {
    const ready = Boolean(m.wsrep && m.wsrep.clusterStatus === 'Primary' && m.wsrep.localState === 4);
    return {
      name: m.observation.pod,
      state: memberState(m),
      seqno: memberSeqno(m),
      ready,
      ...(writer === m.observation.pod ? { writer: true } : {}),
      ...(m.pod?.status?.podIP ? { address: m.pod.status.podIP } : {}),
    };
  });
}

export function summarizeStatus(scope: Scope): void {
  const { status, spec } = scope;
  const members = memberStatuses(scope.members, status.writer);
  const readyCount = members.filter((m) => m.ready).length;
  status.members = members;
  status.replicas = scope.members.filter((m) => m.pod !== undefined).length;
  status.readyReplicas = readyCount;
  status.ready = `${readyCount}/${spec.replicas}`;

  const galera = getCondition(status.conditions as never, 'GaleraReady');
  const proxy = getCondition(status.conditions as never, 'ProxyReady');
  const proxyOk = spec.proxy.type === 'none' || proxy?.status === 'True';
  const stalled = getCondition(status.conditions as never, 'RecoveryStalled')?.status === 'True';
  const recovering = getCondition(status.conditions as never, 'Recovering')?.status === 'True';

  if (galera?.status === 'True' && proxyOk) {
    scope.condition({ type: 'Ready', status: 'True', reason: 'AllMembersSynced', message: `${readyCount}/${spec.replicas} members Synced` });
  } else if (galera?.status === 'True') {
    scope.condition({ type: 'Ready', status: 'False', reason: proxy?.reason ?? 'ProxyNotReady', message: proxy?.message ?? 'the proxy is not ready' });
  } else {
    scope.condition({
      type: 'Ready',
      status: 'False',
      reason: galera?.reason ?? 'MembersNotReady',
      message: `${readyCount}/${spec.replicas} members Synced${galera ? `: ${galera.message}` : ''}`,
    });
  }
  // A cluster restored from a backup is Ready only once the backup is loaded.
  const restored = getCondition(status.conditions as never, 'Restored');
  const restoring = spec.bootstrapFrom !== undefined && restored?.status !== 'True';
  if (restoring) {
    scope.condition({ type: 'Ready', status: 'False', reason: restored?.reason ?? 'Restoring', message: restored?.message ?? 'the restore has not started' });
  }
  const bootstrapped = Boolean(status.clusterUUID);
  status.phase = restoring
    ? 'Restoring'
    : stalled
      ? 'Stalled'
      : recovering && bootstrapped
        ? 'Recovering'
        : !bootstrapped
          ? 'Creating'
          : readyCount === spec.replicas && proxyOk
            ? 'Running'
            : 'Degraded';
}
