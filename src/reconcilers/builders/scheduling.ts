/** Pod placement from spec.scheduling: anti-affinity by topology key unless a full affinity is given. */
import type { V1Affinity, V1PodSpec, V1Toleration, V1TopologySpreadConstraint } from '@kubernetes/client-node';
import type { MySQLClusterSpec } from '../../crd/mysqlcluster.js';

type Scheduling = MySQLClusterSpec['scheduling'];

export function antiAffinity(
  mode: 'preferred' | 'required' | 'none',
  topologyKey: string,
  matchLabels: Record<string, string>,
): V1Affinity | undefined {
  const term = { labelSelector: { matchLabels }, topologyKey };
  if (mode === 'required') return { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } };
  if (mode === 'preferred') {
    return { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] } };
  }
  return undefined;
}

/** The placement fields of a pod spec for pods selected by `matchLabels`. */
export function placement(scheduling: Scheduling, matchLabels: Record<string, string>): Partial<V1PodSpec> {
  const affinity = (scheduling.affinity as V1Affinity | undefined) ??
    antiAffinity(scheduling.antiAffinity, scheduling.topologyKey, matchLabels);
  const spread = scheduling.topologySpreadConstraints?.map(
    (c) => ({ labelSelector: { matchLabels }, ...c }) as V1TopologySpreadConstraint,
  );
  return {
    ...(affinity ? { affinity } : {}),
    ...(scheduling.nodeSelector ? { nodeSelector: scheduling.nodeSelector } : {}),
    ...(scheduling.tolerations ? { tolerations: scheduling.tolerations as V1Toleration[] } : {}),
    ...(scheduling.priorityClassName ? { priorityClassName: scheduling.priorityClassName } : {}),
    ...(spread?.length ? { topologySpreadConstraints: spread } : {}),
  };
}
