/** The operator process: one controller for MySQLCluster, leader-elected. */
import { MYSQL_CLUSTER_RESOURCE, clusterReconciler } from './reconcilers/cluster-reconciler.js';
import { Manager, Resources } from './runtime/index.js';

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
    ],
    reconcile: clusterReconciler(manager, { operatorImage: process.env.OPERATOR_IMAGE ?? 'galera-operator:dev' }),
  });
  await manager.start();
  manager.log.info({ identity: manager.identity }, 'operator started');
  await manager.done;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
