/**
 * ProxySQL, configured by src/proxysql/, in front of a real 3-member Galera cluster. ProxySQL
 * is in no package registry this machine reaches, so the test runs only when a `proxysql`
 * binary is on PATH, and otherwise says so and is skipped.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { test } from 'node:test';
import mysql from 'mysql2/promise';
import { connectProxySQLAdmin, readObservedState, syncProxySQL } from '../../src/proxysql/admin.js';
import { PROXYSQL_ENV, renderProxySQLConfigTemplate } from '../../src/proxysql/config-file.js';
import { buildProxySQLDesiredState, type ProxySQLDesiredInput } from '../../src/proxysql/desired-state.js';
import { isDrainedInRuntime, proxysqlDrainPlan } from '../../src/proxysql/drain.js';
import { renderProxySQLStartScript } from '../../src/proxysql/start-script.js';
import { createGaleraFixture, startGaleraCluster, type GaleraFixture } from './haproxy/galera-fixture.js';
import { sleep, waitUntil } from './haproxy/process-helpers.js';

const PROXY_IP = '127.6.0.20';

function proxysqlOnPath(): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, 'proxysql'), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

test('ProxySQL in front of a real Galera cluster', { timeout: 300_000 }, async (t) => {
  if (!proxysqlOnPath()) {
    console.log('skipped: no proxysql');
    t.skip('skipped: no proxysql');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'proxysql-e2e-'));
  const operatorPassword = `op${Date.now().toString(36)}x`;
  let fixture: GaleraFixture | undefined;
  let proxysql: ChildProcess | undefined;
  try {
    fixture = await createGaleraFixture();
    await startGaleraCluster(fixture);
    const f = fixture;
    writeFileSync(join(dir, 'template.cnf'), renderProxySQLConfigTemplate({ datadir: dir, monitorUsername: f.monitor.username }));
    writeFileSync(join(dir, 'start.sh'), renderProxySQLStartScript());
    const log = openSync(join(dir, 'stdout.log'), 'a');
    proxysql = spawn('bash', [join(dir, 'start.sh'), join(dir, 'template.cnf'), dir], {
      stdio: ['ignore', log, log],
      detached: true,
      env: {
        PATH: process.env.PATH,
        [PROXYSQL_ENV.podIp]: PROXY_IP,
        [PROXYSQL_ENV.adminPassword]: `ad${Date.now().toString(36)}y`,
        [PROXYSQL_ENV.operatorPassword]: operatorPassword,
        [PROXYSQL_ENV.monitorPassword]: f.monitor.password,
      },
    });
    const admin = { host: PROXY_IP, password: operatorPassword };
    const input = (writer: string): ProxySQLDesiredInput => ({
      members: f.members.map((m) => ({ name: m.name, host: m.address })),
      writer,
      appUsers: [{ username: f.app.username, password: f.app.password, defaultSchema: f.app.database }],
      monitor: f.monitor,
    });
    const connect = (port: number) =>
      mysql.createConnection({ host: PROXY_IP, port, user: f.app.username, password: f.app.password, database: f.app.database, connectTimeout: 3000 });
    const landsOn = async (port: number): Promise<string | null> => {
      let conn: mysql.Connection | undefined;
      try {
        conn = await connect(port);
        const [rows] = await conn.query({ sql: 'SELECT @@wsrep_node_name AS node', timeout: 3000 });
        return (rows as Array<{ node: string }>)[0]?.node ?? null;
      } catch {
        return null;
      } finally {
        conn?.destroy();
      }
    };
    // LAST_INSERT_ID() keeps the check on the writer (a plain SELECT would go to a reader).
    const writeOn = async (): Promise<string> => {
      const conn = await connect(3306);
      try {
        await conn.query({ sql: 'INSERT INTO writes (node) VALUES (@@wsrep_node_name)', timeout: 5000 });
        const [rows] = await conn.query({ sql: 'SELECT @@wsrep_node_name AS node, LAST_INSERT_ID() AS id', timeout: 5000 });
        return (rows as Array<{ node: string }>)[0]!.node;
      } finally {
        conn.destroy();
      }
    };

    await waitUntil('the ProxySQL admin interface', 30_000, async () => {
      try {
        await (await connectProxySQLAdmin(admin)).end();
        return true;
      } catch {
        return false;
      }
    });

    await t.test('programs a fresh ProxySQL, then finds nothing to change', async () => {
      const first = await syncProxySQL(admin, buildProxySQLDesiredState(input('m1')));
      assert.ok(first.ok, JSON.stringify(first));
      assert.ok(first.ok && first.loadedModules.includes('MYSQL SERVERS'));
      await sleep(2000); // a few Galera checks: the monitor places the members
      const second = await syncProxySQL(admin, buildProxySQLDesiredState(input('m1')));
      assert.deepEqual(second, { ok: true, changed: false, loadedModules: [], applied: [], unsupported: [] });
    });

    await t.test('reports a wrong admin password as a failed connect', async () => {
      const result = await syncProxySQL({ ...admin, password: 'wrong-password' }, buildProxySQLDesiredState(input('m1')));
      assert.equal(result.ok, false);
      assert.ok(!result.ok && result.stage === 'connect' && !result.message.includes('wrong-password'));
    });

    await t.test('sends writes to the writer and plain reads to the others', async () => {
      await waitUntil('writes to land on m1', 15_000, async () => (await writeOn().catch(() => null)) === 'm1');
      for (let i = 0; i < 10; i++) assert.equal(await writeOn(), 'm1');
      const reads = new Set<string | null>();
      for (let i = 0; i < 12; i++) reads.add(await landsOn(3307));
      assert.deepEqual(reads, new Set(['m2', 'm3']));
    });

    await t.test('refuses writes on the read-only port', async () => {
      const conn = await connect(3307);
      try {
        await assert.rejects(conn.query({ sql: 'INSERT INTO writes (node) VALUES (?)', values: ['x'], timeout: 5000 }));
      } finally {
        conn.destroy();
      }
    });

    await t.test('drains a member with wsrep_desync', async () => {
      const m3 = f.members[2]!;
      const plan = proxysqlDrainPlan(m3.address, false);
      await f.rootSql(m3, plan.drainStatement);
      try {
        const conn = await connectProxySQLAdmin(admin);
        try {
          await waitUntil('m3 out of the routing hostgroups', 10_000, async () => {
            const observed = await readObservedState(conn, buildProxySQLDesiredState(input('m1')));
            return isDrainedInRuntime(observed.mysql_servers!.runtime, m3.address);
          });
        } finally {
          await conn.end();
        }
        for (let i = 0; i < 8; i++) assert.notEqual(await landsOn(3307), 'm3');
      } finally {
        await f.rootSql(m3, plan.undrainStatement);
      }
    });

    await t.test('resumes writes on one other member after kill -9 of the writer', async () => {
      const acknowledged: Array<{ at: number; node: string }> = [];
      let killedAt = 0;
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && acknowledged.filter((w) => killedAt > 0 && w.at > killedAt).length < 20) {
        if (killedAt === 0 && acknowledged.length >= 20) {
          killedAt = Date.now();
          f.killHard(f.members[0]!);
        }
        try {
          acknowledged.push({ node: await writeOn(), at: Date.now() });
        } catch {
          // an unknown outcome during the failover; the gap below measures it
        }
        await sleep(20);
      }
      const resumed = acknowledged.filter((w) => w.at > killedAt);
      assert.ok(killedAt > 0 && resumed.length >= 20, 'writes did not resume within 60 s');
      assert.equal(new Set(resumed.map((w) => w.node)).size, 1);
      assert.ok(!resumed.some((w) => w.node === 'm1'));
      let gap = 0;
      for (let i = 1; i < acknowledged.length; i++) gap = Math.max(gap, acknowledged[i]!.at - acknowledged[i - 1]!.at);
      console.log(`proxysql writer failover: largest gap between acknowledged writes ${(gap / 1000).toFixed(2)} s`);
    });
  } finally {
    if (proxysql?.pid && proxysql.exitCode === null) {
      try {
        process.kill(-proxysql.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await fixture?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
