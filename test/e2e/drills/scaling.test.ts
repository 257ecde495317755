/**
 * Scaling 3 → 5 → 3 under a writer (one transaction at a time to the lowest-ordinal Ready
 * member): the StatefulSet grows 3 → 4 → 5, the new members join one at a time and
 * wsrep_cluster_address follows the member list; the scale-down removes one member at a time
 * from the top (5 → 4 → 3), each leaving cleanly (its grastate.dat keeps a real seqno, as after a clean
 * shutdown, not the -1 of a crash); their volumes stay (whenScaled: Retain); no acknowledged row
 * is lost and the cluster ends Ready with 3 members. Scaled up again, the members reuse their
 * retained volumes and catch up by IST.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { AppsV1Api } from '@kubernetes/client-node';
import { clusterMissing, loadKubeConfig, REPO_ROOT } from '../../unit/agent-net/support/cluster.js';
import { waitFor } from '../../unit/agent-net/support/wait.js';
import { conditionOf } from '../support/kube.js';
import { query } from '../support/sql.js';
import {
  lostRows, lowestReadyWorkload, memberPods, memberTarget, noneLost, patchSpec, startDrill, statusOf, statusValue, waitReady, type Drill,
} from './rollout-support.js';

const skip = clusterMissing();
const NAME = 'scale';
const FIRST = ['scale-0', 'scale-1', 'scale-2'];
const ADDED = ['scale-3', 'scale-4'];
/** Member states before and after a join; anything else while not ready is a join in flight. */
const NOT_JOINING = new Set(['Waiting', 'Synced', 'Missing', 'Initializing', 'Recovering', 'Failed', 'Unreachable']);
let drill: Drill | undefined;

before(async () => {
  if (!skip) drill = await startDrill('drill-scale', NAME, 3);
});

after(async () => {
  await drill?.teardown();
});

const apps = loadKubeConfig().makeApiClient(AppsV1Api);

async function statefulSetReplicas(d: Drill): Promise<number> {
  return (await apps.readNamespacedStatefulSet({ name: NAME, namespace: d.ns })).spec?.replicas ?? -1;
}

async function gcommList(d: Drill): Promise<string[]> {
  const cm = await d.core.readNamespacedConfigMap({ name: `${NAME}-config`, namespace: d.ns });
  const line = /^wsrep_cluster_address = gcomm:\/\/(.*)$/m.exec(cm.data?.['my.cnf'] ?? '');
  return (line?.[1] ?? '').split(',').map((host) => host.split('.')[0]!);
}

/** grastate.dat of a member's retained volume, read on the host behind its PV. */
async function grastate(d: Drill, pod: string): Promise<{ seqno: number; uuid: string }> {
  const pvc = await d.core.readNamespacedPersistentVolumeClaim({ name: `data-${pod}`, namespace: d.ns });
  const pv = await d.core.readPersistentVolume({ name: pvc.spec!.volumeName! });
  const dir = pv.spec?.hostPath?.path ?? pv.spec?.local?.path;
  assert.ok(dir, `${pod}: its PV has a host path`);
  const text = readFileSync(join(dir, 'grastate.dat'), 'utf8');
  return { seqno: Number(/^seqno:\s*(-?\d+)/m.exec(text)?.[1]), uuid: /^uuid:\s*(\S+)/m.exec(text)?.[1] ?? '' };
}

test('3 → 5 → 3 under writes: joins one at a time, leaves one at a time and cleanly, nothing lost', { skip, timeout: 420_000 }, async (t) => {
  const d = drill!;
  const workload = lowestReadyWorkload(d, 360_000);
  t.after(() => workload.stop());
  await new Promise((r) => setTimeout(r, 1500));

  // --- up: 3 → 5 ---------------------------------------------------------------------------
  await patchSpec(d, { replicas: 5 });
  let joiningAtOnce = 0;
  let sawScaling = false;
  const upSizes: number[] = [];
  await waitFor('5 members Ready', async () => {
    const size = await statefulSetReplicas(d);
    if (upSizes.at(-1) !== size) upSizes.push(size);
    const status = await statusOf(d);
    sawScaling ||= conditionOf(status, 'Scaling')?.status === 'True';
    const joining = (status.members ?? []).filter((m: { name: string; state: string; ready: boolean }) =>
      ADDED.includes(m.name) && !m.ready && !NOT_JOINING.has(m.state));
    joiningAtOnce = Math.max(joiningAtOnce, joining.length);
    return conditionOf(status, 'Ready')?.status === 'True' && status.readyReplicas === 5;
  }, 240_000, 250);
  assert.deepEqual(upSizes.filter((n) => n > 3), [4, 5], 'the StatefulSet grew one member at a time');
  assert.equal(joiningAtOnce, 1, 'the new members joined one at a time');
  assert.ok(sawScaling, 'the Scaling condition was True while members were added');
  await clusterSize(d, 5);
  assert.deepEqual(await gcommList(d), [...FIRST, ...ADDED], 'wsrep_cluster_address lists all five');
  const firstUids = Object.fromEntries((await memberPods(d)).filter((p) => FIRST.includes(p.name)).map((p) => [p.name, p.uid]));

  // --- down: 5 → 3 -------------------------------------------------------------------------
  await patchSpec(d, { replicas: 3 });
  const stsSizes: number[] = [];
  const goneOrder: string[] = [];
  await waitFor('3 members Ready after the scale-down', async () => {
    const size = await statefulSetReplicas(d);
    if (stsSizes.at(-1) !== size) stsSizes.push(size);
    const names = (await memberPods(d, { terminating: true })).map((p) => p.name);
    for (const pod of ADDED) if (!names.includes(pod) && !goneOrder.includes(pod)) goneOrder.push(pod);
    const status = await statusOf(d);
    return goneOrder.length === 2 && conditionOf(status, 'Ready')?.status === 'True' && status.readyReplicas === 3;
  }, 240_000, 200);
  assert.deepEqual(stsSizes.filter((n) => n < 5), [4, 3], 'the StatefulSet was lowered one member at a time');
  assert.deepEqual(goneOrder, ['scale-4', 'scale-3'], 'from the highest ordinal down');
  // The survivors install the smaller view a moment after the last leaver's pod is gone.
  await clusterSize(d, 3);
  assert.deepEqual(await gcommList(d), FIRST, 'wsrep_cluster_address follows the member list');
  const remaining = await memberPods(d);
  assert.deepEqual(remaining.map((p) => [p.name, p.uid]), FIRST.map((pod) => [pod, firstUids[pod]]), 'no remaining member was restarted');
  assert.equal(conditionOf(await statusOf(d), 'Scaling')?.reason, 'ScalingComplete');

  // Graceful departures: a clean shutdown writes the real seqno; a crash leaves -1.
  const clusterUuid = (await statusOf(d)).clusterUUID;
  for (const pod of ADDED) {
    const state = await grastate(d, pod);
    assert.ok(state.seqno > 0, `${pod} left cleanly (grastate seqno ${state.seqno})`);
    assert.equal(state.uuid, clusterUuid);
  }
  const pvcs = (await d.core.listNamespacedPersistentVolumeClaim({ namespace: d.ns })).items.map((p) => p.metadata!.name!);
  for (const pod of ADDED) assert.ok(pvcs.includes(`data-${pod}`), `the volume of ${pod} is retained`);

  const result = await workload.stop();
  assert.ok(result.acked.length > 50, `the writer kept writing (${result.acked.length} acknowledged, ${result.unknown.length} unknown)`);
  assert.deepEqual(await lostRows(d, FIRST, result.acked), noneLost(FIRST));
  await waitReady(d, 3, 30_000);
});

test('a later scale-up reuses the retained volumes: the members rejoin by IST from their clean-shutdown positions', { skip, timeout: 240_000 }, async () => {
  const d = drill!;
  const logPath = (pod: string) => join(REPO_ROOT, '.cluster/logs', d.ns, pod, 'mariadb.log');
  const offsets = Object.fromEntries(ADDED.map((pod) => [pod, existsSync(logPath(pod)) ? readFileSync(logPath(pod)).length : 0]));
  const claims = Object.fromEntries(await Promise.all(ADDED.map(async (pod) =>
    [pod, (await d.core.readNamespacedPersistentVolumeClaim({ name: `data-${pod}`, namespace: d.ns })).metadata!.uid!] as const)));
  const rowsBefore = await rowCount(d, 'scale-0');
  await patchSpec(d, { replicas: 5 });
  await waitReady(d, 5, 200_000);
  for (const pod of ADDED) {
    const log = readFileSync(logPath(pod)).subarray(offsets[pod]).toString('utf8');
    assert.match(log, /IST received|rsync IST completed/, `${pod} caught up by IST`);
    assert.doesNotMatch(log, /rsync SST completed on joiner/, `${pod} needed no full state transfer`);
    const claim = await d.core.readNamespacedPersistentVolumeClaim({ name: `data-${pod}`, namespace: d.ns });
    assert.equal(claim.metadata!.uid, claims[pod], `${pod} uses its retained claim`);
    assert.equal(await rowCount(d, pod), rowsBefore, `${pod} holds every row`);
  }
  await clusterSize(d, 5);
});

/** Waits (bounded) until scale-0 sees a Galera view of `size` members. */
async function clusterSize(d: Drill, size: number): Promise<void> {
  await waitFor(`wsrep_cluster_size ${size} on scale-0`, async () => (await statusValue(d, 'scale-0', 'wsrep_cluster_size')) === String(size), 15_000, 250);
}

async function rowCount(d: Drill, pod: string): Promise<number> {
  const rows = await query<{ n: number }>(await memberTarget(d, pod), 'SELECT COUNT(*) AS n FROM drill.acked');
  return Number(rows[0]?.n ?? 0);
}
