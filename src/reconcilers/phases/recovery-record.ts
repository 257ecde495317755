/**
 * Converts the decisions' recovery progress to and from its shape in the MySQLCluster status
 * (a list keyed by member instead of a map, `startTime` for `since`).
 */
import type { RecoveryStatus as StatusRecovery } from '../../crd/mysqlcluster.js';
import type { ConditionReason, RecoveryKind, RecoveryPhase, RecoveryStatus } from '../../galera/decisions/index.js';

export function recoveryFromStatus(recorded: StatusRecovery | undefined): RecoveryStatus | undefined {
  if (!recorded) return undefined;
  return {
    generation: recorded.generation,
    kind: (recorded.kind ?? 'FullCrash') as RecoveryKind,
    phase: recorded.phase as RecoveryPhase,
    ...(recorded.source ? { source: recorded.source } : {}),
    ...(recorded.chosenBy ? { chosenBy: recorded.chosenBy as 'operator' | 'person' } : {}),
    reported: Object.fromEntries(
      (recorded.reported ?? []).map(({ member, ...position }) => [member, position]),
    ),
    ...(recorded.reason ? { reason: recorded.reason as ConditionReason } : {}),
    ...(recorded.message ? { message: recorded.message } : {}),
    since: recorded.startTime ?? new Date(0).toISOString(),
  };
}

export function recoveryToStatus(recovery: RecoveryStatus): StatusRecovery {
  return {
    generation: recovery.generation,
    kind: recovery.kind,
    phase: recovery.phase,
    ...(recovery.source ? { source: recovery.source } : {}),
    ...(recovery.chosenBy ? { chosenBy: recovery.chosenBy } : {}),
    ...(recovery.reason ? { reason: recovery.reason } : {}),
    ...(recovery.message ? { message: recovery.message } : {}),
    startTime: recovery.since.replace(/\.\d{3}Z$/, 'Z'),
    reported: Object.entries(recovery.reported)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([member, position]) => ({ member, ...position })),
  };
}
