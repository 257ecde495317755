/** Pure decisions of the backup controller and the schedules: no I/O, unit-tested. */
import type { V1Job } from '@kubernetes/client-node';
import { CronTime } from 'cron';
import type { BackupPhase } from '../crd/mysqlbackup.js';
import type { MySQLClusterStatus } from '../crd/mysqlcluster.js';

/**
 * The member to copy from: a Synced member that is not the writer (the highest ordinal, so
 * repeated runs land on the same one), else the writer when it is the only Synced member.
 */
export function pickBackupSource(status: MySQLClusterStatus | undefined): string | undefined {
  const ready = (status?.members ?? []).filter((m) => m.ready).map((m) => m.name);
  const others = ready.filter((name) => name !== status?.writer);
  const byOrdinal = (a: string, b: string) => Number(b.split('-').pop()) - Number(a.split('-').pop());
  return others.sort(byOrdinal)[0] ?? ready[0];
}

export type JobOutcome = { phase: Extract<BackupPhase, 'Running'> } | { phase: 'Succeeded' } | { phase: 'Failed'; reason: string };

export function jobOutcome(job: V1Job): JobOutcome {
  const conditions = job.status?.conditions ?? [];
  const failed = conditions.find((c) => c.type === 'Failed' && c.status === 'True');
  if (failed) return { phase: 'Failed', reason: [failed.reason, failed.message].filter(Boolean).join(': ') || 'the Job failed' };
  if (conditions.some((c) => c.type === 'Complete' && c.status === 'True') || (job.status?.succeeded ?? 0) > 0) {
    return { phase: 'Succeeded' };
  }
  return { phase: 'Running' };
}

/** Limits the look-back for missed ticks (an operator down for long runs one backup, not many). */
const MISSED_LOOKBACK_MS = 24 * 3600 * 1000;

export interface ScheduleTiming {
  /** The tick to run now (the latest one at or before now), if a run is due. */
  due?: Date;
  /** The first tick after now. */
  next: Date;
}

/**
 * When a 5-field cron schedule (UTC) runs. `nextRun` is the tick recorded at the last look;
 * without one (a new schedule) nothing is due yet, so adding a schedule never runs a backup
 * for a tick that passed before it existed. Missed ticks collapse into the latest.
 */
export function scheduleTiming(expression: string, nextRun: Date | undefined, now: Date): ScheduleTiming {
  const cron = new CronTime(expression, 'UTC');
  const after = (t: Date): Date => cron.getNextDateFrom(t, 'UTC').toJSDate();
  if (!nextRun || nextRun > now) return { next: nextRun && nextRun > now ? nextRun : after(now) };
  let due = nextRun;
  const floor = new Date(now.getTime() - MISSED_LOOKBACK_MS);
  if (due < floor) due = after(floor);
  for (let t = after(due); t <= now; t = after(t)) due = t;
  // A tick beyond the look-back (e.g. a weekly schedule missed for days) is not run late.
  return due <= now ? { due, next: after(now) } : { next: after(now) };
}

/** `<cluster>-<schedule>-<yyyymmddhhmm>`: one name per tick, so a repeated create is a no-op. */
export function scheduledBackupName(cluster: string, schedule: string, tick: Date): string {
  const stamp = tick.toISOString().slice(0, 16).replace(/[-T:]/g, '');
  return `${cluster}-${schedule}-${stamp}`;
}

export interface BackupRecord {
  name: string;
  created: string;
  phase?: BackupPhase;
}

/**
 * Retention of one schedule: the `keep` newest Succeeded backups stay, and as many Failed ones
 * (to see why runs fail); older ones go. Pending and Running ones are never pruned.
 */
export function backupsToPrune(backups: readonly BackupRecord[], keep: number): string[] {
  const newestFirst = [...backups].sort((a, b) => b.created.localeCompare(a.created) || b.name.localeCompare(a.name));
  const beyond = (phase: BackupPhase) => newestFirst.filter((b) => b.phase === phase).slice(keep).map((b) => b.name);
  return [...beyond('Succeeded'), ...beyond('Failed')];
}
