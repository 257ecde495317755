/**
 * The MySQLCluster reconcile: an ordered list of small named phases over one Scope, then one
 * status write (only when it changed). A phase that throws is retried with backoff by the
 * runtime; the error is surfaced in the Ready condition first.
 */
import type { MySQLCluster } from '../crd/mysqlcluster.js';
import type { Manager, ReconcileFn } from '../runtime/index.js';
import { redactText } from '../runtime/index.js';
import { backupsPhase } from './phases/backups.js';
import { credentialsPhase } from './phases/credentials.js';
import { galeraPhase } from './phases/galera.js';
import { membersPhase } from './phases/members.js';
import { proxyPhase } from './phases/proxy.js';
import { restoreDataPhase, restoreSourcePhase } from './phases/restore.js';
import { rolloutPhase } from './phases/rollout.js';
import { scalingPhase } from './phases/scaling.js';
import { summarizeStatus } from './phases/status.js';
import { validatePhase } from './phases/validate.js';
import { MYSQL_CLUSTER_RESOURCE } from './resources.js';
import { Scope, type OperatorSettings, type Phase } from './scope.js';

export { MYSQL_CLUSTER_RESOURCE } from './resources.js';

export const PHASES: readonly Phase[] = [
  validatePhase,
  restoreSourcePhase,
  credentialsPhase,
  membersPhase,
  galeraPhase,
  rolloutPhase,
  scalingPhase,
  proxyPhase,
  restoreDataPhase,
  backupsPhase,
];

/** While anything is in motion the cluster is looked at again this soon. */
const STEADY_RESYNC_MS = 30_000;

export function clusterReconciler(manager: Manager, settings: OperatorSettings): ReconcileFn {
  const clusters = manager.informer<MySQLCluster>(MYSQL_CLUSTER_RESOURCE);
  return async (request, { log }) => {
    const cluster = clusters.get(request.namespace, request.name);
    if (!cluster || cluster.metadata.deletionTimestamp) return;
    const scope = new Scope(manager, cluster, settings, log.child({ cluster: request.key }));
    let failure: unknown;
    for (const phase of PHASES) {
      try {
        if ((await phase.run(scope)) === 'stop') break;
      } catch (err) {
        failure = err;
        const message = `${phase.name}: ${redactText(err instanceof Error ? err.message : String(err))}`;
        scope.log.warn({ phase: phase.name, err }, 'phase failed; will retry');
        scope.condition({ type: 'Ready', status: 'False', reason: 'ReconcileError', message });
        break;
      }
    }
    if (scope.spec && !failure) summarizeStatus(scope);
    await scope.writeStatus();
    if (failure) throw failure;
    return { requeueAfter: scope.requeueAfter ?? STEADY_RESYNC_MS };
  };
}
