/**
 * Restore into a new cluster (spec.bootstrapFrom): the cluster bootstraps empty as usual, then
 * one Job loads a logical backup through the writer (Galera replicates it to every member)
 * before the cluster reports Ready. Physical backups are refused with a reason: restoring one
 * means replacing the first member's data directory before it bootstraps, which is not built.
 */
import type { V1Job } from '@kubernetes/client-node';
import type { MySQLBackup } from '../crd/mysqlbackup.js';
import type { MySQLClusterSpec } from '../crd/mysqlcluster.js';
import { MYSQL_PORT } from '../galera/scripts/layout.js';
import { memberDnsName } from '../proxysql/topology.js';
import { clusterLabels, objectNames } from '../reconcilers/labels.js';
import { runOnceJob } from './job.js';
import { BACKUP_ROOT, RESULT_PREFIX } from './script.js';

export const RESTORE_CONTAINER = 'restore';

export type RestoreSourceCheck =
  | { ok: true; sourceCluster: string }
  | { ok: false; reason: 'RestoreSourceNotFound' | 'RestoreSourceNotReady' | 'RestoreMethodNotSupported'; message: string };

/** Whether the named MySQLBackup can be restored now. */
export function checkRestoreSource(name: string, backup: MySQLBackup | undefined): RestoreSourceCheck {
  if (!backup) return { ok: false, reason: 'RestoreSourceNotFound', message: `MySQLBackup ${name} does not exist in this namespace` };
  if (backup.spec.method !== 'logical') {
    return {
      ok: false,
      reason: 'RestoreMethodNotSupported',
      message: `MySQLBackup ${name} is physical; only logical backups can be restored by the operator (a physical one is a prepared data directory, see docs/backups.md)`,
    };
  }
  if (backup.status?.phase !== 'Succeeded') {
    return { ok: false, reason: 'RestoreSourceNotReady', message: `MySQLBackup ${name} is ${backup.status?.phase ?? 'Pending'}, not Succeeded` };
  }
  return { ok: true, sourceCluster: backup.spec.cluster };
}

export const restoreJobName = (cluster: string): string => `${cluster}-restore`;

export interface RestoreJobInput {
  namespace: string;
  cluster: string;
  clusterSpec: MySQLClusterSpec;
  backup: string;
  /** The cluster the backup was taken of: its files are on that cluster's backup volume. */
  sourceCluster: string;
  /** Pod name of the writer to load the dump through. */
  writer: string;
}

export function renderRestoreScript(): string {
  return String.raw`set -euo pipefail
umask 077
dump="${BACKUP_ROOT}/$BACKUP_NAME/dump.sql.gz"
[ -s "$dump" ] || { echo "restore: $dump is missing or empty" >&2; exit 2; }
cnf="$(mktemp)"
printf '[client]\nuser=root\npassword="%s"\n' "$MARIADB_ROOT_PASSWORD" >"$cnf"
unset MARIADB_ROOT_PASSWORD
gunzip -c "$dump" | mariadb --defaults-extra-file="$cnf" --host="$TARGET_HOST" --port=${MYSQL_PORT}
rm -f -- "$cnf"
echo "${RESULT_PREFIX} restored=$BACKUP_NAME"
`;
}

export function restoreJob(input: RestoreJobInput): V1Job {
  const ordinal = Number(input.writer.slice(input.cluster.length + 1));
  return runOnceJob({
    name: restoreJobName(input.cluster),
    namespace: input.namespace,
    cluster: input.cluster,
    labels: clusterLabels(input.cluster, 'backup'),
    container: RESTORE_CONTAINER,
    image: input.clusterSpec.image,
    script: renderRestoreScript(),
    env: [
      { name: 'BACKUP_NAME', value: input.backup },
      { name: 'TARGET_HOST', value: memberDnsName(input.cluster, input.namespace, ordinal) },
    ],
    volumes: [{ name: 'backups', persistentVolumeClaim: { claimName: objectNames(input.sourceCluster).backups, readOnly: true } }],
    mounts: [{ name: 'backups', mountPath: BACKUP_ROOT, readOnly: true }],
  });
}
