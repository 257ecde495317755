/** The ProxyReady condition from the per-pod outcomes of one reconcile (pure). */
import type { ProxyReason } from './reasons.js';
import type { ProxyPodOutcome } from './pods.js';

export interface ProxyReadiness {
  ready: boolean;
  reason: ProxyReason;
  message: string;
}

const SEVERITY: readonly ProxyReason[] = ['ProxyProgrammingFailed', 'ProxyUnreachable', 'ProxyConfigPending'];

export function proxyReadiness(outcomes: readonly ProxyPodOutcome[], replicas: number, writer: string | undefined): ProxyReadiness {
  const serving = outcomes.filter((o) => o.ready && o.programmed);
  // A Ready pod that runs a stale config (or cannot be reached) may route wrongly: not ready.
  const failing = outcomes.filter((o) => o.failure && (o.ready || o.failure.reason === 'ProxyProgrammingFailed'));
  if (failing.length > 0) {
    const worst = SEVERITY.find((r) => failing.some((o) => o.failure!.reason === r))!;
    const messages = failing.filter((o) => o.failure!.reason === worst).map((o) => o.failure!.message);
    return { ready: false, reason: worst, message: messages.join('; ') };
  }
  if (serving.length < replicas) {
    return { ready: false, reason: 'ProxyPodsNotReady', message: `${serving.length}/${replicas} proxy pods Ready and programmed` };
  }
  return {
    ready: true,
    reason: 'ProxyProgrammed',
    message: `${serving.length}/${replicas} proxy pods Ready and programmed${writer ? `; writer ${writer}` : '; no writer'}`,
  };
}
