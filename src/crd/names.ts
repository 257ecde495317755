/** API group, version and kind names of the operator's custom resources (see interfaces.md). */
export const API_GROUP = 'galera-operator.io';
export const API_VERSION_NAME = 'v1alpha1';
export const API_VERSION = `${API_GROUP}/${API_VERSION_NAME}` as const;

export interface KindNames {
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  categories: string[];
}

export const MYSQL_CLUSTER: KindNames = {
  kind: 'MySQLCluster',
  listKind: 'MySQLClusterList',
  plural: 'mysqlclusters',
  singular: 'mysqlcluster',
  shortNames: ['myc'],
  categories: ['galera'],
};

export const MYSQL_BACKUP: KindNames = {
  kind: 'MySQLBackup',
  listKind: 'MySQLBackupList',
  plural: 'mysqlbackups',
  singular: 'mysqlbackup',
  shortNames: ['mybk'],
  categories: ['galera'],
};

/** The CRD object name: `<plural>.<group>`. */
export function crdName(names: KindNames): string {
  return `${names.plural}.${API_GROUP}`;
}
