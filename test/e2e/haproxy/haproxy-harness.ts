/**
 * Runs the rendered HAProxy setup (config, external check, start script) as real processes
 * in front of a GaleraFixture, listening on 127.6.0.10.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { renderCheckScript } from '../../../src/haproxy/check-script.js';
import { adminSocketPath, renderHAProxyConfig, type HAProxyCheckTiming } from '../../../src/haproxy/config.js';
import { HAPROXY_ENV, renderHAProxyStartScript } from '../../../src/haproxy/start-script.js';
import type { ProxyMember } from '../../../src/proxysql/topology.js';
import type { GaleraFixture } from './galera-fixture.js';
import { sleep, waitUntil } from './process-helpers.js';

export const PROXY_ADDRESS = '127.6.0.10';

export interface HAProxyHarness {
  dir: string;
  socket: string;
  /** Re-renders the config file the start script watches (as the operator updates a ConfigMap). */
  render(writer: string): void;
  /** Opens a connection through the proxy as the application user. */
  connect(port: number): Promise<mysql.Connection>;
  /** Which member a fresh connection through `port` lands on (null when it fails). */
  landsOn(port: number): Promise<string | null>;
  /** The last lines of HAProxy's and the start script's output (for a failure message). */
  logTail(lines?: number): string;
  stop(): Promise<void>;
}

export interface HAProxyHarnessOptions {
  timing?: Partial<HAProxyCheckTiming>;
  /** The start script's wait for a replaced writer's sessions (default 2 s). */
  handoverSeconds?: number;
}

export async function startHAProxy(fixture: GaleraFixture, writer: string, options: HAProxyHarnessOptions = {}): Promise<HAProxyHarness> {
  const { timing, handoverSeconds } = options;
  const dir = mkdtempSync(join(tmpdir(), 'haproxy-e2e-'));
  const runtimeDir = join(dir, 'run');
  const cfgPath = join(dir, 'haproxy.cfg');
  const checkPath = join(dir, 'check.sh');
  const startPath = join(dir, 'start.sh');
  const members: ProxyMember[] = fixture.members.map((m) => ({ name: m.name, host: m.address }));
  const render = (w: string): void =>
    writeFileSync(
      cfgPath,
      renderHAProxyConfig({ members, writer: w, bindAddress: PROXY_ADDRESS, runtimeDir, checkScriptPath: checkPath, timing }),
    );
  writeFileSync(checkPath, renderCheckScript({ runtimeDir }), { mode: 0o755 });
  writeFileSync(startPath, renderHAProxyStartScript({ runtimeDir, writerHandoverSeconds: handoverSeconds }), { mode: 0o755 });
  render(writer);

  const log = openSync(join(dir, 'haproxy.log'), 'a');
  const child: ChildProcess = spawn('bash', [startPath, cfgPath], {
    stdio: ['ignore', log, log],
    detached: true,
    env: {
      PATH: process.env.PATH,
      [HAPROXY_ENV.monitorUser]: fixture.monitor.username,
      [HAPROXY_ENV.monitorPassword]: fixture.monitor.password,
    },
  });

  const connect = (port: number): Promise<mysql.Connection> =>
    mysql.createConnection({
      host: PROXY_ADDRESS,
      port,
      user: fixture.app.username,
      password: fixture.app.password,
      database: fixture.app.database,
      connectTimeout: 2000,
    });

  const landsOn = async (port: number): Promise<string | null> => {
    let conn: mysql.Connection | undefined;
    try {
      conn = await connect(port);
      const [rows] = await conn.query({ sql: 'SELECT @@wsrep_node_name AS node', timeout: 2000 });
      return (rows as Array<{ node: string }>)[0]?.node ?? null;
    } catch {
      return null;
    } finally {
      conn?.destroy();
    }
  };

  const stop = async (): Promise<void> => {
    if (child.pid && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await Promise.race([exited, sleep(5000)]);
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // exited on SIGTERM
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await waitUntil('HAProxy routing writes to the writer', 30_000, async () => (await landsOn(3306)) === writer);
  } catch (err) {
    await stop();
    throw err;
  }
  const logTail = (lines = 30): string => readFileSync(join(dir, 'haproxy.log'), 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  return { dir, socket: adminSocketPath(runtimeDir), render, connect, landsOn, logTail, stop };
}
