/**
 * Three (or N) emulated member pods with the operator's rendered ConfigMap, driven through the
 * real sidecar API. Cleans up every process and directory it made.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { buildConfigMapData, memberDnsNames, type SstMethod } from '../../../../src/galera/config.js';
import { getReport, sendInstruction, type AgentEndpoint } from '../../../../src/galera/agent-client.js';
import { CONFIG_DIR, GALERA_RUN_DIR } from '../../../../src/galera/scripts/layout.js';
import type { Instruction, MemberReport } from '../../../../src/galera/types.js';
import { readWsrepStatus, isPrimarySynced, type MemberEndpoint, type WsrepStatus } from '../../../../src/mysql/index.js';
import { EmulatedPod } from './emulated-pod.js';
import { waitFor } from './wait.js';

export interface SandboxOptions {
  clusterName?: string;
  namespace?: string;
  /** One 127.x address per member. */
  ips: string[];
  sst: SstMethod;
  agentPort?: number;
}

export class GaleraSandbox {
  readonly pods: EmulatedPod[];
  readonly rootPassword = randomBytes(12).toString('hex');
  private readonly token = randomBytes(24).toString('hex');
  private readonly root: string;
  private readonly agentPort: number;

  constructor(readonly options: SandboxOptions) {
    const clusterName = options.clusterName ?? 'db';
    const namespace = options.namespace ?? 'default';
    this.agentPort = options.agentPort ?? 3309;
    this.root = mkdtempSync(path.join(os.tmpdir(), 'inpod-e2e-'));
    for (const mountPoint of [CONFIG_DIR, GALERA_RUN_DIR]) {
      if (!existsSync(mountPoint)) mkdirSync(mountPoint, { recursive: true });
    }
    const replicas = options.ips.length;
    const names = memberDnsNames({ clusterName, namespace, replicas });
    const configMap = buildConfigMapData({ clusterName, namespace, replicas, sst: options.sst });
    const secrets = {
      MARIADB_ROOT_PASSWORD: this.rootPassword,
      MARIADB_USER: 'app',
      MARIADB_PASSWORD: randomBytes(12).toString('hex'),
      MARIADB_DATABASE: 'app',
      MARIADB_MONITOR_PASSWORD: randomBytes(12).toString('hex'),
      MARIADB_SST_PASSWORD: randomBytes(12).toString('hex'),
    };
    this.pods = options.ips.map((ip, i) => {
      const podName = `${clusterName}-${i}`;
      const pod = new EmulatedPod(podName, ip, path.join(this.root, podName), {
        POD_NAME: podName,
        POD_NAMESPACE: namespace,
        POD_IP: ip,
        CLUSTER_NAME: clusterName,
        ...secrets,
      });
      for (const [key, value] of Object.entries(configMap)) writeFileSync(path.join(pod.dirs.config, key), value);
      const hosts = ['127.0.0.1 localhost'];
      options.ips.forEach((peerIp, j) => hosts.push(`${peerIp} ${names[j]} ${clusterName}-${j}`));
      pod.writeHosts(hosts.join('\n') + '\n');
      return pod;
    });
  }

  agent(i: number, token = this.token): AgentEndpoint {
    return { host: this.pod(i).ip, port: this.agentPort, token };
  }

  pod(i: number): EmulatedPod {
    const pod = this.pods[i];
    if (!pod) throw new Error(`no member ${i}`);
    return pod;
  }

  rootEndpoint(i: number): MemberEndpoint {
    return { host: this.pod(i).ip, port: 3306, user: 'root', password: this.rootPassword };
  }

  startAll(): void {
    for (const pod of this.pods) {
      pod.startAgent(this.token, this.agentPort);
      pod.startMariadb();
    }
  }

  async report(i: number): Promise<MemberReport> {
    const result = await getReport(this.agent(i));
    if (!result.ok) throw new Error(`${this.pod(i).name}: ${result.error.kind}: ${result.error.message}`);
    return result.value;
  }

  /** Waits until member i reports a phase satisfying `accept`. */
  async waitForReport(i: number, what: string, timeoutMs: number, accept: (r: MemberReport) => boolean): Promise<MemberReport> {
    return waitFor(`${this.pod(i).name} ${what}`, timeoutMs, async () => {
      const result = await getReport(this.agent(i), 1500);
      return result.ok && accept(result.value) ? result.value : undefined;
    });
  }

  async instruct(i: number, instruction: Instruction): Promise<void> {
    const result = await sendInstruction(this.agent(i), instruction);
    if (!result.ok) throw new Error(`${this.pod(i).name}: ${result.error.kind}: ${result.error.message}`);
    if (!result.value.accepted) throw new Error(`${this.pod(i).name} refused ${instruction.action}: ${result.value.message}`);
  }

  async waitSynced(i: number, timeoutMs: number): Promise<WsrepStatus> {
    return waitFor(`${this.pod(i).name} Primary and Synced`, timeoutMs, async () => {
      const status = await readWsrepStatus(this.rootEndpoint(i), { connectMs: 1000, queryMs: 2000 });
      return status.ok && isPrimarySynced(status.value) ? status.value : undefined;
    }, 200);
  }

  async connect(i: number): Promise<mysql.Connection> {
    const conn = await mysql.createConnection({ ...this.rootEndpoint(i), connectTimeout: 3000 });
    conn.on('error', () => undefined);
    return conn;
  }

  /** Runs one query as root on member i with a fresh connection. */
  async sql<Row>(i: number, sql: string, params: unknown[] = []): Promise<Row[]> {
    const conn = await this.connect(i);
    try {
      const [rows] = await conn.query({ sql, values: params, timeout: 10_000 });
      return rows as Row[];
    } finally {
      await conn.end().catch(() => conn.destroy());
    }
  }

  async destroy(): Promise<void> {
    await Promise.all(this.pods.map((pod) => pod.stopAll()));
    if (process.env.INPOD_KEEP_DIRS === '1') {
      console.log(`kept ${this.root}`);
      return;
    }
    rmSync(this.root, { recursive: true, force: true });
  }
}
