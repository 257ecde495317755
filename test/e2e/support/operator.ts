/**
 * Runs the operator as a local process for an e2e suite: watching only the suite's namespace,
 * with its leader-election Lease there, so suites never share an operator.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { KUBECONFIG_PATH, REPO_ROOT } from '../../unit/agent-net/support/cluster.js';

export interface OperatorProcess {
  readonly child: ChildProcess;
  readonly logPath: string;
  /** SIGTERM (graceful: releases the lease) or SIGKILL; resolves when the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Resolves once the process logged `operator started` (its caches are synced). */
  started(timeoutMs?: number): Promise<void>;
}

let instances = 0;

export function startOperator(namespace: string, options: { leaderElection?: boolean; tag?: string } = {}): OperatorProcess {
  const tag = options.tag ?? `${++instances}`;
  const logDir = join(REPO_ROOT, '.cluster/logs/operators');
  mkdirSync(logDir, { recursive: true });
  const logPath = join(logDir, `${namespace}-${tag}.log`);
  const log = createWriteStream(logPath, { flags: 'a' });
  const child = spawn(process.execPath, [join(REPO_ROOT, 'dist/src/main.js')], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      KUBECONFIG: KUBECONFIG_PATH,
      WATCH_NAMESPACE: namespace,
      POD_NAMESPACE: namespace,
      LEADER_ELECTION: options.leaderElection === false ? 'false' : 'true',
      // Port 0: the OS picks free loopback ports, so several operators can run at once.
      METRICS_BIND_ADDRESS: '127.0.0.1:0',
      HEALTH_PROBE_BIND_ADDRESS: '127.0.0.1:0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    logPath,
    async started(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      const logged = (): string => (existsSync(logPath) ? readFileSync(logPath, 'utf8') : '');
      while (!logged().includes('"msg":"operator started"')) {
        if (child.exitCode !== null) throw new Error(`the operator exited (${child.exitCode}); see ${logPath}`);
        if (Date.now() > deadline) throw new Error(`the operator did not start within ${timeoutMs} ms; see ${logPath}`);
        await sleep(100);
      }
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
