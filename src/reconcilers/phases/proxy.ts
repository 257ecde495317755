/** Placeholder until the proxy module is wired: type none only. */
import type { Phase } from '../scope.js';

export const proxyPhase: Phase = {
  name: 'proxy',
  async run(scope) {
    if (scope.spec.proxy.type === 'none') {
      scope.status.conditions = (scope.status.conditions ?? []).filter((c) => c.type !== 'ProxyReady');
      return 'continue';
    }
    scope.condition({ type: 'ProxyReady', status: 'False', reason: 'ProxyNotImplemented', message: `proxy type ${scope.spec.proxy.type} is not wired yet` });
    return 'continue';
  },
};
