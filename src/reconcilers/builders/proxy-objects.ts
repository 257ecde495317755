/**
 * The objects every proxy type shares: the Deployment skeleton `<name>-proxy`, the Service
 * `<name>-proxy` (3306 read/write, 3307 read-only, never an admin port) and the proxies' PDB.
 * What runs inside the pods comes from proxy-haproxy.ts / proxy-proxysql.ts.
 */
import { createHash } from 'node:crypto';
import type { V1ConfigMap, V1Container, V1Deployment, V1PodDisruptionBudget, V1Service, V1Volume } from '@kubernetes/client-node';
import type { MySQLClusterSpec } from '../../crd/mysqlcluster.js';
import { PROXY_READ_ONLY_PORT, PROXY_READ_WRITE_PORT } from '../../proxysql/topology.js';
import { clusterLabels, CONFIG_HASH_ANNOTATION, objectNames, selectorLabels } from '../labels.js';
import type { ClusterRef } from './galera-objects.js';
import { antiAffinity } from './scheduling.js';

/** Where the ConfigMap `<name>-proxy-config` is mounted in proxy containers. */
export const PROXY_CONFIG_DIR = '/etc/proxy-config';
export const PROXY_CONFIG_VOLUME = 'proxy-config';
/** Ports the Service exposes; both proxies listen on them on the pod IP. */
export const PROXY_SERVICE_PORTS = { readWrite: PROXY_READ_WRITE_PORT, readOnly: PROXY_READ_ONLY_PORT } as const;

/** A TCP probe on the proxy's read/write port (both proxy kinds listen there). */
export function proxyTcpProbe(periodSeconds: number, failureThreshold: number) {
  return { tcpSocket: { port: PROXY_SERVICE_PORTS.readWrite }, periodSeconds, timeoutSeconds: 2, failureThreshold };
}

/** What one proxy type contributes to the shared skeleton. */
export interface ProxyPodParts {
  containers: V1Container[];
  /** Volumes besides the ConfigMap volume. */
  volumes: V1Volume[];
  /** ConfigMap entries read only at container start: a change rolls the proxy pods. */
  startupData: Record<string, string>;
}

export function proxyConfigMap(cluster: ClusterRef, data: Record<string, string>): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: objectNames(cluster.name).proxyConfig, namespace: cluster.namespace, labels: clusterLabels(cluster.name, 'proxy') },
    data,
  };
}

/** Hash of the startup entries and images: the pod template changes only when these do. */
export function proxyTemplateHash(parts: ProxyPodParts): string {
  const hash = createHash('sha256');
  for (const key of Object.keys(parts.startupData).sort()) hash.update(key).update('\0').update(parts.startupData[key]!).update('\0');
  for (const c of parts.containers) hash.update(c.image ?? '').update('\0');
  return hash.digest('hex').slice(0, 16);
}

export function proxyDeployment(cluster: ClusterRef, spec: MySQLClusterSpec, parts: ProxyPodParts): V1Deployment {
  const names = objectNames(cluster.name);
  const selector = selectorLabels(cluster.name, 'proxy');
  const affinity = antiAffinity('preferred', spec.scheduling.topologyKey, selector);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: names.proxy, namespace: cluster.namespace, labels: clusterLabels(cluster.name, 'proxy') },
    spec: {
      replicas: spec.proxy.replicas,
      selector: { matchLabels: selector },
      // A new proxy pod is Ready before an old one goes: clients always have a proxy.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: {
          labels: clusterLabels(cluster.name, 'proxy'),
          annotations: { [CONFIG_HASH_ANNOTATION]: proxyTemplateHash(parts) },
        },
        spec: {
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: 30,
          ...(affinity ? { affinity } : {}),
          ...(spec.scheduling.nodeSelector ? { nodeSelector: spec.scheduling.nodeSelector } : {}),
          containers: parts.containers,
          volumes: [
            { name: PROXY_CONFIG_VOLUME, configMap: { name: names.proxyConfig, defaultMode: 0o755 } },
            ...parts.volumes,
          ],
        },
      },
    },
  };
}

export function proxyService(cluster: ClusterRef, spec: MySQLClusterSpec): V1Service {
  const annotations = spec.proxy.service.annotations;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: objectNames(cluster.name).proxy,
      namespace: cluster.namespace,
      labels: clusterLabels(cluster.name, 'proxy'),
      ...(annotations ? { annotations } : {}),
    },
    spec: {
      type: spec.proxy.service.type,
      selector: selectorLabels(cluster.name, 'proxy'),
      ports: [
        { name: 'mysql', port: PROXY_SERVICE_PORTS.readWrite, targetPort: PROXY_SERVICE_PORTS.readWrite },
        { name: 'mysql-ro', port: PROXY_SERVICE_PORTS.readOnly, targetPort: PROXY_SERVICE_PORTS.readOnly },
      ],
    },
  };
}

export function proxyPodDisruptionBudget(cluster: ClusterRef): V1PodDisruptionBudget {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: objectNames(cluster.name).proxyPdb, namespace: cluster.namespace, labels: clusterLabels(cluster.name, 'proxy') },
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(cluster.name, 'proxy') } },
  };
}
