/**
 * Pure builders for a cluster's database objects: ConfigMap, headless Service, PDB.
 * The StatefulSet has its own module.
 */
import { createHash } from 'node:crypto';
import type { V1ConfigMap, V1PodDisruptionBudget, V1Service } from '@kubernetes/client-node';
import type { MySQLClusterSpec } from '../../crd/mysqlcluster.js';
import { buildConfigMapData, type GaleraConfigInput } from '../../galera/config.js';
import { AGENT_PORT, GCOMM_PORT, IST_PORT, MYSQL_PORT, SST_PORT } from '../../galera/scripts/layout.js';
import { clusterLabels, objectNames, selectorLabels } from '../labels.js';

export interface ClusterRef {
  name: string;
  namespace: string;
}

export function galeraConfigInput(cluster: ClusterRef, spec: MySQLClusterSpec): GaleraConfigInput {
  return {
    clusterName: cluster.name,
    namespace: cluster.namespace,
    replicas: spec.replicas,
    sst: spec.sst,
    providerOptions: spec.galera.providerOptions,
    extraConfig: spec.config,
  };
}

export function configMap(cluster: ClusterRef, spec: MySQLClusterSpec): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: objectNames(cluster.name).config, namespace: cluster.namespace, labels: clusterLabels(cluster.name, 'database') },
    data: buildConfigMapData(galeraConfigInput(cluster, spec)),
  };
}

/**
 * Hash of what a running member reads at start, except the member list: wsrep_cluster_address
 * matters only when a member (re)joins, so scaling must not restart every member.
 */
export function configHash(data: Record<string, string>, image: string): string {
  const hash = createHash('sha256');
  for (const key of Object.keys(data).sort()) {
    hash.update(key).update('\0').update(data[key]!.replace(/^wsrep_cluster_address\s*=.*$/m, '')).update('\0');
  }
  return hash.update(image).digest('hex').slice(0, 16);
}

export function headlessService(cluster: ClusterRef): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: objectNames(cluster.name).headlessService,
      namespace: cluster.namespace,
      labels: clusterLabels(cluster.name, 'database'),
    },
    spec: {
      clusterIP: 'None',
      // Members must find each other before they are ready (they become ready by joining).
      publishNotReadyAddresses: true,
      selector: selectorLabels(cluster.name, 'database'),
      ports: [
        { name: 'mysql', port: MYSQL_PORT, targetPort: MYSQL_PORT },
        { name: 'galera', port: GCOMM_PORT, targetPort: GCOMM_PORT },
        { name: 'sst', port: SST_PORT, targetPort: SST_PORT },
        { name: 'ist', port: IST_PORT, targetPort: IST_PORT },
        { name: 'agent', port: AGENT_PORT, targetPort: AGENT_PORT },
      ],
    },
  };
}

export function podDisruptionBudget(cluster: ClusterRef, spec: MySQLClusterSpec): V1PodDisruptionBudget {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: objectNames(cluster.name).pdb, namespace: cluster.namespace, labels: clusterLabels(cluster.name, 'database') },
    spec: {
      maxUnavailable: spec.podDisruptionBudget.maxUnavailable,
      selector: { matchLabels: selectorLabels(cluster.name, 'database') },
    },
  };
}
