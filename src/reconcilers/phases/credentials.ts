/**
 * Ensures `<name>-credentials` holds every key: created when absent, completed when keys are
 * missing, never overwritten (a merge patch that names only the missing keys).
 */
import type { V1Secret } from '@kubernetes/client-node';
import { isNotFound } from '../../runtime/index.js';
import { credentialsSecret, missingCredentials } from '../builders/credentials.js';
import { objectNames } from '../labels.js';
import type { Phase } from '../scope.js';

export const credentialsPhase: Phase = {
  name: 'credentials',
  async run(scope) {
    const { name, namespace } = scope.ref;
    const secretName = objectNames(name).credentials;
    const path = `/api/v1/namespaces/${namespace}/secrets/${secretName}`;
    let secret: V1Secret | undefined;
    try {
      secret = await scope.manager.rest.get<V1Secret>(path);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    const missing = missingCredentials(secret?.data, scope.spec.app);
    if (!secret) {
      secret = await scope.manager.rest.request<V1Secret>('POST', `/api/v1/namespaces/${namespace}/secrets`, {
        body: credentialsSecret(name, namespace, missing),
      });
      scope.event('Normal', 'CredentialsCreated', `generated the Secret ${secretName}`);
    } else if (Object.keys(missing).length > 0) {
      secret = await scope.manager.rest.request<V1Secret>('PATCH', path, {
        body: { data: missing },
        contentType: 'application/merge-patch+json',
      });
      scope.event('Normal', 'CredentialsCompleted', `added ${Object.keys(missing).join(', ')} to the Secret ${secretName}`);
    }
    scope.credentials = Object.fromEntries(
      Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
    );
    return 'continue';
  },
};
