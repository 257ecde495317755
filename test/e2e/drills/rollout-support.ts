/**
 * Shared steps of the scaling and rolling-change drills: a cluster of any size in its own
 * namespace with its own operator, spec patches, pod identities (uid, revision), a writer aimed
 * at the lowest-ordinal Ready member, and the no-loss check on every member.
 */
import { join } from 'node:path';
import { CoreV1Api, CustomObjectsApi, type V1Pod } from '@kubernetes/client-node';
import { createNamespace, deleteNamespace, loadKubeConfig, REPO_ROOT } from '../../unit/agent-net/support/cluster.js';
import { waitFor } from '../../unit/agent-net/support/wait.js';
import { applyYaml, clusterYaml, conditionOf, kubectl, secretValue } from '../support/kube.js';
import { startOperator, type OperatorProcess } from '../support/operator.js';
import { query, type Target } from '../support/sql.js';
import { missingAcked, prepareDrillTable, startWorkload, type Workload } from '../support/workload.js';

export interface Drill {
  ns: string;
  name: string;
  core: CoreV1Api;
  operator: OperatorProcess;
  rootPassword: string;
  /** Kills the operator (SIGKILL: no lease release, as a crash) and starts another. */
  crashOperator(tag: string): Promise<void>;
  teardown(): Promise<void>;
}

const kc = loadKubeConfig();
const customObjects = kc.makeApiClient(CustomObjectsApi);

/**
 * A namespace, an operator watching it, and a cluster (rsync SST, no proxy) Ready; the drill
 * table made. The CRDs are applied first (idempotent), so a suite does not depend on running
 * after crd.test.ts.
 */
export async function startDrill(prefix: string, name: string, replicas: number, extra?: string): Promise<Drill> {
  await kubectl(['apply', '--server-side', '--force-conflicts', '-f', join(REPO_ROOT, 'manifests/crds')]);
  const core = kc.makeApiClient(CoreV1Api);
  const ns = await createNamespace(core, prefix);
  const drill: Drill = {
    ns, name, core, operator: startOperator(ns), rootPassword: '',
    async crashOperator(tag) {
      await drill.operator.stop('SIGKILL');
      drill.operator = startOperator(ns, { tag });
    },
    async teardown() {
      await drill.operator.stop();
      await deleteNamespace(core, ns, 180_000);
    },
  };
  try {
    await applyYaml(clusterYaml(ns, name, { replicas, sst: 'rsync', proxy: 'none', ...(extra ? { extra } : {}) }));
    await waitReady(drill, replicas, 240_000);
    drill.rootPassword = await secretValue(ns, `${name}-credentials`, 'root-password');
    await prepareDrillTable(await memberTarget(drill, `${name}-0`));
  } catch (err) {
    await drill.teardown().catch(() => undefined);
    throw err;
  }
  return drill;
}

/** The MySQLCluster status straight from the API server. */
export async function statusOf(drill: Drill): Promise<Record<string, any>> {
  const obj = (await customObjects.getNamespacedCustomObject({
    group: 'galera-operator.io', version: 'v1alpha1', namespace: drill.ns, plural: 'mysqlclusters', name: drill.name,
  })) as { status?: Record<string, any> };
  return obj.status ?? {};
}

/** Ready with `replicas` members ready and no rollout in flight. */
export async function waitReady(drill: Drill, replicas: number, timeoutMs: number): Promise<Record<string, any>> {
  return waitFor(`${drill.ns}/${drill.name} Ready with ${replicas} members`, async () => {
    const status = await statusOf(drill);
    const ready = conditionOf(status, 'Ready')?.status === 'True' && status.readyReplicas === replicas && status.rollout === undefined;
    return ready && status;
  }, timeoutMs, 500);
}

export async function patchSpec(drill: Drill, spec: Record<string, unknown>): Promise<void> {
  await kubectl(['patch', 'mysqlcluster', drill.name, '-n', drill.ns, '--type', 'merge', '-p', JSON.stringify({ spec })]);
}

export interface PodIdentity {
  name: string;
  uid: string;
  created: string;
  revision: string;
  ready: boolean;
  restarts: number;
}

/** The member pods, without those being deleted unless `terminating` is set. */
export async function memberPods(drill: Drill, options: { terminating?: boolean } = {}): Promise<PodIdentity[]> {
  const list = await drill.core.listNamespacedPod({ namespace: drill.ns, labelSelector: `app.kubernetes.io/instance=${drill.name},app.kubernetes.io/component=database` });
  return list.items.filter((p: V1Pod) => options.terminating || !p.metadata?.deletionTimestamp).map((p: V1Pod) => ({
    name: p.metadata!.name!,
    uid: p.metadata!.uid!,
    created: new Date(p.metadata!.creationTimestamp!).toISOString(),
    revision: p.metadata!.labels?.['controller-revision-hash'] ?? '',
    ready: (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    restarts: p.status?.containerStatuses?.find((c) => c.name === 'mariadb')?.restartCount ?? 0,
  })).sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
}

export async function memberTarget(drill: Drill, pod: string): Promise<Target> {
  const p = await drill.core.readNamespacedPod({ name: pod, namespace: drill.ns });
  if (!p.status?.podIP) throw new Error(`${pod} has no address`);
  return { host: p.status.podIP, port: 3306, user: 'root', password: drill.rootPassword };
}

/** Writes go to the lowest-ordinal member the status lists as ready (re-read at most every 500 ms). */
export function lowestReadyWorkload(drill: Drill, maxMs: number): Workload {
  let cached: { at: number; target: Target | undefined } = { at: 0, target: undefined };
  return startWorkload(async () => {
    if (Date.now() - cached.at > 500) {
      const status = await statusOf(drill).catch(() => ({}) as Record<string, any>);
      const first = (status.members ?? []).find((m: { ready: boolean; address?: string }) => m.ready && m.address);
      cached = { at: Date.now(), target: first ? { host: first.address, port: 3306, user: 'root', password: drill.rootPassword } : undefined };
    }
    return cached.target;
  }, { maxMs, pauseMs: 20 });
}

/** Per member, the acknowledged sequence numbers it lacks (all empty when nothing was lost). */
export async function lostRows(drill: Drill, members: readonly string[], acked: readonly number[]): Promise<Record<string, number[]>> {
  const lost: Record<string, number[]> = {};
  for (const pod of members) lost[pod] = await missingAcked(await memberTarget(drill, pod), acked);
  return lost;
}

export const noneLost = (members: readonly string[]): Record<string, number[]> => Object.fromEntries(members.map((m) => [m, []]));

export async function globalValue(drill: Drill, pod: string, variable: string): Promise<string> {
  const rows = await query<{ Value: string }>(await memberTarget(drill, pod), 'SHOW GLOBAL VARIABLES WHERE Variable_name = ?', [variable]);
  return rows[0]?.Value ?? '';
}

export async function statusValue(drill: Drill, pod: string, variable: string): Promise<string> {
  const rows = await query<{ Value: string }>(await memberTarget(drill, pod), 'SHOW GLOBAL STATUS WHERE Variable_name = ?', [variable]);
  return rows[0]?.Value ?? '';
}

/** Reasons and notes of the Events recorded for the MySQLCluster, oldest first. */
export async function clusterEvents(drill: Drill): Promise<{ reason: string; note: string }[]> {
  const list = JSON.parse(await kubectl(['get', 'events.v1.events.k8s.io', '-n', drill.ns, '-o', 'json'])) as {
    items: { reason?: string; note?: string; regarding?: { kind?: string }; metadata: { creationTimestamp: string } }[];
  };
  return list.items
    .filter((e) => e.regarding?.kind === 'MySQLCluster')
    .sort((a, b) => (a.metadata.creationTimestamp < b.metadata.creationTimestamp ? -1 : 1))
    .map((e) => ({ reason: e.reason ?? '', note: e.note ?? '' }));
}

/** Empties the drill table so that the next writer can start at sequence 1 again. */
export async function resetDrillTable(drill: Drill): Promise<void> {
  await query(await memberTarget(drill, `${drill.name}-0`), 'DELETE FROM drill.acked', [], 10_000);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
