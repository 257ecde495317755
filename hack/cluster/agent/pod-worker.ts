/**
 * Runs one pod on this machine, from address and volumes through init containers to its
 * containers, and tears it down on deletion. Status goes to the API through a StatusWriter.
 */
import fs from 'node:fs';
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { shouldRestart, type RestartPolicy } from './backoff.js';
import { adoptContainer } from './container-process.js';
import { prepareContainer } from './container-prepare.js';
import { ContainerRunner } from './container-runner.js';
import { podHostname } from './env.js';
import type { EventRecorder } from './events.js';
import type { IpAllocator } from './ip-allocator.js';
import { errorMessage, sleep, type Clients } from './k8s.js';
import { PodPaths } from './pod-paths.js';
import { publishedConditions, seedSnapshot } from './pod-seed.js';
import { initDone, type ContainerRecord, type PodSnapshot, type TerminatedState } from './pod-status.js';
import { checkSupport } from './pod-support.js';
import { terminatePod } from './pod-termination.js';
import { StatusWriter } from './status-writer.js';
import { PodVolumes } from './volumes.js';

export interface HostsRegistry {
  register(pod: { namespace: string; name: string; ip: string; hostname: string; subdomain?: string }, path: string): void;
  unregister(namespace: string, name: string): void;
}

export interface WorkerDeps {
  clients: Clients;
  events: EventRecorder;
  log: Logger;
  ips: IpAllocator;
  hosts: HostsRegistry;
  stateDir: string;
  projectDir: string;
  hostIP: string;
}

const VOLUME_REFRESH_MS = 10_000;
const VOLUME_RETRY_MS = 3_000;

export class PodWorker {
  readonly paths: PodPaths;
  private pod: V1Pod;
  private readonly log: Logger;
  private readonly running = new AbortController();
  private readonly snapshot: PodSnapshot;
  private readonly status: StatusWriter;
  private runners: ContainerRunner[] = [];
  private volumes: PodVolumes | undefined;
  private volumePaths = new Map<string, string>();
  private finished: Promise<void> = Promise.resolve();
  private terminating: Promise<void> | undefined;

  constructor(pod: V1Pod, private readonly deps: WorkerDeps) {
    this.pod = pod;
    const meta = pod.metadata ?? {};
    this.paths = new PodPaths(deps.stateDir, { namespace: meta.namespace ?? 'default', name: meta.name ?? '', uid: meta.uid ?? '' });
    this.log = deps.log.child({ pod: `${this.paths.id.namespace}/${this.paths.id.name}` });
    this.snapshot = seedSnapshot(pod, deps.hostIP, new Date());
    this.status = new StatusWriter(deps.clients.core, this.paths.id, this.snapshot, this.log);
  }

  get uid(): string {
    return this.paths.id.uid;
  }

  start(): void {
    this.finished = this.run().catch((err: unknown) => {
      this.log.error({ err: errorMessage(err) }, 'pod worker failed');
      this.deps.events.emit(this.pod, 'Warning', 'Failed', `node agent error: ${errorMessage(err)}`);
    });
  }

  /** A newer version of the pod object from the watch. */
  update(pod: V1Pod): void {
    this.pod = pod;
    if (this.snapshot.readinessGates.length) this.status.setPreviousConditions(publishedConditions(pod.status?.conditions));
    if (pod.metadata?.deletionTimestamp) void this.terminate(true);
  }

  private async run(): Promise<void> {
    const phase = this.pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return; // finished before: nothing to run
    if (!this.admit()) return this.status.publishNow();
    this.claimAddress();
    this.status.schedule();
    if (!(await this.prepareVolumes())) return;
    this.snapshot.sandboxReady = true;
    this.status.schedule();
    void this.refreshVolumesPeriodically();
    await this.runContainers();
    await this.status.publishNow();
  }

  /** Announce ignored fields; fail the pod when it needs something this cluster cannot do. */
  private admit(): boolean {
    const support = checkSupport(this.pod);
    for (const what of support.ignored) this.deps.events.emitOnce(this.pod, 'Warning', 'IgnoredField', `ignored by this local cluster: ${what}`);
    if (!support.unsupported.length) return true;
    const message = support.unsupported.join('; ');
    this.deps.events.emit(this.pod, 'Warning', 'Unsupported', message);
    this.snapshot.failure = { reason: 'UnsupportedByLocalCluster', message };
    return false;
  }

  /** The pod's address (kept across agent restarts) and its hosts file. */
  private claimAddress(): void {
    fs.mkdirSync(this.paths.podDir, { recursive: true });
    fs.writeFileSync(this.paths.identityFile, JSON.stringify({ ...this.paths.id, containers: this.allSpecs().map((c) => c.name) }));
    const ip = this.snapshot.podIP ?? this.deps.ips.allocate(this.uid);
    this.snapshot.podIP = ip;
    this.deps.ips.claim(this.uid, ip);
    this.snapshot.startTime ??= new Date();
    this.deps.hosts.register({
      namespace: this.paths.id.namespace, name: this.paths.id.name, ip,
      hostname: podHostname(this.pod), subdomain: this.pod.spec?.subdomain,
    }, this.paths.hostsFile);
  }

  /** Init containers one by one (unless a previous agent run got past them), then all containers. */
  private async runContainers(): Promise<void> {
    const policy = this.snapshot.restartPolicy;
    const initPolicy: RestartPolicy = policy === 'Never' ? 'Never' : 'OnFailure';
    this.runners = this.allSpecs().map((spec, i) => this.makeRunner(spec, i));
    const initRunners = this.runners.slice(0, this.snapshot.init.length);
    const mainRunners = this.runners.slice(this.snapshot.init.length);
    const mainStartedBefore = mainRunners.some((r) => fs.existsSync(this.paths.container(r.spec.name).metaFile));
    if (!mainStartedBefore) {
      for (const runner of initRunners) {
        if (this.running.signal.aborted) return;
        const { state } = runner.record;
        if (state.kind === 'terminated' && state.exitCode === 0) continue;
        const term = await this.supervise(runner, initPolicy);
        if (!term || term.exitCode !== 0) return;
      }
    }
    if (!initDone(this.snapshot) && !mainStartedBefore) return;
    for (const r of mainRunners) {
      if (r.record.state.kind === 'waiting' && r.record.state.reason === 'PodInitializing') r.record.state = { kind: 'waiting', reason: 'ContainerCreating' };
    }
    this.status.schedule();
    await Promise.all(mainRunners.map((r) => this.supervise(r, policy)));
  }

  private allSpecs(): V1Container[] {
    return [...(this.pod.spec?.initContainers ?? []), ...(this.pod.spec?.containers ?? [])];
  }

  private makeRunner(spec: V1Container, index: number): ContainerRunner {
    const initCount = this.snapshot.init.length;
    const record = (index < initCount ? this.snapshot.init[index] : this.snapshot.containers[index - initCount]) as ContainerRecord;
    return new ContainerRunner(spec, {
      pod: this.pod,
      podIP: this.snapshot.podIP ?? '',
      files: this.paths.container(spec.name),
      prepare: (c) => prepareContainer({
        core: this.deps.clients.core, pod: this.pod, paths: this.paths, podIP: this.snapshot.podIP ?? '',
        hostIP: this.deps.hostIP, projectDir: this.deps.projectDir, volumePaths: this.volumePaths,
      }, c),
      onChange: () => this.status.schedule(),
      events: this.deps.events,
      log: this.log,
      graceMs: () => this.gracePeriodMs(),
    }, record);
  }

  /** Adopt a process left by a previous agent run, or (re)start per policy. */
  private async supervise(runner: ContainerRunner, policy: RestartPolicy): Promise<TerminatedState | undefined> {
    const files = this.paths.container(runner.spec.name);
    const proc = adoptContainer(files);
    if (proc) {
      this.log.info({ container: runner.spec.name, pid: proc.pid }, 'adopted running container');
      const env = await this.containerEnv(runner.spec);
      return runner.supervise(policy, this.running.signal, { proc, env });
    }
    const { state } = runner.record;
    if (state.kind === 'terminated' && !shouldRestart(policy, state.exitCode)) return state;
    return runner.supervise(policy, this.running.signal);
  }

  /** Env for probes of an adopted container (its wrapper is not needed again). */
  private async containerEnv(spec: V1Container): Promise<Record<string, string>> {
    const prep = await prepareContainer({
      core: this.deps.clients.core, pod: this.pod, paths: this.paths, podIP: this.snapshot.podIP ?? '',
      hostIP: this.deps.hostIP, projectDir: this.deps.projectDir, volumePaths: this.volumePaths,
    }, spec);
    return prep.ok ? prep.env : { PATH: process.env.PATH ?? '' };
  }

  private async prepareVolumes(): Promise<boolean> {
    this.volumes = new PodVolumes(this.deps.clients, () => this.pod, this.paths.volumesDir, {
      podIP: this.snapshot.podIP ?? '', hostIP: this.deps.hostIP,
    });
    while (!this.running.signal.aborted) {
      const result = await this.volumes.prepare().catch((err: unknown) => ({ ok: false as const, reason: 'FailedMount', message: errorMessage(err) }));
      if (result.ok) {
        this.volumePaths = result.paths;
        return true;
      }
      this.deps.events.emit(this.pod, 'Warning', result.reason, result.message);
      for (const r of this.snapshot.containers) r.state = { kind: 'waiting', reason: 'ContainerCreating', message: result.message };
      this.status.schedule();
      await sleep(VOLUME_RETRY_MS, this.running.signal);
    }
    return false;
  }

  private async refreshVolumesPeriodically(): Promise<void> {
    while (!this.running.signal.aborted) {
      await sleep(VOLUME_REFRESH_MS, this.running.signal);
      if (this.running.signal.aborted || !this.volumes) return;
      const result = await this.volumes.refresh().catch((err: unknown) => ({ ok: false as const, reason: 'FailedMount', message: errorMessage(err) }));
      if (!result.ok) this.log.warn({ message: result.message }, 'projected volume refresh failed');
    }
  }

  gracePeriodMs(): number {
    const seconds = this.pod.metadata?.deletionGracePeriodSeconds ?? this.pod.spec?.terminationGracePeriodSeconds ?? 30;
    return Math.max(0, seconds) * 1000;
  }

  /**
   * Stop everything and clean up. With `deleteObject`, the pod object is then removed (it was
   * deleted gracefully); without, it has already vanished from the API.
   */
  terminate(deleteObject: boolean, graceCapMs = Number.POSITIVE_INFINITY): Promise<void> {
    this.terminating ??= (async () => {
      this.running.abort();
      this.status.stop();
      await terminatePod({
        pod: this.pod, runners: () => this.runners, graceMs: Math.min(this.gracePeriodMs(), graceCapMs),
        finished: this.finished, paths: this.paths, log: this.log,
      });
      this.deps.hosts.unregister(this.paths.id.namespace, this.paths.id.name);
      this.deps.ips.release(this.uid);
      this.deps.events.forget(this.uid);
      if (deleteObject) await this.deleteObject();
    })();
    return this.terminating;
  }

  /** Agent shutdown: stop the containers (unless kept) but leave pod state for the next run. */
  async shutdown(keepPods: boolean, graceCapMs: number): Promise<void> {
    this.running.abort();
    this.status.stop();
    if (!keepPods) await Promise.all(this.runners.map((r) => r.stop(Math.min(this.gracePeriodMs(), graceCapMs))));
  }

  private async deleteObject(): Promise<void> {
    const { namespace, name, uid } = this.paths.id;
    try {
      await this.deps.clients.core.deleteNamespacedPod({
        name, namespace, gracePeriodSeconds: 0, body: { gracePeriodSeconds: 0, preconditions: { uid } },
      });
    } catch (err) {
      const code = (err as { code?: number }).code;
      if (code !== 404 && code !== 409) this.log.warn({ err: errorMessage(err) }, 'could not delete pod object');
    }
  }
}
