/**
 * `make bench` figures for recovery through the operator, on the local cluster (`make cluster`,
 * and `npx tsc -p .` first: the operator and the member sidecars run from dist/):
 *   member_restart_seconds: <n> s              kill -9 one member's mariadbd → it is Synced again
 *   full_crash_recovery_seconds: <n> s         kill -9 every mariadbd → Ready and writable
 *   hand_full_crash_recovery_seconds: <n> s    the same by a plain script (hack/bench/hand-bootstrap.sh),
 *                                              measured in the same run: the floor
 * A 3-member cluster with rsync SST in its own namespace, with its own operator process; both are
 * removed at the end. Prints numbers; asserts nothing.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { clusterMissing, REPO_ROOT } from '../../test/unit/agent-net/support/cluster.js';
import { waitFor } from '../../test/unit/agent-net/support/wait.js';
import {
  MEMBERS,
  drillStatus,
  killAll,
  prepareProbeTable,
  signalMariadbd,
  startDrillCluster,
  waitForReady,
  waitMemberSynced,
  waitWritable,
  type DrillCluster,
} from '../../test/e2e/drills/crash-support.js';

const run = promisify(execFile);

function figure(metric: string, ms: number): void {
  console.log(`${metric}: ${(ms / 1000).toFixed(2)} s`);
}

async function memberRestart(drill: DrillCluster): Promise<number> {
  const killedAt = Date.now();
  const pid = signalMariadbd(drill.ns, 'drill-1', 'SIGKILL');
  await waitMemberSynced(drill, 'drill-1', 180_000, pid);
  return Date.now() - killedAt;
}

async function fullCrash(drill: DrillCluster): Promise<number> {
  await waitForReady(drill.ns, 120_000);
  const killedAt = Date.now();
  killAll(drill.ns, MEMBERS);
  // The status said Ready before the crash: see the operator notice it first.
  await waitFor('the outage in status', async () => (await drillStatus(drill.ns)).readyReplicas < MEMBERS.length, 60_000, 100);
  await waitWritable(drill, 240_000);
  await waitForReady(drill.ns, 240_000);
  return Date.now() - killedAt;
}

/** The hand-driven floor, rsync SST like the operator's cluster here. */
async function handFullCrash(): Promise<string> {
  const { stdout } = await run('bash', [join(REPO_ROOT, 'hack/bench/hand-bootstrap.sh'), 'rsync'], { timeout: 600_000, maxBuffer: 1 << 20 });
  const line = stdout.split('\n').find((l) => l.startsWith('hand_full_crash_recovery_seconds:'));
  if (!line) throw new Error('hand-bootstrap.sh printed no hand_full_crash_recovery_seconds');
  return /\ss$/.test(line.trim()) ? line.trim() : `${line.trim()} s`;
}

async function main(): Promise<void> {
  const missing = clusterMissing();
  if (missing) throw new Error(missing);
  const drill = await startDrillCluster('bench-figures');
  try {
    await prepareProbeTable(drill);
    figure('member_restart_seconds', await memberRestart(drill));
    figure('full_crash_recovery_seconds', await fullCrash(drill));
  } finally {
    await drill.teardown();
  }
  console.log(await handFullCrash());
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`operator-figures: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
