import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { createLogger } from '../../../../src/log.js';
import { sleep } from '../../../../src/runtime/clock.js';
import type { ResourceRef } from '../../../../src/runtime/resources.js';
import { KubeRest } from '../../../../src/runtime/rest.js';

/* Support for test/e2e/runtime.test.ts: cluster access, a tiny test CRD, child operators. */

export const ROOT = resolve(import.meta.dirname, '../../../..');
export const KUBECONFIG = resolve(ROOT, '.cluster/kubeconfig');

export const quietLogger = () => createLogger('runtime-e2e', { level: 'warn', destination: new Writable({ write: (_c, _e, done) => done() }) });

export async function eventually<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000, stepMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await fn();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    await sleep(stepMs);
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${(lastError as Error).message}` : ''}`);
}

/** The local cluster's admin kubeconfig, or why the e2e tests must be skipped. */
export async function localCluster(): Promise<{ kc: KubeConfig; skip: string | false }> {
  const kc = new KubeConfig();
  if (!existsSync(KUBECONFIG)) return { kc, skip: 'no local cluster (.cluster/kubeconfig missing; run make cluster)' };
  kc.loadFromFile(KUBECONFIG);
  try {
    await new KubeRest(kc).request('GET', '/version', { timeoutMs: 3000 });
    return { kc, skip: false };
  } catch {
    return { kc, skip: 'local cluster API server not reachable' };
  }
}

/** A namespaced test CRD with a status subresource and free-form spec and status. */
export function testCrd(ref: ResourceRef): KubernetesObject {
  const free = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${ref.plural}.${ref.group}` },
    spec: {
      group: ref.group,
      scope: 'Namespaced',
      names: { plural: ref.plural, singular: ref.kind.toLowerCase(), kind: ref.kind, listKind: `${ref.kind}List` },
      versions: [
        {
          name: ref.version,
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: { openAPIV3Schema: { type: 'object', properties: { spec: free, status: free } } },
        },
      ],
    },
  } as KubernetesObject;
}

// A tiny operator: a manager with leader election that reconciles the ConfigMaps of one
// namespace and prints a line per reconcile, so a test sees which process acts.
const CHILD_PROGRAM = `
  const { KubeConfig } = await import('@kubernetes/client-node');
  const { Manager, Resources } = await import(${JSON.stringify(resolve(ROOT, 'src/runtime/index.ts'))});
  const kc = new KubeConfig();
  kc.loadFromFile(process.env.RT_KUBECONFIG);
  const manager = new Manager({
    name: 'runtime-e2e-child', kubeConfig: kc, namespace: process.env.RT_NS,
    metricsBindAddress: false, healthProbeBindAddress: false, defaultMetrics: false,
    leaderElection: { namespace: process.env.RT_NS, leaseName: process.env.RT_LEASE, identity: process.env.RT_ID },
  });
  manager.register({
    name: 'configmaps', primary: Resources.ConfigMap,
    reconcile: async ({ key }) => { process.stdout.write('RECONCILE ' + process.env.RT_ID + ' ' + key + '\\n'); },
  });
  await manager.start();
  process.stdout.write('STARTED ' + process.env.RT_ID + '\\n');
`;

export interface ChildOperator {
  id: string;
  proc: ChildProcess;
  lines: string[];
  reconciles(): number;
  exited(): Promise<number | null>;
}

export function startChildOperator(id: string, namespace: string, lease: string): ChildOperator {
  const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD_PROGRAM], {
    cwd: ROOT,
    env: { ...process.env, RT_KUBECONFIG: KUBECONFIG, RT_NS: namespace, RT_LEASE: lease, RT_ID: id, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  let buffer = '';
  proc.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    lines.push(...parts.filter(Boolean));
  });
  const exit = new Promise<number | null>((resolveExit) => proc.once('exit', (code) => resolveExit(code)));
  return { id, proc, lines, reconciles: () => lines.filter((l) => l.startsWith(`RECONCILE ${id} `)).length, exited: () => exit };
}
