/**
 * Reasons of the ProxyReady condition: a small closed set, each with what a person should do
 * (for the README's troubleshooting table, next to the Galera reasons).
 */
const catalog = {
  ProxyProgrammed: {
    meaning: 'Every proxy pod is Ready and runs the configuration for the current writer and members.',
    action: '',
  },
  ProxyPodsNotReady: {
    meaning: 'Fewer proxy pods are Ready than spec.proxy.replicas.',
    action: 'Usually transient (pods starting); otherwise check the <name>-proxy pods and their events.',
  },
  ProxyUnreachable: {
    meaning: "A proxy pod's agent or admin interface does not answer; the operator retries.",
    action: 'Check the named pod and its logs.',
  },
  ProxyProgrammingFailed: {
    meaning: 'A proxy answered but refused its configuration (e.g. wrong admin credentials).',
    action: 'Read the message; check the <name>-credentials keys the proxy was started with.',
  },
  ProxyConfigPending: {
    meaning: 'A proxy pod was given a new configuration and has not loaded it yet.',
    action: 'Transient; if it persists, read the proxy container log (an invalid config is kept out).',
  },
} as const;

export type ProxyReason = keyof typeof catalog;

export const proxyReasonCatalog: Readonly<Record<ProxyReason, { meaning: string; action: string }>> = catalog;
