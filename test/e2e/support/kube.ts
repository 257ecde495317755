/** kubectl and API helpers for the operator's e2e suites. */
import { execFile } from 'node:child_process';
import { execSync } from 'node:child_process';
import { promisify } from 'node:util';
import { KUBECONFIG_PATH, REPO_ROOT } from '../../unit/agent-net/support/cluster.js';
import { waitFor } from '../../unit/agent-net/support/wait.js';

const run = promisify(execFile);

/** The kubectl built with the control plane (the one on a machine's PATH may be older). */
export const KUBECTL =
  process.env.KUBECTL ?? execSync(`bash -c 'source hack/cluster/lib.sh && echo $CP_BIN/kubectl'`, { cwd: REPO_ROOT }).toString().trim();

/** Runs kubectl; `wait` commands need a `timeoutMs` above their own --timeout. */
export async function kubectl(args: string[], input?: string, timeoutMs = 60_000): Promise<string> {
  const child = run(KUBECTL, ['--kubeconfig', KUBECONFIG_PATH, ...args], { maxBuffer: 16 << 20, timeout: timeoutMs });
  if (input !== undefined) {
    child.child.stdin!.end(input);
  }
  return (await child).stdout;
}

export async function getJson<T = Record<string, any>>(args: string[]): Promise<T> {
  return JSON.parse(await kubectl(['get', ...args, '-o', 'json'])) as T;
}

export async function applyYaml(yaml: string): Promise<void> {
  await kubectl(['apply', '-f', '-'], yaml);
}

export interface ClusterSpecInput {
  replicas?: number;
  sst?: 'rsync' | 'mariabackup';
  proxy?: 'none' | 'haproxy' | 'proxysql';
  extra?: string; // more YAML lines under spec, indented by two spaces
}

export function clusterYaml(namespace: string, name: string, spec: ClusterSpecInput = {}): string {
  return [
    'apiVersion: galera-operator.io/v1alpha1',
    'kind: MySQLCluster',
    `metadata: {name: ${name}, namespace: ${namespace}}`,
    'spec:',
    `  replicas: ${spec.replicas ?? 3}`,
    `  sst: ${spec.sst ?? 'rsync'}`,
    `  proxy: {type: ${spec.proxy ?? 'none'}}`,
    ...(spec.extra ? [spec.extra] : []),
    '',
  ].join('\n');
}

export async function clusterStatus(namespace: string, name: string): Promise<Record<string, any>> {
  return (await getJson(['mysqlcluster', name, '-n', namespace])).status ?? {};
}

export function conditionOf(status: Record<string, any>, type: string): Record<string, any> | undefined {
  return (status.conditions ?? []).find((c: { type: string }) => c.type === type);
}

export async function waitForClusterReady(namespace: string, name: string, timeoutMs: number): Promise<Record<string, any>> {
  return waitFor(
    `mysqlcluster ${namespace}/${name} Ready`,
    async () => {
      const status = await clusterStatus(namespace, name);
      return conditionOf(status, 'Ready')?.status === 'True' && status;
    },
    timeoutMs,
    500,
  );
}

export async function podIp(namespace: string, pod: string): Promise<string> {
  return (await kubectl(['get', 'pod', pod, '-n', namespace, '-o', 'jsonpath={.status.podIP}'])).trim();
}

export async function secretValue(namespace: string, secret: string, key: string): Promise<string> {
  const data = (await getJson(['secret', secret, '-n', namespace])).data ?? {};
  return Buffer.from(data[key] ?? '', 'base64').toString('utf8');
}
