/**
 * The Secret `<name>-credentials`: generated with a CSPRNG when absent, completed when keys are
 * missing, never overwritten. It carries no owner reference, so it outlives the MySQLCluster
 * together with the data volumes (the data's users have these passwords).
 */
import { randomBytes } from 'node:crypto';
import type { V1Secret } from '@kubernetes/client-node';
import { clusterLabels, objectNames } from '../labels.js';

export const CREDENTIAL_KEYS = {
  rootPassword: 'root-password',
  appUsername: 'app-username',
  appPassword: 'app-password',
  appDatabase: 'app-database',
  monitorPassword: 'monitor-password',
  sstPassword: 'sst-password',
  agentToken: 'agent-token',
  proxyAdminPassword: 'proxy-admin-password',
  /** ProxySQL's second admin user, the one the operator connects as (`admin` is local-only). */
  proxyOperatorPassword: 'proxy-operator-password',
} as const;

/** 32 characters from [A-Za-z0-9]: safe in SQL, shell and config files without quoting. */
export function generatePassword(length = 32): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const out: string[] = [];
  while (out.length < length) {
    for (const byte of randomBytes(64)) {
      // Rejection sampling keeps the distribution uniform (248 = 4 * 62).
      if (byte < 248 && out.length < length) out.push(alphabet[byte % 62]!);
    }
  }
  return out.join('');
}

/** Values for the keys a Secret lacks (all of them for a new Secret), base64-encoded. */
export function missingCredentials(
  existing: Record<string, string> | undefined,
  app: { username: string; database: string },
): Record<string, string> {
  const wanted: Record<string, () => string> = {
    [CREDENTIAL_KEYS.rootPassword]: () => generatePassword(),
    [CREDENTIAL_KEYS.appUsername]: () => app.username,
    [CREDENTIAL_KEYS.appPassword]: () => generatePassword(),
    [CREDENTIAL_KEYS.appDatabase]: () => app.database,
    [CREDENTIAL_KEYS.monitorPassword]: () => generatePassword(),
    [CREDENTIAL_KEYS.sstPassword]: () => generatePassword(),
    [CREDENTIAL_KEYS.agentToken]: () => generatePassword(48),
    [CREDENTIAL_KEYS.proxyAdminPassword]: () => generatePassword(),
    [CREDENTIAL_KEYS.proxyOperatorPassword]: () => generatePassword(),
  };
  const missing: Record<string, string> = {};
  for (const [key, make] of Object.entries(wanted)) {
    if (existing?.[key] === undefined) missing[key] = Buffer.from(make()).toString('base64');
  }
  return missing;
}

export function credentialsSecret(name: string, namespace: string, data: Record<string, string>): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: objectNames(name).credentials, namespace, labels: clusterLabels(name) },
    type: 'Opaque',
    data,
  };
}
