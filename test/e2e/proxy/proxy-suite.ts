/**
 * The operator-with-proxy drill, for either proxy type: a 3-member cluster behind the proxy
 * reaches Ready with ProxyReady; writes through <ClusterIP>:3306 land on status.writer only,
 * reads through :3307 spread over the other members and never reach a desynced member; kill -9
 * of the writer's mariadbd moves writes to another member and the old writer does not take the
 * role back when it returns; a rolling restart fails no transaction; a proxy process that stops
 * answering or is killed is reported and comes back programmed. Registered by
 * haproxy-operator.test.ts and proxysql-operator.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import { clusterMissing, createNamespace, deleteNamespace, loadKubeConfig } from '../../unit/agent-net/support/cluster.js';
import { waitFor } from '../../unit/agent-net/support/wait.js';
import { applyYaml, clusterStatus, clusterYaml, conditionOf, getJson, kubectl, secretValue, waitForClusterReady } from '../support/kube.js';
import { startOperator, type OperatorProcess } from '../support/operator.js';
import { query, rootTarget } from '../support/sql.js';
import { missingAcked, prepareDrillTable, startWorkload } from '../support/workload.js';
import { allowDrillTable, appTarget, killMariadbd, landings, mainPid, reportErrors, sleep, startDrillWrites, writeLandings, writerSwitches } from './proxy-drill.js';

export function defineProxyOperatorSuite(type: 'haproxy' | 'proxysql', NAME: string, skipReason?: string): void {
  const skip = skipReason ?? clusterMissing();
  const core = skip ? undefined : loadKubeConfig().makeApiClient(CoreV1Api);
  let ns = '';
  let operator: OperatorProcess | undefined;

  before(async () => {
    if (skip) return;
    ns = await createNamespace(core!, `px-${type}`);
    operator = startOperator(ns);
  });

  after(async () => {
    await operator?.stop();
    if (ns) await deleteNamespace(core!, ns, 180_000);
  });

  const writerOf = async (): Promise<string> => String((await clusterStatus(ns, NAME)).writer ?? '');

  test(`a 3-member cluster behind ${type} reaches Ready with ProxyReady and owned proxy objects`, { skip, timeout: 300_000 }, async () => {
    await applyYaml(clusterYaml(ns, NAME, { replicas: 3, proxy: type }));
    const status = await waitForClusterReady(ns, NAME, 240_000);
    assert.equal(conditionOf(status, 'ProxyReady')?.status, 'True');
    assert.match(status.writer, new RegExp(`^${NAME}-[0-2]$`));
    const table = await kubectl(['get', 'mysqlclusters', '-n', ns]);
    assert.match(table.trim().split('\n')[1]!, new RegExp(`^${NAME}\\s+3/3\\s+${status.writer}\\s+Running`));

    const uid = (await getJson(['mysqlcluster', NAME, '-n', ns])).metadata.uid;
    for (const kind of ['deployment', 'service', 'configmap', 'poddisruptionbudget']) {
      const name = kind === 'configmap' ? `${NAME}-proxy-config` : `${NAME}-proxy`;
      const obj = await getJson([kind, name, '-n', ns]);
      assert.equal(obj.metadata.labels['app.kubernetes.io/instance'], NAME, `${kind} label`);
      assert.equal(obj.metadata.labels['app.kubernetes.io/component'], 'proxy', `${kind} component`);
      assert.equal(obj.metadata.ownerReferences?.find((r: { controller?: boolean }) => r.controller)?.uid, uid, `${kind} owner`);
    }
    const service = await getJson(['service', `${NAME}-proxy`, '-n', ns]);
    assert.deepEqual(service.spec.ports.map((p: { port: number }) => p.port).sort(), [3306, 3307], 'only the client ports');
    const config = await getJson(['configmap', `${NAME}-proxy-config`, '-n', ns]);
    const text = Object.values(config.data as Record<string, string>).join('\n');
    for (const key of ['root-password', 'app-password', 'monitor-password', 'agent-token', 'proxy-admin-password', 'proxy-operator-password']) {
      assert.ok(!text.includes(await secretValue(ns, `${NAME}-credentials`, key)), `no ${key} in the ConfigMap`);
    }
    const deployment = await getJson(['deployment', `${NAME}-proxy`, '-n', ns]);
    assert.equal(deployment.spec.replicas, 2);
    assert.equal(deployment.status.readyReplicas, 2);
  });

  test('writes through 3306 land on the writer only; reads through 3307 spread over the others', { skip, timeout: 120_000 }, async () => {
    const writer = await writerOf();
    const app = await appTarget(ns, NAME, 3306);
    assert.deepEqual([...new Set(await writeLandings(app, 20))], [writer]);
    await query(app, 'CREATE TABLE IF NOT EXISTS notes (id INT PRIMARY KEY, note VARCHAR(40))');
    await query(app, "INSERT INTO notes VALUES (1, 'through the proxy')");
    const reads = await landings(await appTarget(ns, NAME, 3307), 30);
    const others = [0, 1, 2].map((i) => `${NAME}-${i}`).filter((p) => p !== writer);
    assert.deepEqual([...new Set(reads)].sort(), others, `reads landed on ${reads.join(',')}`);
    const rows = await query<{ note: string }>(await appTarget(ns, NAME, 3307), 'SELECT note FROM notes WHERE id = 1');
    assert.equal(rows[0]?.note, 'through the proxy');
  });

  test('reads never reach a desynced member', { skip, timeout: 120_000 }, async () => {
    const writer = await writerOf();
    const victim = [0, 1, 2].map((i) => `${NAME}-${i}`).find((p) => p !== writer)!;
    const member = await rootTarget(ns, NAME, victim);
    await query(member, 'SET GLOBAL wsrep_desync=ON');
    try {
      const reader = await appTarget(ns, NAME, 3307);
      // HAProxy marks it down after `fall` failed checks (2 × 0.5–1 s); ProxySQL within a check.
      await waitFor(`${victim} out of the readers`, async () => !(await landings(reader, 6)).includes(victim), 20_000, 500);
      const reads = await landings(reader, 50);
      assert.ok(!reads.includes(victim), `a read reached the desynced ${victim}`);
      assert.ok(reads.length === 50);
    } finally {
      await query(member, 'SET GLOBAL wsrep_desync=OFF');
    }
    await waitFor('every member Synced again', async () => (await clusterStatus(ns, NAME)).readyReplicas === 3, 60_000, 500);
  });

  test('a drain\'s desync recorded on a member\'s pod is turned off once no drain holds it; a desync without the record is left alone', { skip, timeout: 120_000 }, async () => {
    // As after an operator restart between a ProxySQL drain's desync and its release: the
    // record is the pod annotation, nothing in the operator's memory.
    const writer = await writerOf();
    const victim = [0, 1, 2].map((i) => `${NAME}-${i}`).find((p) => p !== writer)!;
    const member = await rootTarget(ns, NAME, victim);
    const desync = async () => (await query<{ v: string }>(member, "SELECT @@GLOBAL.wsrep_desync AS v"))[0]!.v;
    await query(member, 'SET GLOBAL wsrep_desync=ON');
    try {
      await sleep(6000); // several reconciles: a desync the operator did not record stays
      assert.equal(String(await desync()), '1', 'the operator turned off a desync it did not make');
      await kubectl(['annotate', 'pod', victim, '-n', ns, 'galera-operator.io/drain-desync=true']);
      await waitFor(`${victim}'s recorded desync turned off`, async () => String(await desync()) === '0', 60_000, 500);
      await waitFor('the record removed', async () =>
        (await getJson(['pod', victim, '-n', ns])).metadata.annotations?.['galera-operator.io/drain-desync'] === undefined, 30_000, 500);
    } finally {
      await query(member, 'SET GLOBAL wsrep_desync=OFF');
    }
    await waitForClusterReady(ns, NAME, 60_000);
  });

  test('kill -9 of the writer: writes resume on another member, and the old writer does not take the role back', { skip, timeout: 240_000 }, async () => {
    const oldWriter = await writerOf();
    const root = await rootTarget(ns, NAME, oldWriter);
    await prepareDrillTable(root);
    await allowDrillTable(root, await secretValue(ns, `${NAME}-credentials`, 'app-username'));
    const writes = await appTarget(ns, NAME, 3306);
    const workload = startWorkload(async () => writes, { maxMs: 60_000, pauseMs: 20 });
    await sleep(3000);
    killMariadbd(ns, oldWriter);
    const killedAt = Date.now();
    const newWriter = await waitFor('status.writer moves', async () => {
      const w = await writerOf();
      return w && w !== oldWriter ? w : false;
    }, 60_000, 250);
    await sleep(5000);
    const result = await workload.stop();
    console.log(`writer ${oldWriter} -> ${newWriter} in ${Date.now() - killedAt} ms; largest write gap ${result.maxGapMs} ms; ${result.acked.length} acked, ${result.unknown.length} unknown`);
    assert.ok(result.acked.length > 0);
    assert.deepEqual([...new Set(await writeLandings(writes, 10))], [newWriter], 'writes go to the new writer');

    // The old writer comes back (the operator restarts it) and must not take the role back.
    await waitFor(`${oldWriter} Synced again`, async () => {
      const members = (await clusterStatus(ns, NAME)).members ?? [];
      return members.find((m: { name: string }) => m.name === oldWriter)?.ready === true;
    }, 120_000, 500);
    await sleep(4000); // several HAProxy check rounds
    assert.equal(await writerOf(), newWriter, 'no fail-back in status.writer');
    assert.deepEqual([...new Set(await writeLandings(writes, 10))], [newWriter], 'no fail-back in the proxy');
    assert.deepEqual(await missingAcked(await rootTarget(ns, NAME, newWriter), result.acked), [], 'no acknowledged write lost');
    const status = await waitForClusterReady(ns, NAME, 60_000);
    assert.equal(conditionOf(status, 'ProxyReady')?.status, 'True');
  });

  test('a rolling restart under a connection-per-transaction client through 3306: drained first, 0 failed transactions', { skip, timeout: 300_000 }, async () => {
    await waitForClusterReady(ns, NAME, 60_000);
    const writerBefore = await writerOf();
    const writes = startDrillWrites(await appTarget(ns, NAME, 3306), 240_000);
    await sleep(2000);
    await kubectl(['patch', 'mysqlcluster', NAME, '-n', ns, '--type=merge', '-p', JSON.stringify({ spec: { config: 'max_connections = 321\n' } })]);
    const restarted = new Set<string>();
    const writers: string[] = []; // every writer seen, in order: the story when an assertion fails
    await waitFor('the roll restarts every member and ends Ready', async () => {
      const status = await clusterStatus(ns, NAME);
      if (status.rollout?.member) restarted.add(status.rollout.member);
      if (status.writer && writers.at(-1) !== status.writer) writers.push(status.writer);
      return restarted.size === 3 && !status.rollout?.member && conditionOf(status, 'Ready')?.status === 'True';
    }, 240_000, 250);
    await sleep(2000);
    const result = await writes.stop();
    reportErrors('rolling restart', result.errors);
    console.log(`rolling restart: ${result.acked.length} acked, ${result.unknown.length} failed, largest gap ${result.maxGapMs} ms (ended ${result.maxGapEnd}); writer ${writerBefore} -> ${await writerOf()}`);
    assert.ok(result.acked.length > 50, 'writes went on during the roll');
    assert.deepEqual(result.unknown, [], 'no transaction failed');
    assert.notEqual(await writerOf(), writerBefore, `the writer was moved off before its restart and kept; writers seen: ${writers.join(' → ')}`);
    const root = await rootTarget(ns, NAME, await writerOf());
    assert.deepEqual(await missingAcked(root, result.acked), []);
    const { switches, runs } = await writerSwitches(root, result.acked);
    assert.equal(switches, 1, `writes moved once, never alternating between members: ${runs.map((r) => `${r.node} x${r.writes}`).join(' → ')}`);
  });

  test('a proxy pod that does not answer makes ProxyReady False with the reason, and it recovers', { skip, timeout: 120_000 }, async () => {
    const pods = await getJson<{ items: Array<{ metadata: { name: string } }> }>(['pods', '-n', ns, '-l', 'app.kubernetes.io/component=proxy']);
    const pod = pods.items[0]!.metadata.name;
    // The process the operator programs the pod through: HAProxy's agent, or ProxySQL itself.
    const pid = mainPid(ns, pod, type === 'haproxy' ? 'agent' : 'proxysql');
    process.kill(pid, 'SIGSTOP');
    try {
      const reason = await waitFor('ProxyReady False', async () => {
        const c = conditionOf(await clusterStatus(ns, NAME), 'ProxyReady');
        return c?.status === 'False' && String(c.reason);
      }, 60_000, 500);
      assert.ok(['ProxyUnreachable', 'ProxyPodsNotReady'].includes(reason), reason);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    const status = await waitForClusterReady(ns, NAME, 90_000);
    assert.equal(conditionOf(status, 'ProxyReady')?.status, 'True');
  });

  test('kill -9 of a proxy process: the container restarts, is programmed again, and writes still reach the writer only', { skip, timeout: 180_000 }, async () => {
    await waitForClusterReady(ns, NAME, 90_000);
    const container = type === 'haproxy' ? 'haproxy' : 'proxysql';
    const pods = await getJson<{ items: Array<{ metadata: { name: string } }> }>(['pods', '-n', ns, '-l', 'app.kubernetes.io/component=proxy']);
    const pod = pods.items[0]!.metadata.name;
    const restarts = async (): Promise<number> =>
      ((await getJson(['pod', pod, '-n', ns])).status.containerStatuses ?? []).find((c: { name: string }) => c.name === container)?.restartCount ?? 0;
    const before = await restarts();
    process.kill(mainPid(ns, pod, container), 'SIGKILL');
    await waitFor(`${pod}/${container} restarted`, async () => (await restarts()) > before, 60_000, 500);
    await waitFor(`${pod} Ready again`, async () => {
      const conditions = (await getJson(['pod', pod, '-n', ns])).status.conditions ?? [];
      return conditions.some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True');
    }, 60_000, 500);
    const status = await waitForClusterReady(ns, NAME, 60_000);
    assert.equal(conditionOf(status, 'ProxyReady')?.status, 'True');
    const writes = await appTarget(ns, NAME, 3306);
    assert.deepEqual([...new Set(await writeLandings(writes, 10))], [status.writer], 'writes land on the writer only');
  });

  test('proxy type none removes the proxy objects and the ProxyReady condition', { skip, timeout: 120_000 }, async () => {
    await kubectl(['patch', 'mysqlcluster', NAME, '-n', ns, '--type=merge', '-p', '{"spec":{"proxy":{"type":"none"}}}']);
    await waitFor('proxy objects gone', async () => {
      const left = await kubectl(['get', 'deployment,service,configmap,poddisruptionbudget', '-n', ns, '-o', 'name']);
      return !left.includes(`${NAME}-proxy`);
    }, 60_000, 500);
    const status = await waitFor('ProxyReady dropped', async () => {
      const s = await clusterStatus(ns, NAME);
      return !conditionOf(s, 'ProxyReady') && conditionOf(s, 'Ready')?.status === 'True' && s;
    }, 60_000, 500);
    assert.ok(status.writer, 'the writer is still recorded');
  });
}
