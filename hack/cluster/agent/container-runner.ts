/**
 * One container of a pod: start it, watch it with its probes, restart it per policy with
 * backoff, and keep its ContainerRecord (what goes into containerStatuses) current.
 */
import type { V1Container, V1Pod, V1Probe } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { backoffDelay, nextCrashCount, shouldRestart, type RestartPolicy } from './backoff.js';
import {
  spawnContainer, stopContainer, type ContainerFiles, type ContainerProcess, type ExitInfo,
} from './container-process.js';
import type { EventRecorder } from './events.js';
import { sleep } from './k8s.js';
import { initialProbeState, probeTiming, recordProbe, type ProbeState } from './probe-state.js';
import { runProbe, type ProbeTarget } from './probes.js';
import type { ContainerRecord, TerminatedState } from './pod-status.js';

export type PrepareResult =
  | { ok: true; wrapper: string; env: Record<string, string>; imageID: string }
  | { ok: false; reason: string; message: string };

export interface RunnerDeps {
  pod: V1Pod;
  podIP: string;
  files: ContainerFiles;
  /** Resolve image, env and mounts and render the wrapper, freshly for every start. */
  prepare(container: V1Container): Promise<PrepareResult>;
  onChange(): void;
  events: EventRecorder;
  log: Logger;
  graceMs(): number;
}

export function terminatedFrom(exit: ExitInfo, startedAt: Date, containerID?: string): TerminatedState {
  if (exit.unknown) {
    return {
      kind: 'terminated', exitCode: 137, reason: 'ContainerStatusUnknown', startedAt, finishedAt: exit.finishedAt, containerID,
      message: 'The container ended while the node agent was not watching it; its exit status is unknown',
    };
  }
  return {
    kind: 'terminated', exitCode: exit.exitCode, signal: exit.signal, startedAt, finishedAt: exit.finishedAt, containerID,
    reason: exit.exitCode === 0 ? 'Completed' : 'Error',
  };
}

type ProbeKind = 'Startup' | 'Liveness' | 'Readiness';

export class ContainerRunner {
  private proc: ContainerProcess | undefined;
  /** Env of the current process, for exec hooks and probes. */
  env: Record<string, string> = {};
  /** A restart is due: the next start increments restartCount. */
  private restartPending: boolean;

  constructor(readonly spec: V1Container, private readonly deps: RunnerDeps, readonly record: ContainerRecord) {
    this.restartPending = record.lastTerminated !== undefined || record.state.kind === 'terminated';
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  private set(update: Partial<ContainerRecord>): void {
    Object.assign(this.record, update);
    this.deps.onChange();
  }

  private async start(attempt: number): Promise<ContainerProcess | undefined> {
    const prep = await this.deps.prepare(this.spec);
    if (!prep.ok) {
      const reason = prep.reason === 'ErrImagePull' && attempt > 1 ? 'ImagePullBackOff' : prep.reason;
      this.set({ state: { kind: 'waiting', reason, message: prep.message } });
      this.deps.events.emit(this.deps.pod, 'Warning', prep.reason === 'ErrImagePull' ? 'Failed' : prep.reason, prep.message);
      return undefined;
    }
    if (this.record.state.kind === 'terminated') this.record.lastTerminated = this.record.state;
    this.record.imageID = prep.imageID;
    const proc = spawnContainer(this.deps.files, prep.wrapper, prep.env);
    if (this.restartPending) this.record.restartCount++;
    this.restartPending = false;
    this.deps.events.emit(this.deps.pod, 'Normal', 'Started', `Started container ${this.spec.name} (pid ${proc.pid})`);
    this.watchProbes(proc, prep.env);
    return proc;
  }

  /**
   * Run until the container finishes for good under `policy` or `signal` aborts; returns its
   * last termination. `adopted` is a process left running by a previous agent run.
   */
  async supervise(
    policy: RestartPolicy, signal: AbortSignal, adopted?: { proc: ContainerProcess; env: Record<string, string> },
  ): Promise<TerminatedState | undefined> {
    let crashes = 0;
    let attempt = 0;
    let proc = adopted?.proc;
    if (adopted) this.watchProbes(adopted.proc, adopted.env);
    while (!signal.aborted) {
      if (!proc) {
        proc = await this.start(++attempt);
        if (!proc) {
          await sleep(backoffDelay(attempt), signal);
          continue;
        }
      }
      attempt = 0;
      this.proc = proc;
      const containerID = `local://${proc.pid}`;
      this.set({ state: { kind: 'running', startedAt: proc.startedAt }, containerID });
      const exit = await proc.exited;
      this.proc = undefined;
      proc = undefined;
      const term = terminatedFrom(exit, this.record.state.kind === 'running' ? this.record.state.startedAt : exit.finishedAt, containerID);
      this.set({ state: term, ready: false, started: false });
      if (signal.aborted || !shouldRestart(policy, term.exitCode)) return term;
      crashes = nextCrashCount(crashes, term.finishedAt.getTime() - (term.startedAt?.getTime() ?? 0));
      const delay = backoffDelay(crashes);
      this.restartPending = true;
      this.set({
        lastTerminated: term,
        state: { kind: 'waiting', reason: 'CrashLoopBackOff', message: `back-off ${delay / 1000}s restarting failed container=${this.spec.name}` },
      });
      if (term.exitCode !== 0) this.deps.events.emit(this.deps.pod, 'Warning', 'BackOff', `Back-off restarting failed container ${this.spec.name}`);
      await sleep(delay, signal);
    }
    return this.record.state.kind === 'terminated' ? this.record.state : undefined;
  }

  /** SIGTERM, grace period, SIGKILL. The supervise loop must have been aborted first to avoid a restart. */
  async stop(graceMs: number): Promise<void> {
    const proc = this.proc;
    if (proc) await stopContainer(proc, graceMs);
  }

  private watchProbes(proc: ContainerProcess, env: Record<string, string>): void {
    this.env = env;
    const { startupProbe, livenessProbe, readinessProbe } = this.spec;
    const stopProbes = new AbortController();
    void proc.exited.then(() => stopProbes.abort());
    const signal = stopProbes.signal;
    const target: ProbeTarget = { pid: proc.pid, podIP: this.deps.podIP, env, container: this.spec };
    let startupPassed = !startupProbe;
    Object.assign(this.record, { started: startupPassed, ready: startupPassed && !readinessProbe });
    const killForRestart = (why: string): void => {
      this.deps.events.emit(this.deps.pod, 'Normal', 'Killing', `Container ${this.spec.name} ${why}, will be restarted`);
      void stopContainer(proc, this.deps.graceMs());
    };
    if (startupProbe) {
      this.probeLoop('Startup', startupProbe, target, signal, () => true, (st, threshold) => {
        if (st.passing) {
          startupPassed = true;
          this.set({ started: true, ready: !readinessProbe });
          return false;
        }
        if (st.consecutiveFailures >= threshold) {
          killForRestart('failed startup probe');
          return false;
        }
        return true;
      });
    }
    if (livenessProbe) {
      this.probeLoop('Liveness', livenessProbe, target, signal, () => startupPassed, (st) => {
        if (st.passing) return true;
        killForRestart('failed liveness probe');
        return false;
      });
    }
    if (readinessProbe) {
      this.probeLoop('Readiness', readinessProbe, target, signal, () => startupPassed, (st) => {
        if (st.passing !== this.record.ready) this.set({ ready: st.passing });
        return true;
      });
    }
  }

  /** Probe every period after the initial delay while `gate` holds; `handle` returns false to stop. */
  private probeLoop(
    kind: ProbeKind, probe: V1Probe, target: ProbeTarget, signal: AbortSignal,
    gate: () => boolean, handle: (state: ProbeState, failureThreshold: number) => boolean,
  ): void {
    const timing = probeTiming(probe);
    const run = async (): Promise<void> => {
      let state = initialProbeState(kind === 'Liveness');
      await sleep(timing.initialDelayMs, signal);
      while (!signal.aborted) {
        if (gate()) {
          const outcome = await runProbe(probe, target, timing.timeoutMs);
          if (signal.aborted) return;
          state = recordProbe(state, outcome.ok, timing);
          if (!outcome.ok) {
            this.deps.events.emit(this.deps.pod, 'Warning', 'Unhealthy', `${kind} probe failed: ${outcome.detail ?? ''}`);
          }
          if (!handle(state, timing.failureThreshold)) return;
        }
        await sleep(timing.periodMs, signal);
      }
    };
    run().catch((err: unknown) => this.deps.log.error({ err, container: this.spec.name, kind }, 'probe loop failed'));
  }
}
