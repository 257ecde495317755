/** The operator process: controllers for MySQLCluster and MySQLBackup, leader-elected. */
import type { MySQLBackup } from './crd/mysqlbackup.js';
import { backupReconciler } from './reconcilers/backup-reconciler.js';
import { MYSQL_CLUSTER_RESOURCE, clusterReconciler } from './reconcilers/cluster-reconciler.js';
import { MYSQL_BACKUP_RESOURCE } from './reconcilers/resources.js';
import { Manager, objectKey, Resources } from './runtime/index.js';

const clusterOf = (backup: MySQLBackup): string[] =>
  backup.spec?.cluster ? [objectKey(backup.metadata?.namespace, backup.spec.cluster)] : [];

async function main(): Promise<void> {
  const manager = new Manager({
    name: 'galera-operator',
    namespace: process.env.WATCH_NAMESPACE || undefined,
    leaderElection: {
      enabled: process.env.LEADER_ELECTION !== 'false',
      namespace: process.env.POD_NAMESPACE ?? process.env.LEADER_ELECTION_NAMESPACE ?? 'default',
    },
  });
  manager.register({
    name: 'mysqlcluster',
    primary: MYSQL_CLUSTER_RESOURCE,
    owns: [
      Resources.StatefulSet,
      Resources.Pod,
      Resources.Service,
      Resources.ConfigMap,
      Resources.PodDisruptionBudget,
      Resources.Deployment,
      // The restore Job of spec.bootstrapFrom.
      Resources.Job,
      // A backup's progress shows in its cluster's status.backup.
      { resource: MYSQL_BACKUP_RESOURCE, mapTo: (b) => clusterOf(b as MySQLBackup) },
    ],
    reconcile: clusterReconciler(manager, { operatorImage: process.env.OPERATOR_IMAGE ?? 'galera-operator:dev' }),
  });
  manager.register({
    name: 'mysqlbackup',
    primary: MYSQL_BACKUP_RESOURCE,
    owns: [Resources.Job],
    // One at a time: a cluster runs one backup at a time, and the choice reads the cache.
    concurrency: 1,
    reconcile: backupReconciler(manager),
  });
  await manager.start();
  manager.log.info({ identity: manager.identity }, 'operator started');
  await manager.done;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
