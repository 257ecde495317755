/** Graceful pod stop: preStop hooks, SIGTERM, the grace period, SIGKILL, then per-pod cleanup. */
import fs from 'node:fs';
import path from 'node:path';
import type { V1LifecycleHandler, V1Pod } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { killRecorded } from './container-process.js';
import type { ContainerRunner } from './container-runner.js';
import { sleep } from './k8s.js';
import type { PodPaths } from './pod-paths.js';
import { runProbe } from './probes.js';

/** How long to wait for the worker's loops to notice their containers are gone. */
const SETTLE_MS = 5_000;

async function runPreStop(runner: ContainerRunner, hook: V1LifecycleHandler, podIP: string, budgetMs: number, log: Logger): Promise<void> {
  const pid = runner.pid;
  if (pid === undefined || budgetMs <= 0) return;
  if (hook.sleep) {
    await sleep(Math.min(hook.sleep.seconds * 1000, budgetMs));
    return;
  }
  const outcome = await runProbe(hook, { pid, podIP, env: runner.env, container: runner.spec }, budgetMs);
  if (!outcome.ok) log.warn({ container: runner.spec.name, detail: outcome.detail }, 'preStop hook failed');
}

export interface TerminationInput {
  pod: V1Pod;
  /** The runners at this moment (the worker may still be creating them). */
  runners: () => readonly ContainerRunner[];
  graceMs: number;
  /** Resolves when the pod worker's run loop has ended. */
  finished: Promise<void>;
  paths: PodPaths;
  log: Logger;
}

export async function terminatePod(t: TerminationInput): Promise<void> {
  const deadline = Date.now() + t.graceMs;
  const podIP = t.pod.status?.podIP ?? '';
  await Promise.all(t.runners().map((r) => {
    const hook = r.spec.lifecycle?.preStop;
    return hook ? runPreStop(r, hook, podIP, deadline - Date.now(), t.log) : undefined;
  }));
  await Promise.all(t.runners().map((r) => r.stop(Math.max(0, deadline - Date.now()))));
  await Promise.race([t.finished, sleep(SETTLE_MS)]);
  // Whatever no runner owned (e.g. adopted just as the pod was deleted) goes now.
  for (const c of [...(t.pod.spec?.initContainers ?? []), ...(t.pod.spec?.containers ?? [])]) {
    killRecorded(t.paths.container(c.name));
  }
  fs.rmSync(t.paths.podDir, { recursive: true, force: true });
  fs.rmSync(t.paths.runDir, { recursive: true, force: true });
  try {
    fs.rmdirSync(path.dirname(t.paths.runDir)); // the namespace's run dir, once its last pod is gone
  } catch {
    /* other pods of the namespace still run */
  }
  t.log.info('pod stopped and cleaned up');
}
