import type { V1Pod, V1Service } from '@kubernetes/client-node';

/** Ready as endpoint controllers see it: Ready condition True and not being deleted. */
export function isPodReady(pod: V1Pod): boolean {
  if (pod.metadata?.deletionTimestamp) return false;
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Pods that finished can never serve again, whatever the Service says. */
function hasTerminated(pod: V1Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

export function isHeadless(svc: V1Service): boolean {
  return svc.spec?.clusterIP === 'None';
}

/** A Service with a virtual IP that a proxy can listen on. */
export function hasClusterIP(svc: V1Service): boolean {
  const ip = svc.spec?.clusterIP;
  return !!ip && ip !== 'None' && svc.spec?.type !== 'ExternalName';
}

export function podHostname(pod: V1Pod): string {
  return pod.spec?.hostname || pod.metadata?.name || '';
}

export function podKey(pod: V1Pod): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

/** Equality-based selector match; an empty or absent selector selects nothing (as for Services). */
export function selectorMatches(selector: Record<string, string> | undefined, pod: V1Pod): boolean {
  if (!selector) return false;
  const entries = Object.entries(selector);
  if (entries.length === 0) return false;
  const labels = pod.metadata?.labels ?? {};
  return entries.every(([k, v]) => labels[k] === v);
}

/**
 * Pods a Service publishes, in name order: same namespace, selected, with an IP, not finished,
 * and ready unless the Service publishes not-ready addresses.
 */
export function servicePods(svc: V1Service, pods: readonly V1Pod[]): V1Pod[] {
  const ns = svc.metadata?.namespace;
  const includeNotReady = svc.spec?.publishNotReadyAddresses === true;
  return pods
    .filter(
      (pod) =>
        pod.metadata?.namespace === ns &&
        !!pod.status?.podIP &&
        !hasTerminated(pod) &&
        selectorMatches(svc.spec?.selector, pod) &&
        (includeNotReady || isPodReady(pod)),
    )
    .sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
}
