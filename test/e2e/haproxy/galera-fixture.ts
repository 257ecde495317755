/**
 * A minimal 3-member MariaDB Galera cluster of plain `mariadbd` processes on this machine, for
 * proxy tests only (the in-pod entrypoint is built elsewhere). Members bind 127.6.0.1-3 on the
 * standard ports, have their own datadirs under one temp dir, distinct wsrep_node_names
 * (m1..m3), rsync SST and the tuned eviction settings of facts.md. They run as the `mysql`
 * user: run as root, the joiner's rsync daemon writes as `nobody` and the SST fails. Root talks to members over
 * their unix sockets (no password); the test users get generated passwords, sent on stdin.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand, waitUntil } from './process-helpers.js';

export interface GaleraMember {
  name: string;
  address: string;
  dir: string;
  socket: string;
  process: ChildProcess | null;
}

export interface GaleraFixture {
  dir: string;
  members: GaleraMember[];
  monitor: { username: string; password: string };
  app: { username: string; password: string; database: string };
  start(member: GaleraMember, options?: { bootstrap?: boolean }): Promise<void>;
  killHard(member: GaleraMember): void;
  /** SIGTERM and wait for the exit (a clean shutdown: the member rejoins with IST). */
  stopGracefully(member: GaleraMember): Promise<void>;
  rootSql(member: GaleraMember, sql: string): Promise<string>;
  wsrepState(member: GaleraMember): Promise<{ state: string; status: string } | null>;
  stop(): Promise<void>;
}

const EVICTION = 'evs.suspect_timeout=PT2S;evs.inactive_timeout=PT4S;evs.keepalive_period=PT0.5S;evs.install_timeout=PT3.5S';

function memberConfig(m: GaleraMember, all: readonly GaleraMember[]): string {
  const options = [`gmcast.listen_addr=tcp://${m.address}:4567`, `ist.recv_addr=${m.address}:4568`, EVICTION, 'gcache.size=32M'];
  return [
    '[mysqld]',
    `datadir=${m.dir}/data`,
    `socket=${m.socket}`,
    `pid-file=${m.dir}/run/mysqld.pid`,
    `bind-address=${m.address}`,
    'port=3306',
    `tmpdir=${m.dir}/tmp`,
    `log-error=${m.dir}/error.log`,
    'skip-name-resolve',
    'performance_schema=OFF',
    'innodb_buffer_pool_size=32M',
    'innodb_log_file_size=16M',
    'binlog_format=ROW',
    'innodb_autoinc_lock_mode=2',
    'wsrep_on=ON',
    'wsrep_provider=/usr/lib/galera/libgalera_smm.so',
    'wsrep_cluster_name=proxy-e2e',
    `wsrep_cluster_address=gcomm://${all.map((x) => x.address).join(',')}`,
    `wsrep_node_address=${m.address}`,
    `wsrep_node_name=${m.name}`,
    'wsrep_sst_method=rsync',
    `wsrep_sst_receive_address=${m.address}:4444`,
    `wsrep_provider_options="${options.join(';')}"`,
    '',
    '[sst]',
    `sst-log-archive-dir=${m.dir}/sst-logs`,
    `tmpdir=${m.dir}/tmp`,
    '',
  ].join('\n');
}

export async function createGaleraFixture(
  addresses: readonly string[] = ['127.6.0.1', '127.6.0.2', '127.6.0.3'],
): Promise<GaleraFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'galera-proxy-e2e-'));
  chmodSync(dir, 0o711);
  const uid = Number(await runCommand('id', ['-u', 'mysql'], { timeoutMs: 5000 }));
  const gid = Number(await runCommand('id', ['-g', 'mysql'], { timeoutMs: 5000 }));
  const members: GaleraMember[] = addresses.map((address, i) => {
    const memberDir = join(dir, `m${i + 1}`);
    for (const sub of ['data', 'run', 'tmp', 'sst-logs']) mkdirSync(join(memberDir, sub), { recursive: true });
    for (const path of [memberDir, ...['data', 'run', 'tmp', 'sst-logs'].map((sub) => join(memberDir, sub))]) {
      chownSync(path, uid, gid);
    }
    return { name: `m${i + 1}`, address, dir: memberDir, socket: join(memberDir, 'run', 'mysqld.sock'), process: null };
  });
  for (const m of members) writeFileSync(join(m.dir, 'my.cnf'), memberConfig(m, members));
  const secret = (): string => randomBytes(12).toString('hex');
  const monitor = { username: 'monitor', password: secret() };
  const app = { username: 'app', password: secret(), database: 'e2e' };

  const rootSql = (m: GaleraMember, sql: string): Promise<string> =>
    runCommand('mariadb', ['--no-defaults', `--socket=${m.socket}`, '-uroot', '--batch', '--skip-column-names'], {
      input: sql,
      timeoutMs: 10_000,
    });

  const wsrepState = async (m: GaleraMember): Promise<{ state: string; status: string } | null> => {
    try {
      const out = await rootSql(m, "SELECT @@hostname IS NOT NULL, (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='WSREP_LOCAL_STATE'), (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='WSREP_CLUSTER_STATUS');");
      const [, state = '', status = ''] = out.trim().split('\t');
      return { state, status };
    } catch {
      return null;
    }
  };

  const start = async (m: GaleraMember, options: { bootstrap?: boolean } = {}): Promise<void> => {
    if (options.bootstrap) {
      await runCommand('mariadb-install-db', ['--no-defaults', `--datadir=${m.dir}/data`, '--user=mysql', '--skip-test-db'], {
        timeoutMs: 60_000,
      });
    }
    const log = openSync(join(m.dir, 'stdout.log'), 'a');
    const args = [`--defaults-file=${m.dir}/my.cnf`, '--user=mysql', ...(options.bootstrap ? ['--wsrep-new-cluster'] : [])];
    m.process = spawn('mariadbd', args, { stdio: ['ignore', log, log], detached: true });
    await waitUntil(`${m.name} Synced and Primary`, 90_000, async () => {
      if (m.process?.exitCode !== null) throw new Error(`${m.name} exited; see ${m.dir}/error.log`);
      const s = await wsrepState(m);
      return s?.state === '4' && s.status === 'Primary';
    });
  };

  const killHard = (m: GaleraMember): void => {
    // The process group: rsync or SST helpers die with the member.
    if (m.process?.pid && m.process.exitCode === null) process.kill(-m.process.pid, 'SIGKILL');
  };

  const stopGracefully = async (m: GaleraMember): Promise<void> => {
    const child = m.process;
    if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${m.name} did not stop within 60 s`)), 60_000);
    });
    await Promise.race([exited, timeout]).finally(() => clearTimeout(timer));
  };

  const stop = async (): Promise<void> => {
    for (const m of members) {
      try {
        killHard(m);
      } catch {
        // already gone
      }
    }
    await Promise.all(
      members.map((m) =>
        m.process && m.process.exitCode === null && m.process.signalCode === null
          ? new Promise((resolve) => m.process!.once('exit', resolve))
          : Promise.resolve(),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };

  return { dir, members, monitor, app, start, killHard, stopGracefully, rootSql, wsrepState, stop };
}

/** Bootstraps the cluster, then joins the others one at a time, then creates the test users. */
export async function startGaleraCluster(fixture: GaleraFixture): Promise<void> {
  const [first, ...rest] = fixture.members;
  await fixture.start(first!, { bootstrap: true });
  const { monitor, app } = fixture;
  await fixture.rootSql(
    first!,
    [
      `CREATE USER '${monitor.username}'@'127.%' IDENTIFIED BY '${monitor.password}';`,
      `CREATE DATABASE ${app.database};`,
      `CREATE USER '${app.username}'@'127.%' IDENTIFIED BY '${app.password}';`,
      `GRANT ALL ON ${app.database}.* TO '${app.username}'@'127.%';`,
      `CREATE TABLE ${app.database}.writes (id INT AUTO_INCREMENT PRIMARY KEY, node VARCHAR(16), at TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP(3));`,
    ].join('\n'),
  );
  for (const m of rest) await fixture.start(m);
}
