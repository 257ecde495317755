/**
 * The proxy's Kubernetes objects: applied for haproxy/proxysql, removed for type none (only
 * objects whose controller is this MySQLCluster, so nothing someone else made is deleted).
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { controllerOf, isNotFound, resourcePath, Resources, type ResourceRef } from '../../runtime/index.js';
import { haproxyConfigText, haproxyPodParts, HAPROXY_CONFIG_KEYS } from '../builders/proxy-haproxy.js';
import { proxyConfigMap, proxyDeployment, proxyPodDisruptionBudget, proxyService, type ProxyPodParts } from '../builders/proxy-objects.js';
import { proxysqlPodParts } from '../builders/proxy-proxysql.js';
import { objectNames } from '../labels.js';
import type { Scope } from '../scope.js';

/** The rendered haproxy.cfg for the writer in status (what every HAProxy pod should run). */
export function desiredHAProxyConfig(scope: Scope): string {
  return haproxyConfigText(scope.ref, scope.spec, scope.status.writer ?? null);
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
  const owned: Array<[ResourceRef, string]> = [
    [Resources.Deployment, names.proxy],
    [Resources.Service, names.proxy],
    [Resources.PodDisruptionBudget, names.proxyPdb],
    [Resources.ConfigMap, names.proxyConfig],
  ];
  const uid = scope.cluster.metadata.uid;
  const removed: string[] = [];
  for (const [resource, name] of owned) {
    const cached = scope.manager.informer<KubernetesObject>(resource).get(scope.ref.namespace, name);
    if (!cached || controllerOf(cached)?.uid !== uid) continue;
    try {
      await scope.manager.rest.request('DELETE', resourcePath(resource, scope.ref.namespace, name), {
        body: { propagationPolicy: 'Background', preconditions: { uid: cached.metadata?.uid } },
      });
      removed.push(`${resource.kind}/${name}`);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  return removed;
}
