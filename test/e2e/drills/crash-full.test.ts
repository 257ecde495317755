/**
 * Full outages of a 3-member cluster, each under a writer whose every acknowledged row must end
 * up on every member, recovered by the operator alone:
 *  - kill -9 of every mariadbd at once: positions gathered, the most advanced member bootstrapped
 *    under a new generation, the others joined; Events at each step;
 *  - every pod deleted (re-created with new addresses);
 *  - the operator SIGKILLed in the middle of a full-crash recovery and started again: it resumes
 *    from status — one generation, one bootstrapped member.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { clusterMissing } from '../../unit/agent-net/support/cluster.js';
import { waitFor } from '../../unit/agent-net/support/wait.js';
import { conditionOf, kubectl } from '../support/kube.js';
import {
  MEMBERS,
  bootstrappedIn,
  clusterEventReasons,
  drillStatus,
  killAll,
  lostRows,
  memberReport,
  prepareProbeTable,
  readyMemberWorkload,
  resetDrillTable,
  seconds,
  startDrillCluster,
  waitForReady,
  waitWritable,
  type DrillCluster,
} from './crash-support.js';

const skip = clusterMissing();
let drill: DrillCluster | undefined;

before(async () => {
  if (!skip) {
    drill = await startDrillCluster('drill-full');
    await prepareProbeTable(drill);
  }
});

after(async () => {
  await drill?.teardown();
});

const noLoss = (lost: Record<string, number[]>) => Object.fromEntries(Object.keys(lost).map((pod) => [pod, []]));

/** Runs an outage under the writer; returns timings and checks every acknowledged row. */
async function drillOutage(d: DrillCluster, name: string, cause: () => Promise<void>) {
  await resetDrillTable(d);
  const generation = (await drillStatus(d.ns)).recovery?.generation ?? 0;
  const eventsBefore = (await clusterEventReasons(d.ns)).length;
  const workload = readyMemberWorkload(d, 240_000);
  await new Promise((r) => setTimeout(r, 3000));
  const startedAt = Date.now();
  await cause();
  // The status said Ready before the outage: see it notice first, so Ready below is the new one.
  await waitFor('the status to notice the outage', async () => (await drillStatus(d.ns)).readyReplicas < MEMBERS.length, 60_000, 100);
  const writableAt = await waitWritable(d, 180_000);
  const status = await waitForReady(d.ns, 180_000);
  const readyAt = Date.now();
  await new Promise((r) => setTimeout(r, 2000));
  const result = await workload.stop();
  const lost = await lostRows(d, result.acked);
  assert.deepEqual(lost, noLoss(lost), 'every acknowledged row is on every member');
  assert.ok(result.acked.some((seq) => seq > Math.max(0, ...result.unknown)), 'the writer committed again after the outage');
  const events = (await clusterEventReasons(d.ns)).slice(eventsBefore);
  console.log(`${name}: writable after ${seconds(writableAt - startedAt)} s, Ready after ${seconds(readyAt - startedAt)} s; ` +
    `acked ${result.acked.length}, unknown ${result.unknown.length}, rows lost 0; generation ${generation} -> ${status.recovery?.generation}; events ${events.join(', ')}`);
  return { generation, status, events };
}

test('kill -9 of every member at once: the most advanced one bootstraps, the others join, nothing lost', { skip, timeout: 300_000 }, async () => {
  const d = drill!;
  const { generation, status, events } = await drillOutage(d, 'full_crash_kill9', async () => {
    killAll(d.ns, MEMBERS);
  });
  assert.equal(status.recovery.kind, 'FullCrash');
  assert.equal(status.recovery.generation, generation + 1, 'one new generation');
  assert.equal(status.recovery.phase, 'Done');
  const reported = status.recovery.reported as { member: string; seqno: number; uuid: string }[];
  assert.deepEqual(reported.map((r) => r.member), [...MEMBERS], 'every member reported its recovered position');
  const top = Math.max(...reported.map((r) => r.seqno));
  assert.equal(reported.find((r) => r.member === status.recovery.source)?.seqno, top, 'the source holds the highest seqno');
  assert.ok(reported.every((r) => r.uuid === status.clusterUUID), 'every position on the recorded cluster UUID');
  assert.deepEqual(await bootstrappedIn(d, generation + 1), [status.recovery.source]);
  for (const reason of ['BootstrappingSource', 'JoiningMembers', 'RecoveryComplete']) {
    assert.ok(events.includes(reason), `an Event ${reason} (got ${events.join(', ')})`);
  }
});

test('every pod deleted: re-created with new addresses, recovered, nothing lost', { skip, timeout: 300_000 }, async () => {
  const d = drill!;
  const before = (await drillStatus(d.ns)).members.map((m: { address: string }) => m.address);
  const { status } = await drillOutage(d, 'delete_all_pods', async () => {
    await kubectl(['delete', 'pod', '-n', d.ns, '-l', 'app.kubernetes.io/instance=drill', '--wait=false']);
  });
  const after = status.members.map((m: { address: string }) => m.address);
  assert.ok(after.every((a: string) => !before.includes(a)), `new addresses: ${before.join(',')} -> ${after.join(',')}`);
});

test('the operator killed mid-recovery resumes from status: one generation, one bootstrapped member', { skip, timeout: 300_000 }, async () => {
  const d = drill!;
  let killedIn = '';
  let recovering: Record<string, any> | undefined;
  const { generation, status } = await drillOutage(d, 'operator_killed_mid_recovery', async () => {
    const generationBefore = (await drillStatus(d.ns)).recovery?.generation ?? 0;
    killAll(d.ns, MEMBERS);
    await waitFor('the recovery to reach Bootstrapping or Joining', async () => {
      const status = await drillStatus(d.ns);
      const recovery = status.recovery;
      const midway = recovery?.generation === generationBefore + 1 && ['Bootstrapping', 'Joining'].includes(recovery.phase);
      if (midway) {
        killedIn = recovery.phase;
        recovering = conditionOf(status, 'Recovering');
      }
      return midway;
    }, 120_000, 100);
    await d.operator.stop('SIGKILL');
    d.restartOperator('after-sigkill');
  });
  assert.ok(killedIn, 'the operator was killed mid-recovery');
  assert.equal(recovering?.status, 'True', 'status said a recovery was in progress');
  assert.match(recovering?.message ?? '', new RegExp(`generation ${generation + 1} (Bootstrapping|Joining): .*drill-[0-2]`),
    'the Recovering condition names the step and the member concerned');
  assert.equal(status.recovery.generation, generation + 1, `the generation moved once (killed in ${killedIn})`);
  assert.equal(status.recovery.kind, 'FullCrash');
  assert.deepEqual(await bootstrappedIn(d, generation + 1), [status.recovery.source], 'only the recorded source took a bootstrap order');
  for (const pod of MEMBERS.filter((p) => p !== status.recovery.source)) {
    assert.deepEqual((await memberReport(d, pod)).lastInstruction, { action: 'join', generation: generation + 1 });
  }
  console.log(`operator killed in phase ${killedIn}`);
});
