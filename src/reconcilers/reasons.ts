/**
 * Condition reasons the reconciler itself sets (spec handling, errors, quiet states). With the
 * Galera reasons (src/galera/decisions/reasons.ts) and the proxy reasons
 * (src/reconcilers/proxy/reasons.ts) they make the README's troubleshooting table.
 */
export const operatorReasonCatalog = {
  InvalidSpec: {
    meaning: 'The spec breaks a rule the API server could not check (the message names the fields); nothing was changed.',
    action: 'Fix the spec; the operator acts again as soon as it is valid.',
  },
  PausedBySpec: {
    meaning: 'spec.paused is true: the operator reports status but changes nothing.',
    action: 'Set spec.paused to false when the maintenance is done.',
  },
  ReconcileError: {
    meaning: 'A step failed (API or SQL error); it is retried with backoff and nothing was deleted.',
    action: 'Read the message; persistent errors usually mean RBAC or connectivity problems.',
  },
  ProxyNotReady: {
    meaning: 'The members are Synced but the proxy is not serving yet.',
    action: 'See the ProxyReady condition.',
  },
  NoRecovery: { meaning: 'Recovering=False: no recovery is in progress.', action: '' },
  NotStalled: { meaning: 'RecoveryStalled=False: nothing waits for a person.', action: '' },
  EntrypointFailed: {
    meaning: "A member's entrypoint gave up (the member's agent reports why); a rollout stops there.",
    action: 'Read the message and the mariadb container log; roll back the change that caused it.',
  },
  RestoreSourceNotFound: {
    meaning: 'spec.bootstrapFrom names a MySQLBackup that does not exist in this namespace; nothing is created until it does.',
    action: 'Fix the name (it cannot be changed: delete and re-create the MySQLCluster) or create the backup.',
  },
  RestoreSourceNotReady: {
    meaning: 'The MySQLBackup to restore has not Succeeded (yet); nothing is created until it has.',
    action: 'Wait for the backup, or choose a Succeeded one (delete and re-create the MySQLCluster).',
  },
  RestoreMethodNotSupported: {
    meaning: 'The MySQLBackup to restore is physical; the operator restores logical backups only. Nothing is created.',
    action: 'Restore a logical backup, or restore the prepared data directory by hand (docs/backups.md).',
  },
  Restoring: {
    meaning: 'The new cluster waits for its writer, or the restore Job is loading the backup through it.',
    action: 'Wait; the restore Job\'s log shows the progress.',
  },
  RestoreFailed: {
    meaning: 'The restore Job failed (the message has the end of its log); the cluster stays not Ready.',
    action: 'Fix the cause, then delete the Job <name>-restore: the operator runs it again.',
  },
  RestoreComplete: { meaning: 'Restored=True: the backup in spec.bootstrapFrom was loaded.', action: '' },
} as const satisfies Record<string, { meaning: string; action: string }>;
