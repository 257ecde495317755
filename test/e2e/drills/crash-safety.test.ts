/**
 * Safety drill: after a full crash, the member that held the most advanced data (tied highest
 * seqno, and the lowest ordinal of those — what a seqno-and-ordinal rule would pick) has lost its
 * datadir. The operator must bootstrap the other most advanced member, never the emptied one and
 * never the member that fell behind, and lose no acknowledged row.
 *
 * Made deterministic with the operator away during the incident:
 *  1. kill -9 drill-0; without the operator it restarts and waits, so it stays behind (seqno N);
 *  2. the writer keeps committing on drill-1/drill-2 (seqno M > N);
 *  3. kill -9 drill-1 and drill-2 at once: a full crash, positions drill-1 = drill-2 = M;
 *  4. empty drill-1's volume (its PV's host directory) and restart its waiting container, so it
 *     reports an empty datadir;
 *  5. start the operator again.
 */
import assert from 'node:assert/strict';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { clusterMissing } from '../../unit/agent-net/support/cluster.js';
import { waitFor } from '../../unit/agent-net/support/wait.js';
import {
  MEMBERS,
  bootstrappedIn,
  clusterEventReasons,
  dataDirOnHost,
  drillStatus,
  killAll,
  logSince,
  logSize,
  lostRows,
  mainPid,
  memberReport,
  readyMemberWorkload,
  resetDrillTable,
  seconds,
  signalMariadbd,
  startDrillCluster,
  waitForReady,
  type DrillCluster,
} from './crash-support.js';

const skip = clusterMissing();
let drill: DrillCluster | undefined;

before(async () => {
  if (!skip) drill = await startDrillCluster('drill-safety');
});

after(async () => {
  await drill?.teardown();
});

async function waitWaiting(d: DrillCluster, pod: string, extra: (r: Awaited<ReturnType<typeof memberReport>>) => boolean = () => true) {
  return waitFor(`${pod} Waiting`, async () => {
    const report = await memberReport(d, pod);
    return report.phase === 'Waiting' && extra(report) && report;
  }, 90_000, 250);
}

test('the most advanced member with an emptied datadir is never the bootstrap source; nothing is lost', { skip, timeout: 300_000 }, async () => {
  const d = drill!;
  const generation = (await drillStatus(d.ns)).recovery?.generation ?? 0;
  await resetDrillTable(d);
  await d.operator.stop('SIGTERM');
  const workload = readyMemberWorkload(d, 120_000);
  await new Promise((r) => setTimeout(r, 2000));

  signalMariadbd(d.ns, 'drill-0', 'SIGKILL');
  await waitWaiting(d, 'drill-0');
  await new Promise((r) => setTimeout(r, 5000)); // drill-1/drill-2 commit past drill-0
  // The writer stops first so both survivors applied every commit: a crash between a commit on
  // one and its apply on the other would make the emptied member the only holder of a row.
  const result = await workload.stop();
  await new Promise((r) => setTimeout(r, 1000));
  const crashedAt = Date.now();
  killAll(d.ns, ['drill-1', 'drill-2']);
  const [behind, wiped, ahead] = [await waitWaiting(d, 'drill-0'), await waitWaiting(d, 'drill-1'), await waitWaiting(d, 'drill-2')];
  assert.equal(wiped.position?.seqno, ahead.position?.seqno, 'drill-1 and drill-2 crashed at the same position');
  assert.ok(behind.position!.seqno < ahead.position!.seqno, `drill-0 fell behind (${behind.position?.seqno} < ${ahead.position?.seqno})`);

  // Empty drill-1's volume while its entrypoint waits, then restart that container to re-inspect.
  const dataDir = await dataDirOnHost(d, 'drill-1');
  for (const entry of readdirSync(dataDir)) rmSync(join(dataDir, entry), { recursive: true, force: true });
  const waitingPid = mainPid(d.ns, 'drill-1')!;
  process.kill(waitingPid, 'SIGKILL');
  await waitWaiting(d, 'drill-1', (r) => r.datadirEmpty);
  const offset = logSize(d.ns, 'drill-1');

  const operatorBackAt = Date.now();
  d.restartOperator('after-wipe');
  const done = await waitFor('the full-crash recovery to finish', async () => {
    const status = await drillStatus(d.ns);
    return status.recovery?.generation === generation + 1 && status.recovery.phase === 'Done' && status;
  }, 180_000, 250);
  await waitForReady(d.ns, 120_000);
  const readyAt = Date.now();

  assert.equal(done.recovery.kind, 'FullCrash');
  assert.equal(done.recovery.source, 'drill-2', 'the other most advanced member was chosen');
  const evidence = Object.fromEntries((done.recovery.reported as { member: string; datadirEmpty: boolean; seqno: number }[]).map((r) => [r.member, r]));
  assert.equal(evidence['drill-1']?.datadirEmpty, true, 'status shows why drill-1 was passed over');
  assert.deepEqual(await bootstrappedIn(d, generation + 1), ['drill-2'], 'no other member ever took a bootstrap order');
  assert.deepEqual((await memberReport(d, 'drill-1')).lastInstruction, { action: 'join', generation: generation + 1 });
  assert.match(logSince(d.ns, 'drill-1', offset), /rsync SST completed on joiner|SST received/, 'the emptied member was refilled by a state transfer');
  const lost = await lostRows(d, result.acked);
  assert.deepEqual(lost, Object.fromEntries(MEMBERS.map((pod) => [pod, []])), 'every acknowledged row is on every member');
  assert.ok(result.acked.length > 0);
  const events = await clusterEventReasons(d.ns);
  assert.ok(events.includes('BootstrappingSource') && events.includes('RecoveryComplete'), `events: ${events.join(', ')}`);
  console.log(`emptied_highest_member: source drill-2 (seqno ${ahead.position?.seqno}; drill-0 at ${behind.position?.seqno}, drill-1 emptied); ` +
    `Ready ${seconds(readyAt - operatorBackAt)} s after the operator came back (${seconds(readyAt - crashedAt)} s after the crash); ` +
    `acked ${result.acked.length}, unknown ${result.unknown.length}, rows lost 0`);
});
