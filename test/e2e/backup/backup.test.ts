/**
 * Backups of a real 3-member cluster by the operator: a physical MySQLBackup copies a member
 * that is not the writer (mariadb-backup on that member's node, prepared), and a mariadbd
 * started on a copy of it has every committed row; a logical one dumps the application
 * databases; a cron schedule creates MySQLBackups on its ticks, keeps `keep` of them, and a
 * later run removes the files of those it deleted; a backup of a missing cluster waits. A new
 * cluster with spec.bootstrapFrom a logical backup is Ready only once every row is loaded; one
 * from a physical backup is refused with a reason before anything is created.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import mysql from 'mysql2/promise';
import { clusterMissing } from '../../unit/agent-net/support/cluster.js';
import { waitFor } from '../../unit/agent-net/support/wait.js';
import { applyYaml, clusterYaml, conditionOf, getJson, kubectl, secretValue } from '../support/kube.js';
import { query } from '../support/sql.js';
import { memberTarget, patchSpec, sleep, startDrill, statusOf, type Drill } from '../drills/rollout-support.js';

const skip = clusterMissing();
const NAME = 'bk';
const ROWS = 500;
let drill: Drill | undefined;
let writer = '';

before(async () => {
  if (skip) return;
  drill = await startDrill('backup', NAME, 3);
  writer = String((await statusOf(drill)).writer);
  const target = await memberTarget(drill, writer);
  await query(target, 'CREATE DATABASE IF NOT EXISTS shop');
  await query(target, 'CREATE TABLE IF NOT EXISTS shop.items (id INT PRIMARY KEY, name VARCHAR(40))');
  for (let i = 0; i < ROWS; i += 100) {
    const values = Array.from({ length: 100 }, (_, k) => `(${i + k}, 'item-${i + k}')`).join(',');
    await query(target, `INSERT INTO shop.items VALUES ${values}`);
  }
});

after(async () => {
  await drill?.teardown();
});

const d = (): Drill => drill!;

async function createBackup(name: string, method: 'physical' | 'logical', cluster = NAME): Promise<void> {
  await applyYaml(`apiVersion: galera-operator.io/v1alpha1
kind: MySQLBackup
metadata: {name: ${name}, namespace: ${d().ns}}
spec: {cluster: ${cluster}, method: ${method}}
`);
}

async function backupStatus(name: string): Promise<Record<string, any>> {
  return (await getJson(['mysqlbackup', name, '-n', d().ns])).status ?? {};
}

async function waitFinished(name: string, timeoutMs: number): Promise<Record<string, any>> {
  return waitFor(`MySQLBackup ${name} finished`, async () => {
    const status = await backupStatus(name);
    return (status.phase === 'Succeeded' || status.phase === 'Failed') && status;
  }, timeoutMs, 1000);
}

/** The host directory behind the backup volume (the local cluster's PVs are host paths). */
async function backupRoot(): Promise<string> {
  const pvc = await d().core.readNamespacedPersistentVolumeClaim({ name: `${NAME}-backups`, namespace: d().ns });
  const pv = await d().core.readPersistentVolume({ name: pvc.spec!.volumeName! });
  const dir = pv.spec?.hostPath?.path ?? pv.spec?.local?.path;
  assert.ok(dir, 'the backup volume has a host path');
  return dir;
}

/** Starts a standalone mariadbd on a copy of a prepared backup and counts the rows. */
async function rowsInPreparedCopy(prepared: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'backup-restore-'));
  const data = join(dir, 'data');
  cpSync(prepared, data, { recursive: true });
  const socket = join(dir, 'mysqld.sock');
  await new Promise<void>((resolve, reject) => {
    const chown = spawn('chown', ['-R', 'mysql:mysql', dir]);
    chown.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`chown exited ${code}`))));
  });
  const server = spawn('mariadbd', [
    '--no-defaults', `--datadir=${data}`, '--user=mysql', '--skip-networking', `--socket=${socket}`,
    '--skip-grant-tables', `--pid-file=${join(dir, 'mysqld.pid')}`, `--log-error=${join(dir, 'error.log')}`,
  ], { stdio: 'ignore' });
  try {
    const conn = await waitFor('the restored copy to accept connections', async () =>
      mysql.createConnection({ socketPath: socket, user: 'root' }).catch(() => false as const), 60_000, 500);
    try {
      const [rows] = await conn.query('SELECT COUNT(*) AS n FROM shop.items');
      return Number((rows as Array<{ n: number }>)[0]!.n);
    } finally {
      await conn.end();
    }
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a physical backup copies a member that is not the writer; a mariadbd on the prepared copy has every row', { skip, timeout: 300_000 }, async () => {
  await createBackup('bk-physical', 'physical');
  const status = await waitFinished('bk-physical', 240_000);
  assert.equal(status.phase, 'Succeeded', status.message);
  assert.notEqual(status.member, writer, 'the writer was spared');
  assert.match(status.member, /^bk-[0-2]$/);
  assert.equal(status.location, 'pvc://bk-backups/bk-physical');
  assert.ok(status.sizeBytes > 1_000_000, `size ${status.sizeBytes}`);
  assert.ok(Date.parse(status.completionTime) >= Date.parse(status.startTime));
  const dir = join(await backupRoot(), 'bk-physical');
  assert.match(readFileSync(join(dir, 'data/xtrabackup_checkpoints'), 'utf8'), /backup_type = log-applied/, 'prepared (mariadb-backup --prepare ran)');
  assert.equal(JSON.parse(readFileSync(join(dir, 'backup.json'), 'utf8')).member, status.member);
  assert.equal(await rowsInPreparedCopy(join(dir, 'data')), ROWS);
});

test('a logical backup dumps the application databases, not the system ones', { skip, timeout: 240_000 }, async () => {
  await createBackup('bk-logical', 'logical');
  const status = await waitFinished('bk-logical', 180_000);
  assert.equal(status.phase, 'Succeeded', status.message);
  const dump = gunzipSync(readFileSync(join(await backupRoot(), 'bk-logical', 'dump.sql.gz'))).toString('utf8');
  const databases = [...dump.matchAll(/^CREATE DATABASE .*`(\w+)`/gm)].map((m) => m[1]);
  assert.ok(databases.includes('shop') && !databases.includes('mysql'), `databases in the dump: ${databases.join(', ')}`);
  const rows = dump.match(/\(\d+,'item-\d+'\)/g) ?? [];
  assert.equal(rows.length, ROWS, 'every row of shop.items is in the dump');
  assert.equal(status.sizeBytes > 0, true);
});

test('a new cluster with bootstrapFrom a logical backup is Ready only once every row is loaded', { skip, timeout: 300_000 }, async () => {
  await applyYaml(clusterYaml(d().ns, 'copy', { replicas: 1, extra: '  bootstrapFrom: {backupName: bk-logical}' }));
  const seen = new Set<string>();
  const status = await waitFor('copy Ready', async () => {
    const s = (await getJson(['mysqlcluster', 'copy', '-n', d().ns])).status ?? {};
    if (s.phase) seen.add(s.phase);
    return conditionOf(s, 'Ready')?.status === 'True' && s;
  }, 240_000, 500);
  assert.ok(seen.has('Restoring'), `the cluster showed Restoring before Ready: ${[...seen].join(', ')}`);
  assert.equal(conditionOf(status, 'Restored')?.reason, 'RestoreComplete');
  assert.equal(status.restore.phase, 'Succeeded');
  const password = await secretValue(d().ns, 'copy-credentials', 'root-password');
  const pod = await d().core.readNamespacedPod({ name: 'copy-0', namespace: d().ns });
  const rows = await query<{ n: number }>({ host: pod.status!.podIP!, port: 3306, user: 'root', password }, 'SELECT COUNT(*) AS n FROM shop.items');
  assert.equal(Number(rows[0]!.n), ROWS);
  await kubectl(['delete', 'mysqlcluster', 'copy', '-n', d().ns, '--wait=false']);
});

test('bootstrapFrom a physical backup is refused with a reason, and nothing is created', { skip, timeout: 60_000 }, async () => {
  await applyYaml(clusterYaml(d().ns, 'fromphys', { replicas: 1, extra: '  bootstrapFrom: {backupName: bk-physical}' }));
  const status = await waitFor('fromphys reports why', async () => {
    const s = (await getJson(['mysqlcluster', 'fromphys', '-n', d().ns])).status ?? {};
    return conditionOf(s, 'Restored')?.reason === 'RestoreMethodNotSupported' && s;
  }, 30_000, 500);
  assert.equal(status.phase, 'Restoring');
  assert.equal(conditionOf(status, 'Ready')?.reason, 'RestoreMethodNotSupported');
  const sets = await getJson<{ items: unknown[] }>(['statefulsets', '-n', d().ns, '-l', 'app.kubernetes.io/instance=fromphys']);
  assert.equal(sets.items.length, 0, 'no StatefulSet for a cluster whose data cannot be restored');
  await kubectl(['delete', 'mysqlcluster', 'fromphys', '-n', d().ns]);
});

test('a backup of a cluster that does not exist waits, saying why', { skip, timeout: 60_000 }, async () => {
  await createBackup('bk-orphan', 'logical', 'nosuch');
  const status = await waitFor('bk-orphan Pending', async () => {
    const s = await backupStatus('bk-orphan');
    return s.phase === 'Pending' && s;
  }, 30_000, 500);
  assert.match(status.message, /MySQLCluster nosuch not found/);
  await kubectl(['delete', 'mysqlbackup', 'bk-orphan', '-n', d().ns]);
});

test('a schedule creates a MySQLBackup per tick, keeps `keep`, and a later run removes the deleted ones\' files', { skip, timeout: 400_000 }, async () => {
  await patchSpec(d(), { backup: { schedules: [{ name: 'minutely', schedule: '* * * * *', method: 'logical', keep: 1 }] } });
  const scheduled = async (): Promise<Array<{ name: string; phase?: string }>> => {
    const list = await getJson<{ items: Array<{ metadata: { name: string }; status?: { phase?: string } }> }>(
      ['mysqlbackups', '-n', d().ns, '-l', 'galera-operator.io/schedule=minutely']);
    return list.items.map((b) => ({ name: b.metadata.name, phase: b.status?.phase })).sort((a, b) => a.name.localeCompare(b.name));
  };
  const nextRun = await waitFor('status.backup.nextRun', async () => (await statusOf(d())).backup?.nextRun, 30_000, 500);
  assert.ok(Date.parse(nextRun) > Date.now() - 1000 && Date.parse(nextRun) <= Date.now() + 61_000, `nextRun ${nextRun}`);
  const first = await waitFor('the first scheduled backup Succeeded', async () => {
    const done = (await scheduled()).find((b) => b.phase === 'Succeeded');
    return done?.name ?? false;
  }, 150_000, 1000);
  assert.match(first, /^bk-minutely-\d{12}$/);
  await waitFor('status.backup.lastSuccessful', async () => (await statusOf(d())).backup?.lastSuccessful === first, 30_000, 500);
  // The next tick's backup succeeds and retention (keep 1) deletes the first.
  const second = await waitFor('a second scheduled backup Succeeded and the first deleted', async () => {
    const list = await scheduled();
    const other = list.find((b) => b.name !== first && b.phase === 'Succeeded');
    return other && !list.some((b) => b.name === first) ? other.name : false;
  }, 150_000, 1000);
  await patchSpec(d(), { backup: { schedules: [{ name: 'minutely', schedule: '* * * * *', method: 'logical', keep: 1, suspend: true }] } });
  const root = await backupRoot();
  assert.ok(existsSync(join(root, first)), 'files stay until a later run removes them');
  await sleep(1000);
  await createBackup('bk-after', 'logical');
  assert.equal((await waitFinished('bk-after', 180_000)).phase, 'Succeeded');
  assert.ok(!existsSync(join(root, first)), `the files of the deleted ${first} are gone`);
  assert.ok(existsSync(join(root, second, 'dump.sql.gz')), `the kept ${second} is whole`);
  assert.ok(existsSync(join(root, 'bk-physical', 'backup.json')), 'a backup that still exists is kept');
});
