/** Brings every HAProxy pod of a cluster to the desired config and drain states through its agent. */
import type { V1Pod } from '@kubernetes/client-node';
import { getProxyState, pushProxyConfig, setDrained, type ProxyAgentEndpoint } from '../../proxy-agent/client.js';
import { CREDENTIAL_KEYS } from '../builders/credentials.js';
import type { Scope } from '../scope.js';
import { planHAProxyPod, type HAProxyDesired } from './haproxy-plan.js';
import { isPodReady, proxyPods, type ProxyPodOutcome } from './pods.js';

function endpointOf(scope: Scope, host: string): ProxyAgentEndpoint {
  return { host, token: scope.credentials[CREDENTIAL_KEYS.agentToken] ?? '' };
}

async function syncPod(scope: Scope, pod: V1Pod, desired: HAProxyDesired): Promise<ProxyPodOutcome> {
  const name = pod.metadata!.name!;
  const ready = isPodReady(pod);
  const base = { pod: name, ready, programmed: false, memberDrained: false };
  const host = pod.status?.podIP;
  if (!host || pod.status?.phase !== 'Running') {
    return { ...base, failure: { reason: 'ProxyUnreachable', message: `${name} is not running yet` } };
  }
  const endpoint = endpointOf(scope, host);
  let answer = await getProxyState(endpoint);
  if (answer.ok && planHAProxyPod(answer.state, desired).setDrained) {
    answer = await setDrained(endpoint, desired.drained);
  }
  if (answer.ok && planHAProxyPod(answer.state, desired).pushConfig) {
    answer = await pushProxyConfig(endpoint, desired.config);
    if (answer.ok) scope.log.info({ pod: name, writer: scope.status.writer }, 'pushed the HAProxy configuration');
  }
  if (!answer.ok) return { ...base, failure: { reason: 'ProxyUnreachable', message: `${name}: ${answer.message}` } };
  const plan = planHAProxyPod(answer.state, desired);
  const outcome: ProxyPodOutcome = { ...base, programmed: plan.programmed, memberDrained: plan.memberDrained };
  if (!answer.state.adminReachable) {
    return { ...outcome, failure: { reason: 'ProxyUnreachable', message: `${name}: HAProxy's admin socket does not answer` } };
  }
  if (!plan.programmed) {
    const why = plan.drainedSessions > 0 ? ` (waiting for ${plan.drainedSessions} sessions on ${desired.drained.join(', ')} to end)` : '';
    return { ...outcome, failure: { reason: 'ProxyConfigPending', message: `${name} has not loaded the current configuration yet${why}` } };
  }
  return outcome;
}

/** Whether this HAProxy pod sends new sessions to `member` again: up and not drained on every listener. */
export async function haproxyRoutesTo(scope: Scope, pod: V1Pod, member: string): Promise<boolean> {
  const host = pod.status?.podIP;
  if (!host || pod.status?.phase !== 'Running') return false;
  const answer = await getProxyState(endpointOf(scope, host));
  if (!answer.ok) return false;
  const rows = answer.state.servers.filter((s) => s.server === member);
  return rows.length > 0 && rows.every((s) => s.up && !s.draining);
}

export async function syncHAProxy(scope: Scope, desired: HAProxyDesired): Promise<ProxyPodOutcome[]> {
  return Promise.all(proxyPods(scope).map((pod) => syncPod(scope, pod, desired)));
}
