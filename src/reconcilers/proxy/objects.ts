/**
 * The proxy's Kubernetes objects: applied for haproxy/proxysql, removed for type none (only
 * objects whose controller is this MySQLCluster, so nothing someone else made is deleted).
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { controllerOf, isNotFound, Resources } from '../../runtime/index.js';
import { haproxyConfigText, haproxyPodParts, HAPROXY_CONFIG_KEYS } from '../builders/proxy-haproxy.js';
import { proxyConfigMap, proxyDeployment, proxyPodDisruptionBudget, proxyService, type ProxyPodParts } from '../builders/proxy-objects.js';
import { proxysqlPodParts } from '../builders/proxy-proxysql.js';
import { objectNames } from '../labels.js';
import type { Scope } from '../scope.js';

/** The rendered haproxy.cfg for the writer in status (what every HAProxy pod should run). */
export function desiredHAProxyConfig(scope: Scope): string {
  const addresses = new Map<string, string>();
  for (const m of scope.members) {
    const ip = m.pod?.status?.podIP;
    if (ip && !m.pod?.metadata?.deletionTimestamp) addresses.set(m.observation.pod, ip);
  }
  return haproxyConfigText(scope.ref, scope.spec, scope.status.writer ?? null, addresses);
}

export async function applyProxyObjects(scope: Scope): Promise<void> {
  let parts: ProxyPodParts;
  let data: Record<string, string>;
  if (scope.spec.proxy.type === 'haproxy') {
    parts = haproxyPodParts(scope.ref, scope.spec, scope.settings.operatorImage);
    // The seed for new pods; running pods get changes from the operator through their agent.
    data = { ...parts.startupData, [HAPROXY_CONFIG_KEYS.config]: desiredHAProxyConfig(scope) };
  } else {
    parts = proxysqlPodParts(scope.ref, scope.spec);
    data = parts.startupData;
  }
  await scope.apply(proxyConfigMap(scope.ref, data));
  await scope.apply(proxyDeployment(scope.ref, scope.spec, parts));
  await scope.apply(proxyService(scope.ref, scope.spec));
  await scope.apply(proxyPodDisruptionBudget(scope.ref));
}

export async function removeProxyObjects(scope: Scope): Promise<string[]> {
  const names = objectNames(scope.ref.name);
  const ns = scope.ref.namespace;
  const removed: string[] = [];
  /** Deletes `cached` (by `remove`) only when this cluster is its controller. */
  const removeOwned = async (cached: KubernetesObject | undefined, remove: (options: object) => Promise<unknown>) => {
    if (!cached || controllerOf(cached)?.uid !== scope.cluster.metadata.uid) return;
    try {
      // Options as query parameters: a DELETE body is not framed by the REST client (no length).
      await remove({ query: { propagationPolicy: 'Background' } });
      removed.push(`${cached.kind ?? 'object'}/${cached.metadata?.name}`);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  };
  const { informer, rest } = { informer: scope.manager.informer.bind(scope.manager), rest: scope.manager.rest };
  // One call per kind, written out, so the RBAC check (test/unit/manifests) can read each.
  await removeOwned(informer<KubernetesObject>(Resources.Deployment).get(ns, names.proxy), (o) =>
    rest.request('DELETE', `/apis/apps/v1/namespaces/${ns}/deployments/${names.proxy}`, o));
  await removeOwned(informer<KubernetesObject>(Resources.Service).get(ns, names.proxy), (o) =>
    rest.request('DELETE', `/api/v1/namespaces/${ns}/services/${names.proxy}`, o));
  await removeOwned(informer<KubernetesObject>(Resources.PodDisruptionBudget).get(ns, names.proxyPdb), (o) =>
    rest.request('DELETE', `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets/${names.proxyPdb}`, o));
  await removeOwned(informer<KubernetesObject>(Resources.ConfigMap).get(ns, names.proxyConfig), (o) =>
    rest.request('DELETE', `/api/v1/namespaces/${ns}/configmaps/${names.proxyConfig}`, o));
  return removed;
}
