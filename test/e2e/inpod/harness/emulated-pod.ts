/**
 * One Galera member "pod" on this machine, as the local cluster runs it: each container is a
 * process in its own mount+UTS namespace with bind mounts over the pod's volume paths and a
 * hosts file that resolves the member names. All containers share the host network, so every
 * process binds the pod's own 127.x address.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, openSync, closeSync, statSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_DIR, DATA_DIR, GALERA_RUN_DIR, RUN_MYSQLD_DIR } from '../../../../src/galera/scripts/layout.js';
import { sleep } from './wait.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '../../../..');

export interface PodDirs {
  data: string;
  runMysqld: string;
  runGalera: string;
  config: string;
  tmp: string;
  hosts: string;
  logs: string;
}

export class EmulatedPod {
  readonly dirs: PodDirs;
  private mariadb: ChildProcess | undefined;
  private agent: ChildProcess | undefined;

  constructor(
    readonly name: string,
    readonly ip: string,
    root: string,
    readonly env: Record<string, string>,
  ) {
    const dir = (sub: string): string => path.join(root, sub);
    this.dirs = {
      data: dir('data'),
      runMysqld: dir('run-mysqld'),
      runGalera: dir('run-galera'),
      config: dir('config'),
      tmp: dir('tmp'),
      hosts: dir('hosts'),
      logs: dir('logs'),
    };
    for (const d of [this.dirs.data, this.dirs.runMysqld, this.dirs.runGalera, this.dirs.config, this.dirs.tmp, this.dirs.logs]) {
      mkdirSync(d, { recursive: true });
    }
    chmodSync(this.dirs.tmp, 0o1777); // like a container's /tmp: mariadbd's SST scripts (user mysql) use it
    mkdirSync(path.join(this.dirs.tmp, 'agent'), { recursive: true });
  }

  get mariadbLog(): string {
    return path.join(this.dirs.logs, 'mariadb.log');
  }

  /** Byte length of the mariadb container log (to look only at what a restart wrote). */
  mariadbLogSize(): number {
    try {
      return statSync(this.mariadbLog).size;
    } catch {
      return 0;
    }
  }

  mariadbLogSince(offset: number): string {
    return readFileSync(this.mariadbLog).subarray(offset).toString('utf8');
  }

  writeHosts(text: string): void {
    writeFileSync(this.dirs.hosts, text);
  }

  /** Shell lines entering the pod's filesystem view; /tmp last, since the sources live there. */
  private mountScript(readOnlyData: boolean): string {
    const binds: Array<[string, string]> = [
      [this.dirs.data, DATA_DIR],
      [this.dirs.runMysqld, RUN_MYSQLD_DIR],
      [this.dirs.runGalera, GALERA_RUN_DIR],
      [this.dirs.config, CONFIG_DIR],
      [this.dirs.hosts, '/etc/hosts'],
      [this.dirs.tmp, '/tmp'],
    ];
    // A checkout under /tmp would be hidden by the pod's own /tmp: keep a descriptor of it and
    // bind it back at the same path afterwards (the sidecar runs from the checkout).
    const repoUnderTmp = REPO_ROOT.startsWith('/tmp/');
    const lines = ['set -e', ...(repoUnderTmp ? [`exec 9<'${REPO_ROOT}'`] : [])];
    for (const [source, target] of binds) {
      lines.push(`mount --bind '${source}' '${target}'`);
      if (readOnlyData && target === DATA_DIR) lines.push(`mount -o remount,bind,ro '${target}'`);
    }
    if (repoUnderTmp) lines.push(`mkdir -p '${REPO_ROOT}'`, `mount --no-canonicalize --bind /proc/self/fd/9 '${REPO_ROOT}'`, 'exec 9<&-', `cd '${REPO_ROOT}'`);
    lines.push(`hostname '${this.name}'`);
    return lines.join('\n');
  }

  private launch(command: string, logName: string, readOnlyData: boolean, extraEnv: Record<string, string>): ChildProcess {
    const log = openSync(path.join(this.dirs.logs, logName), 'a');
    const script = `${this.mountScript(readOnlyData)}\n${command}`;
    const child = spawn('unshare', ['--mount', '--uts', '--propagation', 'private', 'bash', '-c', script], {
      cwd: REPO_ROOT,
      detached: true, // own process group: killing it is the container dying
      stdio: ['ignore', log, log],
      env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', ...this.env, ...extraEnv },
    });
    closeSync(log);
    return child;
  }

  /** The mariadb container: `bash /opt/galera/entrypoint.sh`; its PID becomes mariadbd's. */
  startMariadb(): void {
    if (this.mariadb && this.mariadb.exitCode === null && this.mariadb.signalCode === null) {
      throw new Error(`${this.name}: mariadb container already running`);
    }
    this.mariadb = this.launch(`exec bash ${CONFIG_DIR}/entrypoint.sh`, 'mariadb.log', false, {});
  }

  /** The agent sidecar, with the datadir mounted read-only. */
  startAgent(token: string, port: number): void {
    this.agent = this.launch(
      `exec node --import tsx src/sidecar/main.ts`,
      'agent.log',
      true,
      { AGENT_TOKEN: token, AGENT_PORT: String(port), TMPDIR: '/tmp/agent' },
    );
  }

  get mariadbPid(): number | undefined {
    return this.mariadb?.pid;
  }

  /** Graceful stop of the container (SIGTERM to mariadbd, as the kubelet does); waits for exit. */
  async stopMariadb(timeoutMs = 30_000): Promise<void> {
    const child = this.mariadb;
    if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    process.kill(child.pid, 'SIGTERM');
    await Promise.race([exited, sleep(timeoutMs)]);
    await killGroup(child);
    this.mariadb = undefined;
  }

  /** kill -9 of the container: its whole process group (mariadbd and any SST helpers). */
  async killMariadb(): Promise<void> {
    await killGroup(this.mariadb);
    this.mariadb = undefined;
  }

  async stopAll(): Promise<void> {
    await Promise.all([killGroup(this.mariadb), killGroup(this.agent)]);
    this.mariadb = undefined;
    this.agent = undefined;
  }
}

async function killGroup(child: ChildProcess | undefined): Promise<void> {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    return;
  }
  await Promise.race([exited, sleep(5000)]);
}

/** Runs a command inside the mount namespace of a running container process (as a kubelet exec). */
export function execInPod(pid: number, command: string[], env: Record<string, string>, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('nsenter', ['-t', String(pid), '-m', '--', ...command], {
      env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
