/**
 * Pure builders for a backup run: the cluster's backup volume and one Job per MySQLBackup.
 * A physical backup reads the source member's data directory, so its pod runs on that
 * member's node and mounts the member's volume read-only (a ReadWriteOnce volume may be
 * mounted by several pods of one node).
 */
import { createHash } from 'node:crypto';
import type { V1EnvVar, V1Job, V1PersistentVolumeClaim, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import type { MySQLBackupStatus } from '../crd/mysqlbackup.js';
import type { MySQLBackupSpec } from '../crd/mysqlbackup.js';
import type { MySQLClusterSpec } from '../crd/mysqlcluster.js';
import { DATA_DIR } from '../galera/scripts/layout.js';
import { timestamp } from '../runtime/conditions.js';
import { memberDnsName } from '../proxysql/topology.js';
import { CREDENTIAL_KEYS } from '../reconcilers/builders/credentials.js';
import { clusterLabels, objectNames } from '../reconcilers/labels.js';
import { BACKUP_ENV, BACKUP_ROOT, renderBackupScript } from './script.js';

export const BACKUP_CONTAINER = 'backup';
export const BACKUP_NAME_LABEL = 'galera-operator.io/backup';
/** A backup that runs longer than this is stopped and reported Failed. */
export const BACKUP_DEADLINE_SECONDS = 6 * 3600;

export interface BackupJobInput {
  namespace: string;
  cluster: string;
  clusterSpec: MySQLClusterSpec;
  backup: string;
  spec: MySQLBackupSpec;
  /** Pod name of the member to copy from. */
  source: string;
  /** The source pod's node (physical backups run beside it). */
  sourceNode?: string;
  /** Names of every MySQLBackup of the cluster: the run removes the files of any other. */
  keep: readonly string[];
}

/** Job names end up in pod labels (≤ 63 characters). */
export function backupJobName(backup: string): string {
  if (backup.length <= 56) return `${backup}-backup`;
  const hash = createHash('sha256').update(backup).digest('hex').slice(0, 8);
  return `${backup.slice(0, 54).replace(/[-.]+$/, '')}-${hash}`;
}

/** Where a backup's files are, as shown in status.location. */
export const backupLocation = (cluster: string, backup: string): string => `pvc://${objectNames(cluster).backups}/${backup}`;

export function backupVolumeClaim(namespace: string, cluster: string, spec: MySQLClusterSpec): V1PersistentVolumeClaim {
  const volume = spec.backup.storage.volume;
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: objectNames(cluster).backups, namespace, labels: clusterLabels(cluster, 'backup') },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: String(volume.size) } },
      ...(volume.storageClassName ? { storageClassName: volume.storageClassName } : {}),
    },
  };
}

/** What differs between the operator's one-shot Jobs (backup, restore). */
export interface RunOnceJob {
  name: string;
  namespace: string;
  cluster: string;
  labels: Record<string, string>;
  container: string;
  image: string;
  script: string;
  env: V1EnvVar[];
  volumes: V1Volume[];
  mounts: V1VolumeMount[];
  nodeName?: string;
  deadlineSeconds?: number;
}

/**
 * A Job that runs one bash script once: a failed run is reported, not retried (for a backup the
 * next schedule tick or a new MySQLBackup is the retry; for a restore, deleting the Job). The
 * root password comes from the cluster's Secret as an environment variable.
 */
export function runOnceJob(job: RunOnceJob): V1Job {
  const rootPassword: V1EnvVar = {
    name: BACKUP_ENV.rootPassword,
    valueFrom: { secretKeyRef: { name: objectNames(job.cluster).credentials, key: CREDENTIAL_KEYS.rootPassword } },
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: job.name, namespace: job.namespace, labels: job.labels },
    spec: {
      backoffLimit: 0,
      ...(job.deadlineSeconds ? { activeDeadlineSeconds: job.deadlineSeconds } : {}),
      template: {
        metadata: { labels: job.labels },
        spec: {
          restartPolicy: 'Never',
          ...(job.nodeName ? { nodeName: job.nodeName } : {}),
          containers: [
            {
              name: job.container,
              image: job.image,
              command: ['bash', '-c', job.script],
              env: [...job.env, rootPassword],
              volumeMounts: job.mounts,
            },
          ],
          volumes: job.volumes,
        },
      },
    },
  };
}

export function backupJob(input: BackupJobInput): V1Job {
  const physical = input.spec.method === 'physical';
  const ordinal = Number(input.source.slice(input.cluster.length + 1));
  const volumes: V1Volume[] = [{ name: 'backups', persistentVolumeClaim: { claimName: objectNames(input.cluster).backups } }];
  const mounts: V1VolumeMount[] = [{ name: 'backups', mountPath: BACKUP_ROOT }];
  if (physical) {
    volumes.push({ name: 'data', persistentVolumeClaim: { claimName: `data-${input.source}`, readOnly: true } });
    mounts.push({ name: 'data', mountPath: DATA_DIR, readOnly: true });
  }
  const value = (name: string, v: string): V1EnvVar => ({ name, value: v });
  return runOnceJob({
    name: backupJobName(input.backup),
    namespace: input.namespace,
    cluster: input.cluster,
    labels: { ...clusterLabels(input.cluster, 'backup'), [BACKUP_NAME_LABEL]: input.backup },
    container: BACKUP_CONTAINER,
    image: input.clusterSpec.image,
    script: renderBackupScript(),
    env: [
      value(BACKUP_ENV.name, input.backup),
      value(BACKUP_ENV.method, input.spec.method),
      value(BACKUP_ENV.sourceMember, input.source),
      value(BACKUP_ENV.sourceHost, memberDnsName(input.cluster, input.namespace, ordinal)),
      value(BACKUP_ENV.keep, [...input.keep].sort().join(' ')),
    ],
    volumes,
    mounts,
    ...(physical && input.sourceNode ? { nodeName: input.sourceNode } : {}),
    deadlineSeconds: BACKUP_DEADLINE_SECONDS,
  });
}

/**
 * What a backup's status says about its run, read back from the Job: the cache may hold an
 * older MySQLBackup status than the one written when the Job was created.
 */
export function runFromJob(job: V1Job, cluster: string, backup: string): Pick<MySQLBackupStatus, 'member' | 'startTime' | 'location'> {
  const env = job.spec?.template.spec?.containers[0]?.env ?? [];
  const member = env.find((e) => e.name === BACKUP_ENV.sourceMember)?.value;
  const started = job.status?.startTime ?? job.metadata?.creationTimestamp;
  return {
    ...(member ? { member } : {}),
    ...(started ? { startTime: timestamp(new Date(started)) } : {}),
    location: backupLocation(cluster, backup),
  };
}
