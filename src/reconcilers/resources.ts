/** The operator's own resource types, as the runtime addresses them. */
import { API_GROUP, API_VERSION_NAME, MYSQL_BACKUP, MYSQL_CLUSTER } from '../crd/names.js';
import type { ResourceRef } from '../runtime/index.js';

export const MYSQL_CLUSTER_RESOURCE: ResourceRef = {
  group: API_GROUP,
  version: API_VERSION_NAME,
  plural: MYSQL_CLUSTER.plural,
  kind: MYSQL_CLUSTER.kind,
};

export const MYSQL_BACKUP_RESOURCE: ResourceRef = {
  group: API_GROUP,
  version: API_VERSION_NAME,
  plural: MYSQL_BACKUP.plural,
  kind: MYSQL_BACKUP.kind,
};

export function clusterPath(namespace: string, name: string): string {
  const r = MYSQL_CLUSTER_RESOURCE;
  return `/apis/${r.group}/${r.version}/namespaces/${namespace}/${r.plural}/${name}`;
}
