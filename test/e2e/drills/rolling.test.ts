/**
 * Rolling changes under a writer (one transaction at a time to the lowest-ordinal Ready member):
 *  - a config change (max_connections = 300) restarts every member exactly once, one at a time,
 *    the writer last, with no acknowledged row lost, though the operator is killed mid-roll;
 *  - a broken config change (an option mariadbd does not know) stops at the first member with
 *    RollingUpdate=False/RolloutBlocked naming it and the error; the others stay Ready and keep
 *    taking writes; rolled back by the user, the cluster is Ready again on the final revision.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { V1StatefulSet } from '@kubernetes/client-node';
import { AppsV1Api } from '@kubernetes/client-node';
import { clusterMissing, loadKubeConfig } from '../../unit/agent-net/support/cluster.js';
import { waitFor } from '../../unit/agent-net/support/wait.js';
import { conditionOf } from '../support/kube.js';
import { query } from '../support/sql.js';
import {
  clusterEvents, globalValue, lostRows, lowestReadyWorkload, memberPods, memberTarget, noneLost, patchSpec, resetDrillTable, sleep,
  startDrill, statusOf, statusValue, waitReady, type Drill, type PodIdentity,
} from './rollout-support.js';

const skip = clusterMissing();
const NAME = 'roll';
const MEMBERS = ['roll-0', 'roll-1', 'roll-2'];
const GOOD_CONFIG = 'max_connections = 300';
let drill: Drill | undefined;

before(async () => {
  if (!skip) drill = await startDrill('drill-roll', NAME, 3);
});

after(async () => {
  await drill?.teardown();
});

async function updateRevision(d: Drill): Promise<string> {
  const apps = loadKubeConfig().makeApiClient(AppsV1Api);
  const sts: V1StatefulSet = await apps.readNamespacedStatefulSet({ name: NAME, namespace: d.ns });
  return sts.status?.updateRevision ?? '';
}

const uids = (pods: PodIdentity[]) => Object.fromEntries(pods.map((p) => [p.name, p.uid]));

async function rowCount(d: Drill): Promise<number> {
  const rows = await query<{ n: number }>(await memberTarget(d, 'roll-0'), 'SELECT COUNT(*) AS n FROM drill.acked');
  return Number(rows[0]?.n ?? 0);
}

test('a config change restarts every member once, one at a time, the writer last, losing nothing, across an operator crash', { skip, timeout: 330_000 }, async () => {
  const d = drill!;
  // The writer may move during the roll (a donor is not eligible, and the proxy phase moves it
  // off a drained member): each member is compared with the writer seen just before its turn.
  let previous = await statusOf(d);
  const writerBeforeTurn: Record<string, string | undefined> = {};
  const initial = await memberPods(d);
  const seen: Record<string, string[]> = Object.fromEntries(initial.map((p) => [p.name, [p.uid]]));
  const restartOrder: string[] = [];
  const inFlight = new Set<string>();
  let rollingNamed = '';
  let crashed = false;
  const workload = lowestReadyWorkload(d, 280_000);
  await sleep(1500);
  await patchSpec(d, { config: GOOD_CONFIG });

  await waitFor('every member restarted on the new config and Ready', async () => {
    const status = await statusOf(d);
    const rolling = conditionOf(status, 'RollingUpdate');
    const member: string | undefined = status.rollout?.member;
    if (rolling?.status === 'True' && member) {
      rollingNamed ||= rolling.message;
      if (!inFlight.has(member)) writerBeforeTurn[member] = previous.writer;
      inFlight.add(member);
    }
    previous = status;
    if (!crashed && inFlight.size === 2 && status.rollout?.phase !== 'Draining') {
      // The operator dies mid-roll (the second member deleted, not back yet): its successor resumes.
      crashed = true;
      await d.crashOperator('after-crash');
    }
    const pods = await memberPods(d);
    for (const p of pods) {
      if (!seen[p.name]!.includes(p.uid)) {
        seen[p.name]!.push(p.uid);
        restartOrder.push(p.name);
      }
    }
    const notReadyAtOnce = pods.filter((p) => !p.ready).length + (3 - pods.length);
    assert.ok(notReadyAtOnce <= 1, `at most one member down at a time, saw ${notReadyAtOnce}`);
    const settled = restartOrder.length === 3 && pods.length === 3 && pods.every((p) => p.ready);
    return settled && conditionOf(status, 'Ready')?.status === 'True' && status.readyReplicas === 3 && !status.rollout && status;
  }, 240_000, 300);

  const result = await workload.stop();
  const status = await statusOf(d);
  assert.ok(crashed, 'the operator was killed while the second member was restarting');
  const last = restartOrder.at(-1)!;
  const others = MEMBERS.filter((m) => m !== last).reverse();
  assert.deepEqual(restartOrder, [...others, last], 'the non-writers from the highest ordinal down, then the writer');
  assert.equal(writerBeforeTurn[last], last, 'the last one restarted was the writer when its turn came');
  for (const pod of others) assert.notEqual(writerBeforeTurn[pod], pod, `${pod} was not the writer when restarted`);
  assert.deepEqual(Object.values(seen).map((list) => list.length), [2, 2, 2], 'every pod replaced exactly once');
  assert.deepEqual([...inFlight].sort(), MEMBERS, 'status.rollout named each member while it was rolled');
  assert.match(rollingNamed, /roll-\d/, 'the RollingUpdate condition names the member');
  const after = await memberPods(d);
  const revision = await updateRevision(d);
  assert.deepEqual(after.map((p) => [p.revision, p.restarts]), MEMBERS.map(() => [revision, 0]));
  for (const pod of MEMBERS) assert.equal(await globalValue(d, pod, 'max_connections'), '300', `${pod} runs the new config`);
  const done = conditionOf(status, 'RollingUpdate');
  assert.deepEqual([done?.status, done?.reason], ['False', 'RolloutComplete']);
  assert.ok(result.acked.length > 50, `the writer kept writing (${result.acked.length} acknowledged, ${result.unknown.length} unknown)`);
  assert.deepEqual(await lostRows(d, MEMBERS, result.acked), noneLost(MEMBERS));
});

test('a broken config stops the roll at the first member, the others keep serving; a rollback completes it', { skip, timeout: 330_000 }, async (t) => {
  const d = drill!;
  await waitReady(d, 3, 120_000);
  await resetDrillTable(d);
  const before = uids(await memberPods(d));
  const workload = lowestReadyWorkload(d, 280_000);
  await sleep(1500);
  await patchSpec(d, { config: `${GOOD_CONFIG}\nno_such_option = 1` });

  const blocked = await waitFor('the roll blocked', async () => {
    const status = await statusOf(d);
    const rolling = conditionOf(status, 'RollingUpdate');
    return rolling?.status === 'False' && rolling.reason === 'RolloutBlocked' && { status, rolling };
  }, 180_000, 500);
  assert.match(blocked.rolling.message, /^roll-2 does not come back on revision \S+: .*mariadb container (exited with code|was killed by signal) \d+/);
  assert.deepEqual([blocked.status.rollout?.member, blocked.status.rollout?.phase], ['roll-2', 'Blocked']);
  assert.ok((await clusterEvents(d)).some((e) => e.reason === 'RolloutBlocked' && e.note.includes('roll-2')), 'a Warning event names the member');

  // The others are untouched, stay in the Primary component and keep taking writes while it is
  // blocked. (Each crash-loop start of the blocked member joins and takes a state transfer before
  // mariadbd rejects the option, so a donor is briefly Desynced and not Ready: counted, see below.)
  const rowsAtBlock = await rowCount(d);
  const notReadyPolls: Record<string, number> = { 'roll-0': 0, 'roll-1': 0 };
  for (let i = 0; i < 15; i++) {
    const pods = await memberPods(d);
    for (const pod of ['roll-0', 'roll-1']) {
      const p = pods.find((x) => x.name === pod);
      assert.equal(p?.uid, before[pod], `${pod} was not restarted`);
      assert.equal(await statusValue(d, pod, 'wsrep_cluster_status'), 'Primary', `${pod} stays in the Primary component`);
      if (!p?.ready) notReadyPolls[pod]!++;
    }
    assert.ok(pods.some((p) => p.name !== 'roll-2' && p.ready), 'a member is Ready at all times');
    assert.equal(conditionOf(await statusOf(d), 'RollingUpdate')?.reason, 'RolloutBlocked', 'the roll stays blocked');
    await sleep(1000);
  }
  t.diagnostic(`polls (of 15) with the member not Ready while blocked: ${JSON.stringify(notReadyPolls)}`);

  assert.ok((await rowCount(d)) > rowsAtBlock + 20, 'writes kept committing while the roll was blocked');

  await patchSpec(d, { config: GOOD_CONFIG });
  const status = await waitReady(d, 3, 180_000);
  const result = await workload.stop();
  const after = await memberPods(d);
  const revision = await updateRevision(d);
  assert.deepEqual(after.map((p) => p.revision), MEMBERS.map(() => revision), 'every member on the final revision');
  assert.deepEqual(after.filter((p) => p.uid !== before[p.name]).map((p) => p.name), ['roll-2'], 'only the blocked member was restarted');
  assert.equal(conditionOf(status, 'RollingUpdate')?.reason, 'RolloutComplete');
  assert.deepEqual(await lostRows(d, MEMBERS, result.acked), noneLost(MEMBERS));
});
