/**
 * One pass of proxy programming, shared by the proxy phase and the drain contract: choose the
 * writer (a drained member is not eligible), then bring every proxy pod to it.
 */
import { observedMember } from '../phases/galera-observe.js';
import type { Scope } from '../scope.js';
import { desiredHAProxyConfig } from './objects.js';
import { drainTimedOut } from './drain-deadline.js';
import { syncHAProxy } from './haproxy-sync.js';
import type { ProxyPodOutcome } from './pods.js';
import { desyncMember, resyncReleased } from './desync.js';
import { syncProxySQLPods } from './proxysql-sync.js';
import { decideWriter } from './writer.js';

export async function programProxies(scope: Scope, drained: string | undefined): Promise<ProxyPodOutcome[]> {
  decideWriter(scope, drained);
  // Whatever the proxy type now: a desync recorded by an earlier ProxySQL drain is released.
  await resyncReleased(scope, stillDrained(scope, drained));
  if (scope.spec.proxy.type === 'haproxy') {
    return syncHAProxy(scope, {
      config: desiredHAProxyConfig(scope),
      drained: drained ? [drained] : [],
      drainTimedOut: drained ? drainTimedOut(scope, drained) : false,
    });
  }
  const outcomes = await syncProxySQLPods(scope, drained);
  // Desync only while draining: once the rollout restarts the member, the restart has cleared
  // it, and desyncing again would keep the member from ever counting as Synced.
  if (!drained || (scope.status.rollout?.phase ?? 'Draining') !== 'Draining') return outcomes;
  return desyncWhenIdle(scope, drained, outcomes);
}

/** Members that stay drained whatever this pass is about: the roll's, and those a scale-down removes. */
function stillDrained(scope: Scope, drained: string | undefined): Set<string> {
  const members = scope.members.map((m) => m.observation).filter((o) => o.ordinal >= scope.spec.replicas).map((o) => o.pod);
  return new Set([...members, ...(drained ? [drained] : []), ...(scope.status.rollout?.member ? [scope.status.rollout.member] : [])]);
}

/**
 * The desync keeps a drained member out of ProxySQL for good (the monitor undoes OFFLINE_SOFT
 * on a healthy member), but the monitor takes a desynced member out of its hostgroups at once,
 * failing the queries in flight on it: so it comes once no ProxySQL has a connection in use on
 * the member (or the drain wait is over), and the member counts as drained only once desynced.
 */
async function desyncWhenIdle(scope: Scope, drained: string, outcomes: ProxyPodOutcome[]): Promise<ProxyPodOutcome[]> {
  const idle = outcomes.every((o) => (o.drainedSessions ?? 0) === 0 && !o.failure);
  if (idle || drainTimedOut(scope, drained)) {
    const failure = await desyncMember(scope, drained);
    if (failure) scope.log.warn({ member: drained }, `could not desync the member for its drain: ${failure}`);
  }
  const wsrep = observedMember(scope, drained)?.wsrep ?? null;
  // Not running: nothing routes to it. Otherwise Donor/Desynced, as observed this reconcile.
  const desynced = wsrep === null || wsrep.localState === 2;
  return outcomes.map((o) => ({ ...o, memberDrained: o.memberDrained && desynced }));
}
