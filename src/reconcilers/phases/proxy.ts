/**
 * The proxy in front of the members. Type haproxy/proxysql: the writer is chosen (sticky, a
 * drained member is not eligible), the proxy objects are applied, and every proxy pod is
 * brought to that writer and the drain of the member a roll restarts; ProxyReady says whether all
 * of them are. Type none: proxy objects this cluster owns are removed (a type change).
 */
import { drainedForRollout } from '../../galera/decisions/index.js';
import { removeCondition } from '../../runtime/index.js';
import { applyProxyObjects, removeProxyObjects } from '../proxy/objects.js';
import { programProxies } from '../proxy/programming.js';
import { proxyReadiness } from '../proxy/readiness.js';
import { decideWriter } from '../proxy/writer.js';
import type { Phase } from '../scope.js';

/** Look again soon while a proxy is not programmed or a drain is under way. */
const PROXY_RETRY_MS = 2000;
const DRAIN_POLL_MS = 1000;

export const proxyPhase: Phase = {
  name: 'proxy',
  async run(scope) {
    if (scope.spec.proxy.type === 'none') {
      // The writer still matters without a proxy (e.g. backups pick a non-writer member).
      decideWriter(scope);
      scope.status.conditions = removeCondition(scope.status.conditions as never, 'ProxyReady') as never;
      const removed = await removeProxyObjects(scope);
      if (removed.length > 0) scope.event('Normal', 'ProxyRemoved', `proxy type none: removed ${removed.join(', ')}`);
      return 'continue';
    }
    const drained = drainedForRollout(scope.status.rollout);
    decideWriter(scope, drained);
    await applyProxyObjects(scope);
    const outcomes = await programProxies(scope, drained);
    const readiness = proxyReadiness(outcomes, scope.spec.proxy.replicas, scope.status.writer);
    scope.condition({ type: 'ProxyReady', status: readiness.ready ? 'True' : 'False', reason: readiness.reason, message: readiness.message });
    if (!readiness.ready) scope.requeue(PROXY_RETRY_MS);
    if (drained) scope.requeue(DRAIN_POLL_MS);
    return 'continue';
  },
};
