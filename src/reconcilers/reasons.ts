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
} as const satisfies Record<string, { meaning: string; action: string }>;
