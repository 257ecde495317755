/**
 * Scheduled backups: each schedule's due tick creates a MySQLBackup (named after the tick,
 * so a repeated create changes nothing), retention deletes the oldest ones beyond `keep`, and
 * status.backup tells the latest success and the next run. The MySQLBackup controller
 * (backup-reconciler.ts) runs them. MySQLBackups carry no owner reference: deleting the
 * cluster keeps its backups (and their volume) for a restore.
 */
import type { MySQLBackup } from '../../crd/mysqlbackup.js';
import type { BackupStatus, MySQLClusterSpec } from '../../crd/mysqlcluster.js';
import { API_VERSION, MYSQL_BACKUP } from '../../crd/names.js';
import { backupsToPrune, scheduleTiming, scheduledBackupName } from '../../backup/decisions.js';
import { timestamp } from '../../runtime/index.js';
import { clusterLabels, SCHEDULE_LABEL } from '../labels.js';
import { MYSQL_BACKUP_RESOURCE } from '../resources.js';
import type { Phase, Scope } from '../scope.js';

type Schedule = MySQLClusterSpec['backup']['schedules'][number];
type ScheduleStatus = NonNullable<BackupStatus['schedules']>[number];

/** Looked at again just after the tick, so the backup is created on time. */
const AFTER_TICK_MS = 1_000;

export const backupsPhase: Phase = {
  name: 'backups',
  async run(scope) {
    const backups = scope.manager
      .informer<MySQLBackup>(MYSQL_BACKUP_RESOURCE)
      .list({ namespace: scope.ref.namespace })
      .filter((b) => b.spec?.cluster === scope.ref.name);
    const now = new Date();
    const schedules: ScheduleStatus[] = [];
    for (const schedule of scope.spec.backup.schedules) {
      schedules.push(await runSchedule(scope, schedule, now));
      await pruneSchedule(scope, schedule, backups);
    }
    const nextRuns = schedules.map((s) => s.nextRun).filter((t): t is string => Boolean(t)).sort();
    const latest = backups
      .filter((b) => b.status?.phase === 'Succeeded' && b.status.completionTime)
      .sort((a, b) => b.status!.completionTime!.localeCompare(a.status!.completionTime!))[0];
    const status: BackupStatus = {
      ...(latest ? { lastSuccessful: latest.metadata.name, lastSuccessfulTime: latest.status!.completionTime } : {}),
      ...(nextRuns[0] ? { nextRun: nextRuns[0] } : {}),
      ...(schedules.length > 0 ? { schedules } : {}),
    };
    if (Object.keys(status).length > 0) scope.status.backup = status;
    else delete scope.status.backup;
    return 'continue';
  },
};

async function runSchedule(scope: Scope, schedule: Schedule, now: Date): Promise<ScheduleStatus> {
  const recorded = scope.status.backup?.schedules?.find((s) => s.name === schedule.name);
  const lastRun = recorded?.lastRun ? { lastRun: recorded.lastRun } : {};
  if (schedule.suspend) return { name: schedule.name, ...lastRun };
  const timing = scheduleTiming(schedule.schedule, recorded?.nextRun ? new Date(recorded.nextRun) : undefined, now);
  scope.requeue(timing.next.getTime() - now.getTime() + AFTER_TICK_MS);
  if (!timing.due) return { name: schedule.name, ...lastRun, nextRun: timestamp(timing.next) };
  const name = scheduledBackupName(scope.ref.name, schedule.name, timing.due);
  const backup: MySQLBackup = {
    apiVersion: API_VERSION,
    kind: MYSQL_BACKUP.kind,
    metadata: {
      name,
      namespace: scope.ref.namespace,
      labels: { ...clusterLabels(scope.ref.name, 'backup'), [SCHEDULE_LABEL]: schedule.name },
    },
    spec: { cluster: scope.ref.name, method: schedule.method },
  };
  await scope.manager.apply(backup);
  scope.log.info({ backup: name, schedule: schedule.name }, 'scheduled backup created');
  scope.event('Normal', 'BackupScheduled', `schedule ${schedule.name} created MySQLBackup ${name}`);
  return { name: schedule.name, lastRun: timestamp(timing.due), nextRun: timestamp(timing.next) };
}

async function pruneSchedule(scope: Scope, schedule: Schedule, backups: readonly MySQLBackup[]): Promise<void> {
  const mine = backups.filter((b) => b.metadata.labels?.[SCHEDULE_LABEL] === schedule.name);
  const records = mine.map((b) => ({ name: b.metadata.name!, created: b.metadata.creationTimestamp ? new Date(b.metadata.creationTimestamp).toISOString() : '', phase: b.status?.phase }));
  for (const name of backupsToPrune(records, schedule.keep)) {
    const backup = mine.find((b) => b.metadata.name === name)!;
    if (backup.metadata.deletionTimestamp) continue;
    await scope.manager.delete(backup);
    scope.log.info({ backup: name, schedule: schedule.name, keep: schedule.keep }, 'old backup deleted (retention)');
  }
}
