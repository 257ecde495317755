/**
 * Shared steps of the crash drills (and the bench figures): a drill cluster with its own
 * namespace and operator, signals to a member's mariadbd by its pid file, live wsrep reads,
 * a workload aimed at Ready members, and the no-loss check on every member.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { getReport } from '../../../src/galera/agent-client.js';
import type { MemberReport } from '../../../src/galera/types.js';
import { createNamespace, deleteNamespace, loadKubeConfig, REPO_ROOT } from '../../unit/agent-net/support/cluster.js';
import { waitFor } from '../../unit/agent-net/support/wait.js';
import { applyYaml, clusterYaml, conditionOf, getJson, secretValue } from '../support/kube.js';
import { startOperator, type OperatorProcess } from '../support/operator.js';
import { query, type Target } from '../support/sql.js';
import { missingAcked, prepareDrillTable, startWorkload, type Workload } from '../support/workload.js';

export const CLUSTER = 'drill';
export const MEMBERS = ['drill-0', 'drill-1', 'drill-2'] as const;

export interface DrillCluster {
  ns: string;
  operator: OperatorProcess;
  core: CoreV1Api;
  rootPassword: string;
  /** Replace the operator process (after stop), keeping the namespace. */
  restartOperator(tag: string): void;
  teardown(): Promise<void>;
}

const kubeConfig = () => loadKubeConfig();

/** A namespace, an operator watching it, and a 3-member cluster (rsync SST, no proxy) Ready. */
export async function startDrillCluster(prefix: string, readyTimeoutMs = 240_000): Promise<DrillCluster> {
  const core = kubeConfig().makeApiClient(CoreV1Api);
  const ns = await createNamespace(core, prefix);
  const drill: DrillCluster = {
    ns,
    core,
    operator: startOperator(ns),
    rootPassword: '',
    restartOperator(tag) {
      drill.operator = startOperator(ns, { tag });
    },
    async teardown() {
      await drill.operator.stop();
      await deleteNamespace(core, ns, 180_000);
    },
  };
  try {
    await applyYaml(clusterYaml(ns, CLUSTER, { replicas: 3, sst: 'rsync', proxy: 'none' }));
    await waitForReady(ns, readyTimeoutMs);
    drill.rootPassword = await secretValue(ns, `${CLUSTER}-credentials`, 'root-password');
    await prepareDrillTable(await memberTarget(drill, MEMBERS[0]));
  } catch (err) {
    await drill.teardown().catch(() => undefined);
    throw err;
  }
  return drill;
}

const customObjects = kubeConfig().makeApiClient(CustomObjectsApi);

/** The MySQLCluster status straight from the API server (cheaper than a kubectl process). */
export async function drillStatus(ns: string): Promise<Record<string, any>> {
  const obj = (await customObjects.getNamespacedCustomObject({
    group: 'galera-operator.io', version: 'v1alpha1', namespace: ns, plural: 'mysqlclusters', name: CLUSTER,
  })) as { status?: Record<string, any> };
  return obj.status ?? {};
}

export async function waitForReady(ns: string, timeoutMs: number): Promise<Record<string, any>> {
  return waitFor(`${ns}/${CLUSTER} Ready`, async () => {
    const status = await drillStatus(ns);
    return conditionOf(status, 'Ready')?.status === 'True' && status.readyReplicas === MEMBERS.length && status;
  }, timeoutMs, 250);
}

export async function podAddress(drill: DrillCluster, pod: string): Promise<string> {
  const p = await drill.core.readNamespacedPod({ name: pod, namespace: drill.ns });
  if (!p.status?.podIP) throw new Error(`${pod} has no address`);
  return p.status.podIP;
}

export async function memberTarget(drill: DrillCluster, pod: string): Promise<Target> {
  return { host: await podAddress(drill, pod), port: 3306, user: 'root', password: drill.rootPassword };
}

// --- processes ------------------------------------------------------------------------------

/** PID of the mariadb container's main process (mariadbd once the entrypoint exec'd it). */
export function mainPid(ns: string, pod: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(REPO_ROOT, '.cluster/run', ns, pod, 'mariadb.pid'), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** The PID of the member's running mariadbd, or undefined (container down, or still waiting). */
export function mariadbdPid(ns: string, pod: string): number | undefined {
  const pid = mainPid(ns, pod);
  return pid !== undefined && commandOf(pid) === 'mariadbd' ? pid : undefined;
}

/** Sends `signal` to the member's mariadbd; fails if it does not run. Returns the PID. */
export function signalMariadbd(ns: string, pod: string, signal: NodeJS.Signals): number {
  const pid = mariadbdPid(ns, pod);
  if (pid === undefined) throw new Error(`${ns}/${pod}: mariadbd is not running`);
  process.kill(pid, signal);
  return pid;
}

/** Kill -9 the mariadbd of several members at (nearly) the same instant. */
export function killAll(ns: string, pods: readonly string[]): number[] {
  const pids = pods.map((pod) => {
    const pid = mariadbdPid(ns, pod);
    if (pid === undefined) throw new Error(`${ns}/${pod}: mariadbd is not running`);
    return pid;
  });
  for (const pid of pids) process.kill(pid, 'SIGKILL');
  return pids;
}

/** Resume every process in `pids` that may still be stopped (cleanup for SIGSTOP drills). */
export function resume(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      /* already gone */
    }
  }
}

// --- Galera state ---------------------------------------------------------------------------

export interface Wsrep {
  clusterStatus: string;
  localState: number;
  lastCommitted: number;
  clusterSize: number;
  stateUuid: string;
}

export async function readWsrep(target: Target, timeoutMs = 3000): Promise<Wsrep> {
  const rows = await query<{ Variable_name: string; Value: string }>(target,
    "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_cluster_status','wsrep_local_state','wsrep_last_committed','wsrep_cluster_size','wsrep_cluster_state_uuid')",
    [], timeoutMs);
  const v = Object.fromEntries(rows.map((r) => [r.Variable_name, r.Value]));
  return {
    clusterStatus: v.wsrep_cluster_status ?? '',
    localState: Number(v.wsrep_local_state ?? -1),
    lastCommitted: Number(v.wsrep_last_committed ?? -1),
    clusterSize: Number(v.wsrep_cluster_size ?? 0),
    stateUuid: v.wsrep_cluster_state_uuid ?? '',
  };
}

/** Waits until the member's (new) mariadbd is Primary ∧ Synced; `notPid` excludes the killed one. */
export async function waitMemberSynced(drill: DrillCluster, pod: string, timeoutMs: number, notPid?: number): Promise<Wsrep> {
  return waitFor(`${pod} Synced again`, async () => {
    const pid = mariadbdPid(drill.ns, pod);
    if (pid === undefined || pid === notPid) return false;
    const w = await readWsrep(await memberTarget(drill, pod), 1500);
    return w.clusterStatus === 'Primary' && w.localState === 4 && w;
  }, timeoutMs, 200);
}

/** The member's agent report (phase, position, lastInstruction), over its sidecar API. */
export async function memberReport(drill: DrillCluster, pod: string): Promise<MemberReport> {
  const token = await secretValue(drill.ns, `${CLUSTER}-credentials`, 'agent-token');
  const answer = await getReport({ host: await podAddress(drill, pod), token });
  if (!answer.ok) throw new Error(`${pod}: ${answer.error.message}`);
  return answer.value;
}

/** Which members took a bootstrap order of `generation`, from their own reports. */
export async function bootstrappedIn(drill: DrillCluster, generation: number): Promise<string[]> {
  const took: string[] = [];
  for (const pod of MEMBERS) {
    const last = (await memberReport(drill, pod)).lastInstruction;
    if (last?.action === 'bootstrap' && last.generation === generation) took.push(pod);
  }
  return took;
}

/** The host directory behind a member's data PVC (the local provisioner's hostPath). */
export async function dataDirOnHost(drill: DrillCluster, pod: string): Promise<string> {
  const pvc = await drill.core.readNamespacedPersistentVolumeClaim({ name: `data-${pod}`, namespace: drill.ns });
  const pv = await drill.core.readPersistentVolume({ name: pvc.spec!.volumeName! });
  const path = pv.spec?.hostPath?.path ?? pv.spec?.local?.path;
  if (!path) throw new Error(`${pod}: its PV has no host path`);
  return path;
}

// --- workload and checks --------------------------------------------------------------------

/** mariadbd runs and is not stopped (SIGSTOP leaves state 'T' in /proc/<pid>/stat). */
function serving(ns: string, pod: string): boolean {
  const pid = mariadbdPid(ns, pod);
  if (pid === undefined) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'T';
  } catch {
    return false;
  }
}

/**
 * Writes go to the first member the status lists as ready (re-read at most once a second) whose
 * mariadbd runs and is not stopped: the drill's client follows the operator's readiness.
 */
export function readyMemberWorkload(drill: DrillCluster, maxMs: number): Workload {
  let cached: { at: number; members: { name: string; target: Target }[] } = { at: 0, members: [] };
  return startWorkload(async () => {
    if (Date.now() - cached.at > 1000) {
      const status = await drillStatus(drill.ns).catch(() => ({} as Record<string, any>));
      const ready = (status.members ?? []).filter((m: { ready: boolean; address?: string }) => m.ready && m.address);
      cached = {
        at: Date.now(),
        members: ready.map((m: { name: string; address: string }) => ({
          name: m.name, target: { host: m.address, port: 3306, user: 'root', password: drill.rootPassword },
        })),
      };
    }
    return cached.members.find((m) => serving(drill.ns, m.name))?.target;
  }, { maxMs, pauseMs: 20 });
}

/** Per member, the acknowledged sequence numbers it lacks (all empty when nothing was lost). */
export async function lostRows(drill: DrillCluster, acked: readonly number[]): Promise<Record<string, number[]>> {
  const lost: Record<string, number[]> = {};
  for (const pod of MEMBERS) lost[pod] = await missingAcked(await memberTarget(drill, pod), acked);
  return lost;
}

/** Polls a write on a ready member until one commits; returns when it did. */
export async function waitWritable(drill: DrillCluster, timeoutMs: number): Promise<number> {
  await waitFor('a write to commit', async () => {
    for (const pod of MEMBERS) {
      try {
        await query(await memberTarget(drill, pod), 'INSERT INTO drill.probe (at) VALUES (NOW(3))', [], 1500);
        return true;
      } catch {
        /* next member */
      }
    }
    return false;
  }, timeoutMs, 200);
  return Date.now();
}

/** Each drill starts its writer at sequence 1: empty the table first (it was checked already). */
export async function resetDrillTable(drill: DrillCluster): Promise<void> {
  await query(await memberTarget(drill, MEMBERS[0]), 'DELETE FROM drill.acked', [], 10_000);
}

export async function prepareProbeTable(drill: DrillCluster): Promise<void> {
  await query(await memberTarget(drill, MEMBERS[0]), 'CREATE TABLE IF NOT EXISTS drill.probe (id INT AUTO_INCREMENT PRIMARY KEY, at TIMESTAMP(3))');
}

// --- evidence ---------------------------------------------------------------------------------

/** Reasons of the Events recorded for the MySQLCluster, oldest first. */
export async function clusterEventReasons(ns: string): Promise<string[]> {
  const list = await getJson<{ items: { reason?: string; regarding?: { kind?: string }; involvedObject?: { kind?: string }; eventTime?: string; metadata: { creationTimestamp: string } }[] }>(
    ['events.v1.events.k8s.io', '-n', ns]);
  return list.items
    .filter((e) => (e.regarding?.kind ?? e.involvedObject?.kind) === 'MySQLCluster')
    .sort((a, b) => (a.metadata.creationTimestamp < b.metadata.creationTimestamp ? -1 : 1))
    .map((e) => e.reason ?? '');
}

/** The part of a member's mariadb container log written after `offset` bytes. */
export function logSince(ns: string, pod: string, offset: number): string {
  try {
    return readFileSync(join(REPO_ROOT, '.cluster/logs', ns, pod, 'mariadb.log')).subarray(offset).toString('utf8');
  } catch {
    return '';
  }
}

export function logSize(ns: string, pod: string): number {
  try {
    return readFileSync(join(REPO_ROOT, '.cluster/logs', ns, pod, 'mariadb.log')).length;
  } catch {
    return 0;
  }
}

export const seconds = (ms: number): string => (ms / 1000).toFixed(1);
