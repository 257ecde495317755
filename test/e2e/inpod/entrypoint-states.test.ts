/**
 * What one member's entrypoint, sidecar and probes do in the states that decide recovery:
 * an interrupted SST, a clean shutdown, a void instruction after a restart, and a paused server.
 * Real mariadbd; one member at 127.4.0.1.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sendInstruction } from '../../../src/galera/agent-client.js';
import { execInPod } from './harness/emulated-pod.js';
import { GaleraSandbox } from './harness/galera-sandbox.js';
import { sleep } from './harness/wait.js';

const UUID = '6d1c2a8e-ea83-11f1-9f4b-2b7c3e0a1d55';

describe('entrypoint states of a single member', { timeout: 180_000 }, () => {
  let sandbox: GaleraSandbox;
  const probe = async (kind: 'readiness' | 'liveness') => {
    const pid = sandbox.pod(0).mariadbPid;
    assert.ok(pid);
    return execInPod(pid, ['bash', '/opt/galera/probe.sh', kind], sandbox.pod(0).env, 15_000);
  };

  before(() => {
    sandbox = new GaleraSandbox({ ips: ['127.4.0.1'], sst: 'rsync' });
  });
  after(async () => {
    await sandbox?.destroy();
  });

  it('reports an interrupted SST, skips recovery, and refuses to bootstrap from it', async () => {
    const data = sandbox.pod(0).dirs.data;
    mkdirSync(path.join(data, 'mysql'));
    writeFileSync(path.join(data, 'sst_in_progress'), '');
    writeFileSync(path.join(data, 'grastate.dat'), `# GALERA saved state\nversion: 2.1\nuuid:    ${UUID}\nseqno:   -1\nsafe_to_bootstrap: 0\n`);
    sandbox.startAll();
    const report = await sandbox.waitForReport(0, 'Waiting', 30_000, (r) => r.phase === 'Waiting');
    assert.equal(report.sstInterrupted, true);
    assert.equal(report.datadirEmpty, false);
    assert.equal(report.positionSource, 'grastate', 'no --wsrep-recover on a half-copied datadir');
    assert.deepEqual(report.position, { uuid: UUID, seqno: -1 });

    await sandbox.instruct(0, { action: 'bootstrap', generation: 4 });
    const refused = await sandbox.waitForReport(0, 'the refusal', 10_000, (r) => /refused bootstrap/.test(r.message ?? ''));
    assert.equal(refused.phase, 'Waiting');
    assert.deepEqual(refused.lastInstruction, { action: 'bootstrap', generation: 4 });

    const stale = await sendInstruction(sandbox.agent(0), { action: 'join', generation: 3 });
    assert.ok(stale.ok && !stale.value.accepted);
    if (stale.ok && !stale.value.accepted) assert.equal(stale.value.reason, 'stale-generation');
    await sandbox.pod(0).killMariadb();
  });

  it('after a clean shutdown reports the grastate position and safe_to_bootstrap without recovery', async () => {
    const data = sandbox.pod(0).dirs.data;
    for (const entry of ['mysql', 'sst_in_progress', 'grastate.dat']) {
      await import('node:fs').then((fs) => fs.rmSync(path.join(data, entry), { recursive: true, force: true }));
    }
    sandbox.pod(0).startMariadb();
    await sandbox.waitForReport(0, 'Waiting with an empty datadir', 30_000, (r) => r.phase === 'Waiting' && r.datadirEmpty);
    await sandbox.instruct(0, { action: 'bootstrap', generation: 5 });
    await sandbox.waitSynced(0, 60_000);
    await sandbox.sql(0, 'CREATE TABLE app.kept (id INT PRIMARY KEY)');
    await sandbox.sql(0, 'INSERT INTO app.kept VALUES (1), (2), (3)');
    const committed = (await sandbox.waitSynced(0, 5_000)).lastCommitted;

    await sandbox.pod(0).stopMariadb();
    const logOffset = sandbox.pod(0).mariadbLogSize();
    sandbox.pod(0).startMariadb();
    const report = await sandbox.waitForReport(0, 'Waiting after a clean stop', 30_000, (r) => r.phase === 'Waiting');
    assert.equal(report.positionSource, 'grastate');
    assert.equal(report.position?.seqno, committed);
    assert.equal(report.safeToBootstrap, true);
    assert.doesNotMatch(sandbox.pod(0).mariadbLogSince(logOffset), /phase Recovering/, 'no --wsrep-recover after a clean stop');

    await sandbox.instruct(0, { action: 'bootstrap', generation: 6 });
    await sandbox.waitSynced(0, 60_000);
    const rows = await sandbox.sql<{ n: number }>(0, 'SELECT COUNT(*) AS n FROM app.kept');
    assert.equal(Number(rows[0]?.n), 3);
  });

  it('probes: ready when Primary and Synced; a paused server fails both, within the timeout', async () => {
    const ready = await probe('readiness');
    assert.equal(ready.code, 0, ready.output);
    const alive = await probe('liveness');
    assert.equal(alive.code, 0, alive.output);

    const pid = sandbox.pod(0).mariadbPid;
    assert.ok(pid);
    process.kill(pid, 'SIGSTOP');
    try {
      const started = Date.now();
      const notReady = await probe('readiness');
      const notAlive = await probe('liveness');
      assert.notEqual(notReady.code, 0);
      assert.notEqual(notAlive.code, 0);
      assert.ok(Date.now() - started < 12_000, 'both probes return within their timeouts');
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await sandbox.waitSynced(0, 30_000);
  });

  it('voids an instruction left from before a restart, and liveness passes while Waiting', async () => {
    await sandbox.pod(0).killMariadb();
    // As if the sidecar had written it just before the container died.
    writeFileSync(path.join(sandbox.pod(0).dirs.runGalera, 'instruction'), JSON.stringify({ action: 'bootstrap', generation: 6 }));
    sandbox.pod(0).startMariadb();
    const report = await sandbox.waitForReport(0, 'Waiting after restart', 30_000, (r) => r.phase === 'Waiting');
    await sleep(1000);
    const still = await sandbox.report(0);
    assert.equal(still.phase, 'Waiting', 'the old instruction did not start the server');
    assert.equal(report.positionSource, 'wsrep-recover');
    const alive = await probe('liveness');
    assert.equal(alive.code, 0, alive.output);
    const ready = await probe('readiness');
    assert.notEqual(ready.code, 0, 'not ready while waiting');

    const stopping = Date.now();
    await sandbox.pod(0).stopMariadb(5_000);
    assert.ok(Date.now() - stopping < 3_000, 'a waiting entrypoint stops promptly on SIGTERM');
  });
});
