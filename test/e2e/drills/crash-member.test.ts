/**
 * Drills on some members of a running 3-member cluster, each under a writer whose every
 * acknowledged row must end up on every member:
 *  - kill -9 one member: its container restarts, reports its recovered position, is told to join
 *    and comes back by IST (proved from its own log), the others keep serving;
 *  - SIGSTOP two members for 20 s: the survivor loses quorum, the operator must NOT pc.bootstrap
 *    it (the stopped members may come back, and do), the three re-form the Primary component;
 *  - kill -9 two members while the operator is away: the survivor is non-Primary, the restarted
 *    members wait for an order; the operator heals it with pc.bootstrap on the survivor (no
 *    restart of it) and joins the others by IST. Deterministic: with the operator watching, the
 *    restarted members may be told to join while the survivor still looks Primary, so which way
 *    it heals depends on timing;
 *  - the same with the operator watching: whichever way it heals (joins, or pc.bootstrap on the
 *    survivor), the survivor is never restarted, nobody else is bootstrapped, one history.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { clusterMissing } from '../../unit/agent-net/support/cluster.js';
import { waitFor } from '../../unit/agent-net/support/wait.js';
import { conditionOf } from '../support/kube.js';
import {
  clusterEventReasons,
  drillStatus,
  killAll,
  logSince,
  logSize,
  mainPid,
  mariadbdPid,
  memberReport,
  memberTarget,
  lostRows,
  readWsrep,
  readyMemberWorkload,
  resetDrillTable,
  resume,
  seconds,
  signalMariadbd,
  startDrillCluster,
  waitForReady,
  waitMemberSynced,
  type DrillCluster,
} from './crash-support.js';

const skip = clusterMissing();
let drill: DrillCluster | undefined;
const stopped: number[] = [];

before(async () => {
  if (!skip) drill = await startDrillCluster('drill-member');
});

after(async () => {
  resume(stopped);
  await drill?.teardown();
});

const noLoss = (lost: Record<string, number[]>) => Object.fromEntries(Object.keys(lost).map((pod) => [pod, []]));

test('kill -9 of one member: it restarts with its recovered position and rejoins by IST', { skip, timeout: 180_000 }, async () => {
  const d = drill!;
  const pod = 'drill-1';
  await resetDrillTable(d);
  const workload = readyMemberWorkload(d, 120_000);
  await new Promise((r) => setTimeout(r, 2000));
  const before = await readWsrep(await memberTarget(d, pod));
  const offset = logSize(d.ns, pod);
  const killedAt = Date.now();
  const pid = signalMariadbd(d.ns, pod, 'SIGKILL');
  await waitFor(`${pod}'s container restarted`, () => {
    const next = mainPid(d.ns, pod);
    return next !== undefined && next !== pid;
  }, 60_000, 100);
  const restartedAt = Date.now();
  const synced = await waitMemberSynced(d, pod, 120_000, pid);
  const syncedAt = Date.now();
  await new Promise((r) => setTimeout(r, 2000));
  const result = await workload.stop();
  await waitForReady(d.ns, 60_000);

  const log = logSince(d.ns, pod, offset);
  assert.match(log, /WSREP: Recovered position: [0-9a-f-]{36}:\d+/, 'the restarted entrypoint recovered the position');
  assert.match(log, /WSREP: IST received: [0-9a-f-]{36}:\d+/, 'the member caught up by IST');
  assert.match(log, /rsync IST completed on joiner/);
  assert.doesNotMatch(log, /rsync SST completed on joiner/, 'no full state transfer');
  assert.ok(synced.lastCommitted >= before.lastCommitted, 'the restarted member continues the same history');
  assert.equal(synced.stateUuid, before.stateUuid);
  assert.deepEqual((await memberReport(d, pod)).lastInstruction?.action, 'join');
  assert.ok(result.acked.length > 20, `the writer kept committing (${result.acked.length} acknowledged)`);
  const lost = await lostRows(d, result.acked);
  assert.deepEqual(lost, noLoss(lost));
  console.log(`member_restart_seconds: ${seconds(syncedAt - killedAt)} s (container restart after ${seconds(restartedAt - killedAt)} s); ` +
    `acked ${result.acked.length}, unknown ${result.unknown.length}, largest write gap ${seconds(result.maxGapMs)} s, rows lost 0`);
});

test('SIGSTOP of two members for 20 s: no pc.bootstrap while they could come back; all three return', { skip, timeout: 180_000 }, async () => {
  const d = drill!;
  const statusBefore = await drillStatus(d.ns);
  const generation = statusBefore.recovery?.generation;
  const eventsBefore = (await clusterEventReasons(d.ns)).length;
  const survivorPid = mariadbdPid(d.ns, 'drill-0');
  await resetDrillTable(d);
  const workload = readyMemberWorkload(d, 120_000);
  await new Promise((r) => setTimeout(r, 2000));
  const stoppedAt = Date.now();
  for (const pod of ['drill-1', 'drill-2']) stopped.push(signalMariadbd(d.ns, pod, 'SIGSTOP'));

  // While they are stopped, the survivor is non-Primary and the operator only waits.
  const waiting = await waitFor('the survivor to lose quorum and the status to say so', async () => {
    const status = await drillStatus(d.ns);
    const w = await readWsrep(await memberTarget(d, 'drill-0'), 1500).catch(() => undefined);
    return w?.clusterStatus === 'non-Primary' && conditionOf(status, 'Ready')?.status === 'False' && status;
  }, 19_000, 500);
  await new Promise((r) => setTimeout(r, Math.max(0, stoppedAt + 19_000 - Date.now())));
  const duringStop = await drillStatus(d.ns);
  await new Promise((r) => setTimeout(r, Math.max(0, stoppedAt + 20_000 - Date.now())));
  resume(stopped.splice(0));
  const resumedAt = Date.now();
  await waitForReady(d.ns, 120_000);
  const readyAt = Date.now();
  await new Promise((r) => setTimeout(r, 2000));
  const result = await workload.stop();

  assert.notEqual(conditionOf(waiting, 'RecoveryStalled')?.status, 'True', 'a quorum loss with members that may return is not a stall');
  assert.equal(conditionOf(duringStop, 'GaleraReady')?.status, 'False');
  assert.ok(result.acked.length > 0 && result.acked.some((seq) => seq > Math.max(...result.unknown, 0)), 'writes resumed after the stop');
  assert.equal(duringStop.recovery?.generation, generation, 'no recovery generation was opened while members were stopped');
  const status = await drillStatus(d.ns);
  assert.equal(status.recovery?.generation, generation, 'the members re-formed the component by themselves: nothing was bootstrapped');
  const newEvents = (await clusterEventReasons(d.ns)).slice(eventsBefore);
  assert.ok(!newEvents.includes('QuorumRestoring') && !newEvents.includes('BootstrappingSource'), `no bootstrap ordered: ${newEvents.join(', ')}`);
  assert.equal(mariadbdPid(d.ns, 'drill-0'), survivorPid, 'the survivor was never restarted');
  const uuids = new Set<string>();
  for (const pod of ['drill-0', 'drill-1', 'drill-2']) uuids.add((await readWsrep(await memberTarget(d, pod))).stateUuid);
  assert.equal(uuids.size, 1, 'one history: no second component was bootstrapped');
  const lost = await lostRows(d, result.acked);
  assert.deepEqual(lost, noLoss(lost));
  console.log(`sigstop_two_members: Ready ${seconds(readyAt - resumedAt)} s after SIGCONT (${seconds(readyAt - stoppedAt)} s after SIGSTOP); ` +
    `acked ${result.acked.length}, unknown ${result.unknown.length}, largest write gap ${seconds(result.maxGapMs)} s, rows lost 0; ` +
    `at 19 s: ${conditionOf(duringStop, 'GaleraReady')?.reason}: ${conditionOf(duringStop, 'GaleraReady')?.message}`);
});

test('kill -9 of two members while the operator is away: pc.bootstrap on the survivor, the others join by IST', { skip, timeout: 240_000 }, async () => {
  const d = drill!;
  const generation = (await drillStatus(d.ns)).recovery?.generation ?? 0;
  const survivorPid = mariadbdPid(d.ns, 'drill-0');
  const offsets = { 'drill-1': logSize(d.ns, 'drill-1'), 'drill-2': logSize(d.ns, 'drill-2') };
  await resetDrillTable(d);
  const workload = readyMemberWorkload(d, 150_000);
  await new Promise((r) => setTimeout(r, 2000));
  await d.operator.stop('SIGTERM');
  const killedAt = Date.now();
  killAll(d.ns, ['drill-1', 'drill-2']);
  // Without the operator the restarted members wait for an order: the survivor is alone.
  await waitFor('drill-0 non-Primary and the others Waiting', async () => {
    const w = await readWsrep(await memberTarget(d, 'drill-0'), 1500);
    if (w.clusterStatus !== 'non-Primary') return false;
    for (const pod of ['drill-1', 'drill-2']) if ((await memberReport(d, pod)).phase !== 'Waiting') return false;
    return true;
  }, 60_000, 500);
  const operatorBackAt = Date.now();
  d.restartOperator('after-quorum-loss');
  // The status still says Ready from before the kill: wait for the recovery this causes.
  await waitFor('a quorum-loss recovery to finish', async () => {
    const recovery = (await drillStatus(d.ns)).recovery;
    return recovery?.generation === generation + 1 && recovery.phase === 'Done';
  }, 120_000, 250);
  await waitForReady(d.ns, 120_000);
  const readyAt = Date.now();
  await new Promise((r) => setTimeout(r, 2000));
  const result = await workload.stop();

  const status = await drillStatus(d.ns);
  assert.equal(status.recovery?.kind, 'QuorumLoss');
  assert.equal(status.recovery?.source, 'drill-0');
  assert.equal(status.recovery?.generation, generation + 1);
  assert.equal(status.recovery?.phase, 'Done');
  assert.equal(mariadbdPid(d.ns, 'drill-0'), survivorPid, 'the survivor was healed in place, not restarted');
  for (const pod of ['drill-1', 'drill-2'] as const) {
    assert.deepEqual((await memberReport(d, pod)).lastInstruction, { action: 'join', generation: generation + 1 });
    const log = logSince(d.ns, pod, offsets[pod]);
    assert.match(log, /WSREP: IST received/, `${pod} caught up by IST`);
    assert.doesNotMatch(log, /rsync SST completed on joiner/, `${pod}: no full state transfer`);
  }
  const events = await clusterEventReasons(d.ns);
  assert.ok(events.includes('QuorumRestoring'), `events: ${events.join(', ')}`);
  const lost = await lostRows(d, result.acked);
  assert.deepEqual(lost, noLoss(lost));
  console.log(`quorum_loss_pc_bootstrap: Ready ${seconds(readyAt - operatorBackAt)} s after the operator came back ` +
    `(${seconds(readyAt - killedAt)} s after the kill); acked ${result.acked.length}, unknown ${result.unknown.length}, rows lost 0`);
});

test('kill -9 of two members with the operator watching: healed in place, one history, nothing lost', { skip, timeout: 240_000 }, async () => {
  const d = drill!;
  const before = await drillStatus(d.ns);
  const generation = before.recovery?.generation ?? 0;
  const survivorPid = mariadbdPid(d.ns, 'drill-0');
  await resetDrillTable(d);
  const workload = readyMemberWorkload(d, 150_000);
  await new Promise((r) => setTimeout(r, 2000));
  const killedAt = Date.now();
  const killed = killAll(d.ns, ['drill-1', 'drill-2']);
  // The restarted members wait for an order while the survivor may still look Primary for
  // seconds: whichever way the operator heals it, the outcome must be the same.
  await waitFor('the two members back', () => ['drill-1', 'drill-2'].every((pod, i) => {
    const pid = mariadbdPid(d.ns, pod);
    return pid !== undefined && pid !== killed[i];
  }), 120_000, 250);
  await waitMemberSynced(d, 'drill-1', 120_000, killed[0]);
  await waitMemberSynced(d, 'drill-2', 60_000, killed[1]);
  await waitFor('the status to show the restarted members', async () => {
    const status = await drillStatus(d.ns);
    return status.readyReplicas === 3 && (await memberReport(d, 'drill-1')).phase === 'Running';
  }, 60_000, 250);
  await waitForReady(d.ns, 60_000);
  const readyAt = Date.now();
  await new Promise((r) => setTimeout(r, 2000));
  const result = await workload.stop();

  const status = await drillStatus(d.ns);
  assert.equal(mariadbdPid(d.ns, 'drill-0'), survivorPid, 'the survivor was never restarted');
  const healedBy = status.recovery?.generation === generation ? 'joins' : `${status.recovery?.kind} on ${status.recovery?.source}`;
  if (status.recovery?.generation !== generation) {
    assert.deepEqual([status.recovery?.kind, status.recovery?.source, status.recovery?.generation], ['QuorumLoss', 'drill-0', generation + 1]);
  }
  for (const pod of ['drill-1', 'drill-2']) {
    assert.equal((await memberReport(d, pod)).lastInstruction?.action, 'join', `${pod} only ever joined`);
  }
  const uuids = new Set<string>();
  for (const pod of ['drill-0', 'drill-1', 'drill-2']) uuids.add((await readWsrep(await memberTarget(d, pod))).stateUuid);
  assert.deepEqual([...uuids], [status.clusterUUID], 'one history, the recorded one');
  const lost = await lostRows(d, result.acked);
  assert.deepEqual(lost, noLoss(lost));
  console.log(`kill_two_members_operator_watching: healed by ${healedBy}; Ready ${seconds(readyAt - killedAt)} s after the kill; ` +
    `acked ${result.acked.length}, unknown ${result.unknown.length}, largest write gap ${seconds(result.maxGapMs)} s, rows lost 0`);
});
