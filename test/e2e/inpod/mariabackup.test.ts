/**
 * Three members with mariabackup SST (the default method): each joiner gets a full physical
 * copy from a donor through the SST user the entrypoint created, bound to its own address.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GaleraSandbox } from './harness/galera-sandbox.js';

describe('in-pod bootstrap and join with mariabackup SST', { timeout: 240_000 }, () => {
  let sandbox: GaleraSandbox;

  before(() => {
    sandbox = new GaleraSandbox({ ips: ['127.4.0.1', '127.4.0.2', '127.4.0.3'], sst: 'mariabackup' });
    sandbox.startAll();
  });
  after(async () => {
    await sandbox?.destroy();
  });

  it('bootstraps member 0 and joins 1 and 2 by mariabackup SST', async () => {
    for (let i = 0; i < 3; i++) await sandbox.waitForReport(i, 'Waiting', 30_000, (r) => r.phase === 'Waiting');
    const started = Date.now();
    await sandbox.instruct(0, { action: 'bootstrap', generation: 1 });
    await sandbox.waitSynced(0, 60_000);
    await sandbox.sql(0, 'CREATE TABLE app.copied (id INT PRIMARY KEY)');
    await sandbox.sql(0, 'INSERT INTO app.copied VALUES (1), (2), (3)');

    for (const i of [1, 2]) {
      const logOffset = sandbox.pod(i).mariadbLogSize();
      await sandbox.instruct(i, { action: 'join', generation: 1 });
      await sandbox.waitSynced(i, 90_000);
      const log = sandbox.pod(i).mariadbLogSince(logOffset);
      assert.match(log, /wsrep_sst_mariabackup --role 'joiner'/, `db-${i} ran the mariabackup joiner`);
      assert.match(log, /SST succeeded/, `db-${i} completed an SST`);
      const rows = await sandbox.sql<{ n: number }>(i, 'SELECT COUNT(*) AS n FROM app.copied');
      assert.equal(Number(rows[0]?.n), 3);
    }
    const status = await sandbox.waitSynced(0, 5_000);
    assert.equal(status.clusterSize, 3);
    console.log(`mariabackup: ${((Date.now() - started) / 1000).toFixed(1)} s from bootstrap instruction to 3 members Synced`);
  });
});
