/**
 * `make bench` figures for the proxies, with the operator as a local process on the local
 * cluster (3 members, rsync SST, 2 proxy pods), per proxy type:
 *  - writer_failover_seconds_<type>: the largest gap between acknowledged writes through the
 *    proxy's 3306 (a connection per write) around a kill -9 of the writer's mariadbd;
 *  - rolling_restart_failed_transactions_<type>: writes through the proxy that did not get an
 *    acknowledgement while a config change rolls every member (drain, restart, ready);
 *  - writer_switches_{failover,rolling}_<type>: how often consecutive acknowledged writes were
 *    committed by different members (1 = one writer change, writes never on two members at once).
 * ProxySQL figures only when a `proxysql` binary is on PATH. Prints, asserts nothing.
 */
import { spawnSync } from 'node:child_process';
import { CoreV1Api } from '@kubernetes/client-node';
import { createNamespace, deleteNamespace, loadKubeConfig } from '../../test/unit/agent-net/support/cluster.js';
import { applyYaml, clusterStatus, clusterYaml, conditionOf, kubectl, secretValue, waitForClusterReady } from '../../test/e2e/support/kube.js';
import { startOperator } from '../../test/e2e/support/operator.js';
import { rootTarget } from '../../test/e2e/support/sql.js';
import { prepareDrillTable, type WorkloadResult } from '../../test/e2e/support/workload.js';
import { allowDrillTable, appTarget, killMariadbd, reportErrors, sleep, startDrillWrites, writerSwitches } from '../../test/e2e/proxy/proxy-drill.js';

type ProxyType = 'haproxy' | 'proxysql';
const NAME = 'fo';

async function until<T>(what: string, check: () => Promise<T | false | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const describeRuns = (runs: Array<{ node: string; writes: number; from: string }>): string =>
  runs.map((r) => `${r.node} x${r.writes} from ${r.from}`).join(' → ');

const writerOf = async (ns: string): Promise<string> => String((await clusterStatus(ns, NAME)).writer ?? '');

async function failoverGapSeconds(ns: string): Promise<WorkloadResult & { seconds: number }> {
  const writer = await writerOf(ns);
  const target = await appTarget(ns, NAME, 3306);
  const workload = startDrillWrites(target, 60_000);
  await sleep(3000);
  killMariadbd(ns, writer);
  await until('status.writer moves', async () => (await writerOf(ns)) !== writer, 60_000);
  await sleep(6000);
  const result = await workload.stop();
  reportErrors('failover', result.errors);
  return { ...result, seconds: result.maxGapMs / 1000 };
}

/** Rolls every member with a config change; undefined when no rollout started. */
async function rollingFailures(ns: string): Promise<WorkloadResult | undefined> {
  await waitForClusterReady(ns, NAME, 180_000);
  const target = await appTarget(ns, NAME, 3306);
  const workload = startDrillWrites(target, 400_000);
  await sleep(2000);
  await kubectl(['patch', 'mysqlcluster', NAME, '-n', ns, '--type=merge', '-p', JSON.stringify({ spec: { config: 'max_connections = 321\n' } })]);
  try {
    await until('a rollout starts', async () => (await clusterStatus(ns, NAME)).rollout?.member, 60_000);
  } catch {
    await workload.stop();
    return undefined;
  }
  await until('the rollout ends with every member Synced', async () => {
    const status = await clusterStatus(ns, NAME);
    const rolling = conditionOf(status, 'RollingUpdate');
    return !status.rollout?.member && rolling?.status !== 'True' && status.readyReplicas === 3 && conditionOf(status, 'Ready')?.status === 'True';
  }, 360_000);
  await sleep(2000);
  const result = await workload.stop();
  reportErrors('rolling restart', result.errors);
  return result;
}

async function bench(type: ProxyType): Promise<void> {
  const core = loadKubeConfig().makeApiClient(CoreV1Api);
  const ns = await createNamespace(core, `bench-${type}`);
  const operator = startOperator(ns, { leaderElection: false });
  try {
    await applyYaml(clusterYaml(ns, NAME, { replicas: 3, proxy: type }));
    await waitForClusterReady(ns, NAME, 300_000);
    const root = await rootTarget(ns, NAME, await writerOf(ns));
    await prepareDrillTable(root);
    await allowDrillTable(root, await secretValue(ns, `${NAME}-credentials`, 'app-username'));
    const failover = await failoverGapSeconds(ns);
    console.log(`writer_failover_seconds_${type}: ${failover.seconds.toFixed(2)} s`);
    console.error(`failover (${type}): ${failover.acked.length} acknowledged, ${failover.unknown.length} without acknowledgement`);
    await until('the old writer back and the cluster Ready', async () => (await clusterStatus(ns, NAME)).readyReplicas === 3, 180_000);
    const afterFailover = await writerSwitches(await rootTarget(ns, NAME, await writerOf(ns)), failover.acked);
    console.log(`writer_switches_failover_${type}: ${afterFailover.switches} (${afterFailover.members.join(', ')})`);
    console.error(`failover (${type}) writes by member: ${describeRuns(afterFailover.runs)}`);
    const rolling = await rollingFailures(ns);
    if (rolling) {
      console.log(`rolling_restart_failed_transactions_${type}: ${rolling.unknown.length}`);
      const duringRoll = await writerSwitches(await rootTarget(ns, NAME, await writerOf(ns)), rolling.acked);
      console.log(`writer_switches_rolling_${type}: ${duringRoll.switches} (${duringRoll.members.join(', ')})`);
      console.error(`rolling restart (${type}) writes by member: ${describeRuns(duringRoll.runs)}`);
    }
    else console.error(`rolling restart (${type}): no rollout started; no figure`);
  } finally {
    await operator.stop();
    await deleteNamespace(core, ns, 180_000);
  }
}

// BENCH_PROXIES=proxysql (or haproxy) runs one type only.
const wanted = (process.env.BENCH_PROXIES ?? 'haproxy,proxysql').split(',');
if (wanted.includes('haproxy')) await bench('haproxy');
const proxysqlHere = spawnSync('bash', ['-c', 'command -v proxysql'], { stdio: 'ignore' }).status === 0;
if (wanted.includes('proxysql') && proxysqlHere) await bench('proxysql');
