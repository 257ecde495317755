/**
 * Helpers for the proxy drills (e2e tests and hack/bench/failover.ts): the proxy Service's
 * address through `make -s endpoint`, which member a connection lands on, and kill -9 of a
 * member's mariadbd by its pid file.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { REPO_ROOT } from '../../unit/agent-net/support/cluster.js';
import { secretValue } from '../support/kube.js';
import { query, type Target } from '../support/sql.js';
import { DRILL_TABLE, type WorkloadResult } from '../support/workload.js';

const run = promisify(execFile);

/** `host:port` on this machine for a Service port, as people get it (interfaces.md). */
export async function serviceEndpoint(namespace: string, service: string, port: number): Promise<{ host: string; port: number }> {
  const { stdout } = await run('make', ['-s', 'endpoint', `SERVICE=${namespace}/${service}`, `PORT=${port}`], { cwd: REPO_ROOT, timeout: 30_000 });
  const last = stdout.trim().split('\n').pop() ?? '';
  const match = /^(127\.[0-9.]+):(\d+)$/.exec(last);
  if (!match) throw new Error(`make endpoint printed '${last}'`);
  return { host: match[1]!, port: Number(match[2]) };
}


/** The application user through the proxy, as scripts connect. */
export async function appTarget(namespace: string, cluster: string, port: number): Promise<Target> {
  const endpoint = await serviceEndpoint(namespace, `${cluster}-proxy`, port);
  const secret = `${cluster}-credentials`;
  return {
    ...endpoint,
    user: await secretValue(namespace, secret, 'app-username'),
    password: await secretValue(namespace, secret, 'app-password'),
    database: await secretValue(namespace, secret, 'app-database'),
  };
}

/** The member one new connection lands on. */
export async function landsOn(target: Target): Promise<string> {
  const rows = await query<{ host: string }>(target, 'SELECT @@hostname AS host', [], 4000);
  return String(rows[0]?.host);
}

/** Members `count` fresh connections land on, in order. */
export async function landings(target: Target, count: number): Promise<string[]> {
  const hosts: string[] = [];
  for (let i = 0; i < count; i++) hosts.push(await landsOn(target));
  return hosts;
}

/** PID of a container's main process, from the local cluster's pid file. */
export function mainPid(namespace: string, pod: string, container: string): number {
  const pid = Number(readFileSync(join(REPO_ROOT, '.cluster/run', namespace, pod, `${container}.pid`), 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`${namespace}/${pod}/${container}: no pid`);
  return pid;
}

/** Kill -9 the member's mariadbd (the mariadb container's main process once exec'd). */
export function killMariadbd(namespace: string, pod: string): number {
  const pid = mainPid(namespace, pod, 'mariadb');
  const command = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  if (command !== 'mariadbd') throw new Error(`${namespace}/${pod}: pid ${pid} is ${command}, not mariadbd`);
  process.kill(pid, 'SIGKILL');
  return pid;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Members `count` fresh connections write on: the hostname is read inside a transaction, which
 * both proxies send to the writer (ProxySQL sends a plain SELECT outside one to a reader).
 */
export async function writeLandings(target: Target, count: number): Promise<string[]> {
  const hosts: string[] = [];
  for (let i = 0; i < count; i++) {
    const connection = await mysql.createConnection({ ...target, connectTimeout: 4000 });
    try {
      await connection.query('START TRANSACTION');
      const [rows] = await connection.query({ sql: 'SELECT @@hostname AS host', timeout: 4000 });
      await connection.query('COMMIT');
      hosts.push(String((rows as Array<{ host: string }>)[0]?.host));
    } finally {
      connection.destroy();
    }
  }
  return hosts;
}

/** Lets the application user write the drill table (ProxySQL knows only that user). */
export async function allowDrillTable(root: Target, appUser: string): Promise<void> {
  const hosts = await query<{ host: string }>(root, 'SELECT Host AS host FROM mysql.user WHERE User = ?', [appUser]);
  for (const { host } of hosts) await query(root, 'GRANT ALL PRIVILEGES ON drill.* TO ?@?', [appUser, host]);
}

/**
 * A connection per insert, like startWorkload (test/e2e/support), but it also counts the
 * errors by message, with the time of the first, so a figure can be explained, and each row
 * records the member that committed it (writerSwitches reads that back).
 */
export function startDrillWrites(target: Target, maxMs: number) {
  const acked: number[] = [];
  const unknown: number[] = [];
  const errors = new Map<string, { count: number; first: string }>();
  let maxGapMs = 0;
  let maxGapEnd = '';
  let lastAck = Date.now();
  let stopped = false;
  const deadline = Date.now() + maxMs;
  const seqBase = Date.now() % 1_000_000_000;
  const loop = (async () => {
    for (let i = 1; !stopped && Date.now() < deadline; i++) {
      const seq = seqBase + i;
      try {
        await query(target, `INSERT INTO ${DRILL_TABLE} (seq, node) VALUES (?, @@wsrep_node_name)`, [seq], 4000);
        acked.push(seq);
        if (Date.now() - lastAck > maxGapMs) {
          maxGapMs = Date.now() - lastAck;
          maxGapEnd = new Date().toISOString();
        }
        lastAck = Date.now();
      } catch (err) {
        unknown.push(seq);
        const message = String((err as Error).message).slice(0, 120);
        const seen = errors.get(message) ?? { count: 0, first: new Date().toISOString() };
        errors.set(message, { ...seen, count: seen.count + 1 });
        await sleep(100);
      }
      await sleep(10);
    }
  })();
  return {
    /** maxGapEnd: when the largest gap ended (to match it with the operator's log). */
    async stop(): Promise<WorkloadResult & { errors: typeof errors; maxGapEnd: string }> {
      stopped = true;
      await loop;
      return { acked, unknown, maxGapMs, maxGapEnd, errors };
    },
  };
}

export function reportErrors(label: string, errors: Map<string, { count: number; first: string }>): void {
  for (const [message, { count, first }] of errors) console.error(`${label}: ${count} x "${message}" (first ${first})`);
}

/**
 * How often consecutive acknowledged writes (one at a time, so sequence order is commit order)
 * were committed by different members: 1 per writer change when writes were only ever on one
 * member at a time; more means writes alternated between members. `runs` lists each stretch
 * of writes on one member with the time of its first commit, to explain a figure.
 */
export async function writerSwitches(
  target: Target,
  acked: readonly number[],
): Promise<{ switches: number; members: string[]; runs: Array<{ node: string; writes: number; from: string }> }> {
  if (acked.length === 0) return { switches: 0, members: [], runs: [] };
  const rows = (await query(target, `SELECT seq, node, DATE_FORMAT(at, '%H:%i:%s.%f') AS at FROM ${DRILL_TABLE} WHERE seq BETWEEN ? AND ? ORDER BY seq`, [
    Math.min(...acked),
    Math.max(...acked),
  ])) as Array<{ seq: number; node: string | null; at: string }>;
  const wanted = new Set(acked);
  const runs: Array<{ node: string; writes: number; from: string }> = [];
  for (const row of rows.filter((r) => wanted.has(Number(r.seq)))) {
    const node = row.node ?? '?';
    const last = runs.at(-1);
    if (last?.node === node) last.writes++;
    else runs.push({ node, writes: 1, from: row.at });
  }
  return { switches: Math.max(0, runs.length - 1), members: [...new Set(runs.map((r) => r.node))], runs };
}
