/** The proxy pods of a cluster, from the shared Pod cache. */
import type { V1Pod } from '@kubernetes/client-node';
import { Resources } from '../../runtime/index.js';
import { selectorLabels } from '../labels.js';
import type { Scope } from '../scope.js';

export function proxyPods(scope: Scope): V1Pod[] {
  return scope.manager
    .informer<V1Pod>(Resources.Pod)
    .list({ namespace: scope.ref.namespace, labels: selectorLabels(scope.ref.name, 'proxy') })
    .filter((p) => !p.metadata?.deletionTimestamp)
    .sort((a, b) => (a.metadata!.name! < b.metadata!.name! ? -1 : 1));
}

export function isPodReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** What one proxy pod's programming came to in this reconcile. */
export interface ProxyPodOutcome {
  pod: string;
  ready: boolean;
  /** Runs the desired configuration (and drain states). */
  programmed: boolean;
  /** The member under drain gets no new work here and has no sessions left. */
  memberDrained: boolean;
  /** Connections still in use on the member under drain (when the proxy says). */
  drainedSessions?: number;
  failure?: { reason: 'ProxyUnreachable' | 'ProxyProgrammingFailed' | 'ProxyConfigPending'; message: string };
}
