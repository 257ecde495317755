/**
 * The MySQLBackup controller: one Job per backup, one running backup per cluster.
 * Pending (waiting for the cluster, a Synced member or another backup of the same cluster)
 * → Running (the Job exists) → Succeeded or Failed (from the Job; the size and, on failure,
 * the end of the log are read from the Job's pod). Finished backups are not looked at again.
 */
import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { pickBackupSource, jobOutcome } from '../backup/decisions.js';
import { backupJob, backupJobName, backupLocation, backupVolumeClaim, runFromJob, BACKUP_CONTAINER, BACKUP_NAME_LABEL } from '../backup/job.js';
import { parseBackupResult } from '../backup/script.js';
import { parseBackupSpec, type MySQLBackup, type MySQLBackupStatus } from '../crd/mysqlbackup.js';
import { parseClusterSpec, type MySQLCluster } from '../crd/mysqlcluster.js';
import { isNotFound, redactText, resourcePath, Resources, timestamp, withControllerReference, type Manager, type ReconcileFn } from '../runtime/index.js';
import { jobLogTail, lastLines } from './job-log.js';
import { INSTANCE_LABEL } from './labels.js';
import { MYSQL_BACKUP_RESOURCE, MYSQL_CLUSTER_RESOURCE } from './resources.js';

/** How soon a waiting or running backup is looked at again (Job events also wake it). */
const PENDING_RETRY_MS = 10_000;
const RUNNING_RESYNC_MS = 30_000;

export function backupReconciler(manager: Manager): ReconcileFn {
  const backups = manager.informer<MySQLBackup>(MYSQL_BACKUP_RESOURCE);
  const clusters = manager.informer<MySQLCluster>(MYSQL_CLUSTER_RESOURCE);
  const jobs = manager.informer<V1Job>(Resources.Job);
  const pods = manager.informer<V1Pod>(Resources.Pod);
  // Backups this process started, by cluster key: the cache may not show a new Job yet.
  const started = new Map<string, string>();

  const writeStatus = (backup: MySQLBackup, status: MySQLBackupStatus) =>
    manager.statusWriter(MYSQL_BACKUP_RESOURCE).write(backup, status as Record<string, unknown>);

  /** The backup this process started for a cluster, while it exists and has not finished. */
  function startedAndUnfinished(namespace: string, cluster: string): string | undefined {
    const name = started.get(`${namespace}/${cluster}`);
    const backup = name ? backups.get(namespace, name) : undefined;
    const phase = backup?.status?.phase;
    if (backup && phase !== 'Succeeded' && phase !== 'Failed') return name;
    started.delete(`${namespace}/${cluster}`);
    return undefined;
  }

  return async (request, { log }) => {
    const backup = backups.get(request.namespace, request.name);
    if (!backup || backup.metadata.deletionTimestamp) return;
    const status: MySQLBackupStatus = structuredClone(backup.status ?? {});
    if (status.phase === 'Succeeded' || status.phase === 'Failed') return;
    const namespace = request.namespace!;
    const finish = async (phase: 'Succeeded' | 'Failed', message: string, sizeBytes?: number) => {
      started.delete(`${namespace}/${backup.spec?.cluster}`);
      await writeStatus(backup, { ...status, phase, message, completionTime: timestamp(), ...(sizeBytes !== undefined ? { sizeBytes } : {}) });
    };
    const pending = async (message: string) => {
      await writeStatus(backup, { ...status, phase: 'Pending', message });
      return { requeueAfter: PENDING_RETRY_MS };
    };

    const parsed = parseBackupSpec(backup.spec ?? {});
    if (!parsed.ok) return finish('Failed', `invalid spec: ${parsed.errors.join('; ')}`);
    const spec = parsed.spec;
    const clusterKey = `${namespace}/${spec.cluster}`;
    const jobName = backupJobName(request.name);
    const job = jobs.get(namespace, jobName);

    if (job) {
      Object.assign(status, runFromJob(job, spec.cluster, request.name));
      const outcome = jobOutcome(job);
      if (outcome.phase === 'Running') {
        await writeStatus(backup, { ...status, phase: 'Running', message: `Job ${jobName} is running` });
        return { requeueAfter: RUNNING_RESYNC_MS };
      }
      const tail = await jobLogTail(manager, namespace, jobName, BACKUP_CONTAINER, log);
      if (outcome.phase === 'Succeeded') {
        const result = parseBackupResult(tail);
        log.info({ backup: request.key, sizeBytes: result?.sizeBytes }, 'backup succeeded');
        return finish('Succeeded', `backup complete at ${status.location}`, result?.sizeBytes);
      }
      const end = redactText(lastLines(tail));
      log.warn({ backup: request.key, reason: outcome.reason }, 'backup failed');
      return finish('Failed', `${outcome.reason}${end ? `; log: ${end}` : ''}`);
    }
    if (status.phase === 'Running') {
      // The cache may not show a Job this process just created: ask the API server.
      const gone = await manager.rest.get(resourcePath(Resources.Job, namespace, jobName)).then(() => false, (err: unknown) => {
        if (isNotFound(err)) return true;
        throw err;
      });
      if (gone) return finish('Failed', `Job ${jobName} was deleted before it finished`);
      return { requeueAfter: PENDING_RETRY_MS };
    }

    const cluster = clusters.get(namespace, spec.cluster);
    if (!cluster) return pending(`MySQLCluster ${spec.cluster} not found in ${namespace}`);
    const clusterSpec = parseClusterSpec(cluster.spec ?? {});
    if (!clusterSpec.ok) return pending(`MySQLCluster ${spec.cluster} has an invalid spec`);
    const busy = startedAndUnfinished(namespace, spec.cluster) ?? runningBackupOf(jobs.list({ namespace, labels: { [INSTANCE_LABEL]: spec.cluster } }));
    // Started by this process, but neither its Job nor its Running status is in the cache yet.
    if (busy === request.name) return { requeueAfter: PENDING_RETRY_MS };
    if (busy) return pending(`waiting for backup ${busy} of ${spec.cluster} to finish`);
    const source = pickBackupSource(cluster.status);
    if (!source) return pending(`no Synced member of ${spec.cluster} to copy from`);

    await manager.apply(backupVolumeClaim(namespace, spec.cluster, clusterSpec.spec));
    const keep = backups.list({ namespace }).filter((b) => b.spec?.cluster === spec.cluster).map((b) => b.metadata.name!);
    const desired = backupJob({
      namespace,
      cluster: spec.cluster,
      clusterSpec: clusterSpec.spec,
      backup: request.name,
      spec,
      source,
      sourceNode: pods.get(namespace, source)?.spec?.nodeName,
      keep: keep.includes(request.name) ? keep : [...keep, request.name],
    });
    await manager.apply(withControllerReference(desired, backup));
    started.set(clusterKey, request.name);
    log.info({ backup: request.key, source, method: spec.method }, 'backup started');
    await writeStatus(backup, {
      ...status,
      phase: 'Running',
      startTime: timestamp(),
      member: source,
      location: backupLocation(spec.cluster, request.name),
      message: `Job ${jobName} started on ${source}`,
    });
    return { requeueAfter: RUNNING_RESYNC_MS };
  };
}

/** The backup whose Job has not finished yet, if any (from the backup label of its Jobs). */
function runningBackupOf(jobs: readonly V1Job[]): string | undefined {
  const running = jobs.find((job) => job.metadata?.labels?.[BACKUP_NAME_LABEL] && jobOutcome(job).phase === 'Running');
  return running?.metadata?.labels?.[BACKUP_NAME_LABEL];
}
