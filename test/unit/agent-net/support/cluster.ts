import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { waitFor } from './wait.js';

/** Helpers for the e2e suites that run against the local cluster (`make cluster`). */

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const KUBECONFIG_PATH = process.env['KUBECONFIG'] ?? join(REPO_ROOT, '.cluster/kubeconfig');

/** Why the e2e suite cannot run here, or undefined when the cluster's kubeconfig exists. */
export function clusterMissing(): string | undefined {
  return existsSync(KUBECONFIG_PATH) ? undefined : `no local cluster (${KUBECONFIG_PATH} missing; run make cluster)`;
}

export function loadKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(KUBECONFIG_PATH);
  return kc;
}

export async function createNamespace(core: CoreV1Api, prefix: string): Promise<string> {
  const name = `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
  await core.createNamespace({ body: { metadata: { name, labels: { 'e2e.galera-operator.dev/suite': prefix } } } });
  return name;
}

/** Delete the namespace and wait (bounded) until it is gone, so the next suite starts clean. */
export async function deleteNamespace(core: CoreV1Api, name: string, timeoutMs = 90_000): Promise<void> {
  await core.deleteNamespace({ name }).catch(() => undefined);
  await waitFor(
    `namespace ${name} to be deleted`,
    () => core.readNamespace({ name }).then(() => false, (err: { code?: number }) => err.code === 404),
    timeoutMs,
    500,
  );
}

export function containerLog(namespace: string, pod: string, container: string): string {
  const path = join(REPO_ROOT, '.cluster/logs', namespace, pod, `${container}.log`);
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

export function isReady(pod: V1Pod | undefined): boolean {
  return (pod?.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

export async function waitForPodReady(core: CoreV1Api, namespace: string, name: string, ready: boolean, timeoutMs: number): Promise<V1Pod> {
  return waitFor(
    `pod ${namespace}/${name} ready=${ready}`,
    async () => {
      const pod = await core.readNamespacedPod({ name, namespace });
      return isReady(pod) === ready && pod;
    },
    timeoutMs,
  );
}
