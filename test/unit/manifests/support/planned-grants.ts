/**
 * Grants in manifests/rbac that the code scan does not (yet) find, each with its reason. The
 * RBAC test refuses any other grant the code does not need, and any entry here that the
 * ClusterRole no longer has, so this list stays short and true.
 */
import { grant, type Grant } from './load.js';

const each = (group: string, resource: string, verbs: string[], why: string): Array<[Grant, string]> =>
  verbs.map((verb) => [grant(group, resource, verb), why]);

export const PLANNED_GRANTS: ReadonlyMap<Grant, string> = new Map([
  ...each('galera-operator.io', 'mysqlclusters/finalizers', ['update'], 'owner references with blockOwnerDeletion, where OwnerReferencesPermissionEnforcement is on'),
  ...each('galera-operator.io', 'mysqlbackups', ['list', 'watch', 'create', 'patch', 'delete'], 'scheduled backups create MySQLBackups, retention deletes them (architecture.md, Backups)'),
  ...each('galera-operator.io', 'mysqlbackups/status', ['patch'], 'backup phase and completionTime (interfaces.md)'),
  ...each('apps', 'deployments', ['create', 'patch'], 'proxy Deployments (ProxySQL/HAProxy); already watched as owned'),
  ...each('', 'pods', ['delete'], 'the StatefulSet uses OnDelete: the operator rolls members one by one'),
]);
