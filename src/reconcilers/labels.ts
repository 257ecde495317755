/** Labels, names and annotation keys shared by everything the operator creates for a cluster. */
import { API_GROUP } from '../crd/names.js';

export const INSTANCE_LABEL = 'app.kubernetes.io/instance';
export const COMPONENT_LABEL = 'app.kubernetes.io/component';
export const FIELD_MANAGER = 'galera-operator';
export const CONFIG_HASH_ANNOTATION = `${API_GROUP}/config-hash`;
/** On MySQLBackups a schedule created: the schedule's name (retention counts per schedule). */
export const SCHEDULE_LABEL = `${API_GROUP}/schedule`;

export type Component = 'database' | 'proxy' | 'backup';

export function clusterLabels(name: string, component?: Component): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'mariadb-galera',
    [INSTANCE_LABEL]: name,
    'app.kubernetes.io/managed-by': FIELD_MANAGER,
    ...(component ? { [COMPONENT_LABEL]: component } : {}),
  };
}

/** The subset that selects pods: stable for the life of the cluster (selectors are immutable). */
export function selectorLabels(name: string, component: Component): Record<string, string> {
  return { [INSTANCE_LABEL]: name, [COMPONENT_LABEL]: component };
}

export const objectNames = (name: string) => ({
  statefulSet: name,
  headlessService: `${name}-headless`,
  config: `${name}-config`,
  credentials: `${name}-credentials`,
  pdb: `${name}`,
  proxy: `${name}-proxy`,
  proxyConfig: `${name}-proxy-config`,
  proxyPdb: `${name}-proxy`,
  /** Holds every backup of the cluster; no owner reference, so it outlives the cluster. */
  backups: `${name}-backups`,
  pod: (ordinal: number) => `${name}-${ordinal}`,
});
