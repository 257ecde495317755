/**
 * spec.bootstrapFrom, in two phases. `restoreSource` runs before anything is created: a backup
 * that is missing, not Succeeded or physical stops the reconcile with a reason, so a cluster
 * meant to hold restored data never starts empty by mistake. `restoreData` runs once the
 * cluster is up: one Job loads the logical backup through the writer; the Restored condition
 * follows it, and the cluster is Ready only after it (status.ts).
 */
import type { V1Job } from '@kubernetes/client-node';
import { jobOutcome } from '../../backup/decisions.js';
import { checkRestoreSource, restoreJob, restoreJobName, RESTORE_CONTAINER } from '../../backup/restore.js';
import type { MySQLBackup } from '../../crd/mysqlbackup.js';
import type { RestoreStatus } from '../../crd/mysqlcluster.js';
import { getCondition, redactText, Resources, timestamp } from '../../runtime/index.js';
import { jobLogTail, lastLines } from '../job-log.js';
import { MYSQL_BACKUP_RESOURCE } from '../resources.js';
import type { Phase, Scope } from '../scope.js';

/** How soon a restore in progress is looked at again (Job events also wake the cluster). */
const RESTORE_POLL_MS = 5_000;

function sourceCheck(scope: Scope) {
  const name = scope.spec.bootstrapFrom!.backupName;
  return checkRestoreSource(name, scope.manager.informer<MySQLBackup>(MYSQL_BACKUP_RESOURCE).get(scope.ref.namespace, name));
}

function report(scope: Scope, restore: Omit<RestoreStatus, 'backup'>, reason: string): void {
  const done = restore.phase === 'Succeeded';
  scope.status.restore = { backup: scope.spec.bootstrapFrom!.backupName, ...restore };
  scope.condition({ type: 'Restored', status: done ? 'True' : 'False', reason, message: restore.message ?? '' });
  if (!done) scope.requeue(RESTORE_POLL_MS);
}

const pendingRestore = (scope: Scope): boolean =>
  scope.spec.bootstrapFrom !== undefined && scope.status.restore?.phase !== 'Succeeded';

export const restoreSourcePhase: Phase = {
  name: 'restoreSource',
  async run(scope) {
    if (!pendingRestore(scope)) return 'continue';
    const check = sourceCheck(scope);
    if (check.ok) return 'continue';
    report(scope, { phase: 'Waiting', message: check.message }, check.reason);
    // A cluster that already runs keeps running (its backup may have been deleted meanwhile).
    return scope.status.clusterUUID ? 'continue' : 'stop';
  },
};

export const restoreDataPhase: Phase = {
  name: 'restoreData',
  async run(scope) {
    if (!pendingRestore(scope)) return 'continue';
    const name = restoreJobName(scope.ref.name);
    const job = scope.manager.informer<V1Job>(Resources.Job).get(scope.ref.namespace, name);
    if (!job) {
      const check = sourceCheck(scope);
      if (!check.ok) return 'continue'; // restoreSource reported why
      const writer = scope.status.writer;
      if (!writer || getCondition(scope.status.conditions as never, 'GaleraReady')?.status !== 'True') {
        report(scope, { phase: 'Waiting', message: 'waiting for every member to be Synced before loading the backup' }, 'Restoring');
        return 'continue';
      }
      await scope.apply(
        restoreJob({
          namespace: scope.ref.namespace,
          cluster: scope.ref.name,
          clusterSpec: scope.spec,
          backup: scope.spec.bootstrapFrom!.backupName,
          sourceCluster: check.sourceCluster,
          writer,
        }),
      );
      scope.log.info({ job: name, writer }, 'restore started');
      report(scope, { phase: 'Running', message: `Job ${name} loads the backup through ${writer}` }, 'Restoring');
      return 'continue';
    }
    const outcome = jobOutcome(job);
    if (outcome.phase === 'Running') {
      report(scope, { phase: 'Running', message: `Job ${name} is loading the backup` }, 'Restoring');
    } else if (outcome.phase === 'Succeeded') {
      report(scope, { phase: 'Succeeded', message: `loaded MySQLBackup ${scope.spec.bootstrapFrom!.backupName}`, completionTime: timestamp() }, 'RestoreComplete');
      scope.event('Normal', 'RestoreComplete', `loaded MySQLBackup ${scope.spec.bootstrapFrom!.backupName}`);
    } else if (scope.status.restore?.phase !== 'Failed') {
      const end = redactText(lastLines(await jobLogTail(scope.manager, scope.ref.namespace, name, RESTORE_CONTAINER, scope.log)));
      const message = `Job ${name} failed (${outcome.reason})${end ? `; log: ${end}` : ''}; delete the Job to run it again`;
      report(scope, { phase: 'Failed', message, completionTime: timestamp() }, 'RestoreFailed');
      scope.event('Warning', 'RestoreFailed', message);
    }
    return 'continue';
  },
};
