/**
 * One pass of proxy programming, shared by the proxy phase and the drain contract: choose the
 * writer (a drained member is not eligible), then bring every proxy pod to it.
 */
import type { Scope } from '../scope.js';
import { desiredHAProxyConfig } from './objects.js';
import { drainTimedOut } from './drain-deadline.js';
import { syncHAProxy } from './haproxy-sync.js';
import type { ProxyPodOutcome } from './pods.js';
import { desyncMember, syncProxySQLPods } from './proxysql-sync.js';
import { decideWriter } from './writer.js';

export async function programProxies(scope: Scope, drained: string | undefined): Promise<ProxyPodOutcome[]> {
  decideWriter(scope, drained);
  if (scope.spec.proxy.type === 'haproxy') {
    return syncHAProxy(scope, {
      config: desiredHAProxyConfig(scope),
      drained: drained ? [drained] : [],
      drainTimedOut: drained ? drainTimedOut(scope, drained) : false,
    });
  }
  // Desync only while draining: once the rollout restarts the member, the restart has cleared
  // it, and desyncing again would keep the member from ever counting as Synced.
  if (drained && (scope.status.rollout?.phase ?? 'Draining') === 'Draining') {
    const failure = await desyncMember(scope, drained);
    if (failure) scope.log.warn({ member: drained }, `could not desync the member for its drain: ${failure}`);
  }
  return syncProxySQLPods(scope, drained);
}
