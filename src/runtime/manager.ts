import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { createLogger } from '../log.js';
import { Applier, type ApplyOptions } from './apply.js';
import { sleep, type BackoffPolicy } from './clock.js';
import { Controller, type ReconcileFn } from './controller.js';
import { EventRecorder } from './events.js';
import { RuntimeServer, parseBindAddress, type Check } from './http-server.js';
import { Informer } from './informer.js';
import { LeaderElector } from './leader.js';
import { RuntimeMetrics } from './metrics.js';
import { ownerKeysFor } from './owners.js';
import { keyOf, type ResourceRef } from './resources.js';
import { KubeRest } from './rest.js';
import { installSignalHandlers } from './signals.js';
import { StatusWriter } from './status.js';
import { WorkQueue } from './workqueue.js';

export interface LeaderElectionConfig {
  enabled?: boolean; // default true
  namespace: string;
  leaseName?: string; // default `${name}-leader`
  identity?: string; // default POD_NAME or hostname, plus a random suffix
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

export interface ManagerOptions {
  /** Used as field manager, event reporter and metric/lease prefix. */
  name: string;
  kubeConfig?: KubeConfig;
  log?: Logger;
  /** Watch one namespace only (default: all). */
  namespace?: string;
  leaderElection?: LeaderElectionConfig;
  /** "host:port", ":port" (pod IP or loopback), or false to disable. Env: METRICS_BIND_ADDRESS. */
  metricsBindAddress?: string | false;
  /** As above for /healthz and /readyz. Env: HEALTH_PROBE_BIND_ADDRESS. */
  healthProbeBindAddress?: string | false;
  /** How long in-flight reconciles may run on shutdown. */
  shutdownGraceMs?: number;
  informer?: { watchdogMs?: number; watchTimeoutSeconds?: number; backoff?: BackoffPolicy };
  retryBackoff?: BackoffPolicy;
  /** Install SIGTERM/SIGINT handlers that stop gracefully (default true). */
  handleSignals?: boolean;
  /** What to do when leadership is lost. Default: exit(1) so the pod restarts clean. */
  onLostLeadership?: () => void;
  defaultMetrics?: boolean;
}

export interface OwnedWatch {
  resource: ResourceRef;
  /** Keys of the primaries an event concerns; default: controller owner or instance label. */
  mapTo?: (obj: KubernetesObject) => string[];
}

export interface ControllerRegistration {
  name: string;
  primary: ResourceRef;
  owns?: Array<ResourceRef | OwnedWatch>;
  concurrency?: number; // default 2
  reconcile: ReconcileFn;
}

const isOwnedWatch = (value: ResourceRef | OwnedWatch): value is OwnedWatch => 'resource' in value;
const refId = (ref: ResourceRef) => `${ref.group}/${ref.version}/${ref.plural}`;

/**
 * Wires informers, work queues, controllers, leader election, metrics, health endpoints and
 * graceful shutdown. Informers run on every replica (a standby keeps a warm cache); workers
 * run only while this process leads.
 */
export class Manager {
  readonly kubeConfig: KubeConfig;
  readonly log: Logger;
  readonly rest: KubeRest;
  readonly metrics: RuntimeMetrics;
  readonly events: EventRecorder;
  readonly identity: string;
  private readonly applier: Applier;
  private readonly informers = new Map<string, Informer>();
  private readonly statusWriters = new Map<string, StatusWriter>();
  private readonly controllers: Controller[] = [];
  private readonly servers: RuntimeServer[] = [];
  private elector: LeaderElector | undefined;
  private state: 'new' | 'running' | 'stopping' | 'stopped' = 'new';
  private leading = false;
  private stopped: Promise<void> | undefined;
  private removeSignalHandlers: (() => void) | undefined;
  private resolveDone!: () => void;
  /** Resolves when the manager has fully stopped. */
  readonly done = new Promise<void>((resolve) => (this.resolveDone = resolve));

  constructor(private readonly options: ManagerOptions) {
    this.kubeConfig = options.kubeConfig ?? loadKubeConfig();
    this.log = options.log ?? createLogger(options.name);
    this.rest = new KubeRest(this.kubeConfig);
    this.applier = new Applier(this.kubeConfig, this.rest);
    this.metrics = new RuntimeMetrics({ defaultMetrics: options.defaultMetrics });
    const base = options.leaderElection?.identity ?? process.env.POD_NAME ?? os.hostname();
    this.identity = options.leaderElection?.identity ?? `${base}_${randomUUID().slice(0, 8)}`;
    this.events = new EventRecorder(this.kubeConfig, { controller: options.name, instance: this.identity, log: this.log });
  }

  /** The shared informer (cache) for a resource type; created on first use. */
  informer<T extends KubernetesObject = KubernetesObject>(resource: ResourceRef): Informer<T> {
    let informer = this.informers.get(refId(resource));
    if (!informer) {
      informer = new Informer(this.rest, { resource, namespace: this.options.namespace, log: this.log, ...this.options.informer });
      this.informers.set(refId(resource), informer);
      if (this.state === 'running') informer.start();
    }
    return informer as unknown as Informer<T>;
  }

  statusWriter(resource: ResourceRef): StatusWriter {
    let writer = this.statusWriters.get(refId(resource));
    if (!writer) {
      writer = new StatusWriter(this.rest, resource);
      this.statusWriters.set(refId(resource), writer);
    }
    return writer;
  }

  /** Server-side apply as this manager's field manager; forces ownership by default. */
  apply<T extends KubernetesObject>(obj: T, options: Partial<ApplyOptions> = {}): Promise<T> {
    return this.applier.apply(obj, { fieldManager: this.options.name, force: true, ...options });
  }

  delete(obj: KubernetesObject): Promise<void> {
    return this.applier.delete(obj);
  }

  isLeader(): boolean {
    return this.leading;
  }

  register(registration: ControllerRegistration): Controller {
    if (this.state !== 'new') throw new Error('register controllers before start()');
    const queue = new WorkQueue({ backoff: this.options.retryBackoff, observer: this.metrics.queueObserver(registration.name) });
    const controller = new Controller({
      name: registration.name,
      queue,
      reconcile: registration.reconcile,
      log: this.log,
      concurrency: registration.concurrency,
      observer: this.metrics.controllerObserver(),
    });
    this.informer(registration.primary).on((event, obj) => {
      if (event === 'delete' && obj.metadata?.uid) this.statusWriters.forEach((writer) => writer.forget(obj.metadata!.uid!));
      queue.add(keyOf(obj));
    });
    for (const owned of registration.owns ?? []) {
      const watch = isOwnedWatch(owned) ? owned : { resource: owned };
      const mapTo = watch.mapTo ?? ((obj: KubernetesObject) => ownerKeysFor(obj, registration.primary));
      this.informer(watch.resource).on((_event, obj) => mapTo(obj).forEach((key) => queue.add(key)));
    }
    this.controllers.push(controller);
    return controller;
  }

  /** Starts informers, servers and the election; returns once all are started (not synced). */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error('manager already started');
    this.state = 'running';
    if (this.options.handleSignals ?? true) {
      this.removeSignalHandlers = installSignalHandlers((signal) => {
        this.log.info({ signal }, 'shutting down');
        void this.stop().then(() => process.exit(0));
      });
    }
    await this.startServers();
    for (const informer of this.informers.values()) informer.start();
    const election = this.options.leaderElection;
    if (election && election.enabled !== false) {
      const leaseName = election.leaseName ?? `${this.options.name}-leader`;
      this.metrics.setLeader(leaseName, false);
      this.elector = new LeaderElector({
        kubeConfig: this.kubeConfig,
        namespace: election.namespace,
        leaseName,
        identity: this.identity,
        log: this.log,
        leaseDurationMs: election.leaseDurationMs,
        renewDeadlineMs: election.renewDeadlineMs,
        retryPeriodMs: election.retryPeriodMs,
        onStartedLeading: () => {
          this.metrics.setLeader(leaseName, true);
          void this.startLeading();
        },
        onStoppedLeading: () => {
          this.metrics.setLeader(leaseName, false);
          this.leading = false;
          void this.stopControllers().finally(() => (this.options.onLostLeadership ?? exitOnLostLeadership(this.log))());
        },
      });
      this.elector.start();
    } else {
      void this.startLeading();
    }
  }

  /** Graceful stop: no new work, in-flight reconciles finish (bounded), lease released, servers closed. */
  stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  /** Workers start only once every cache is synced: a reconcile must never mistake an unsynced cache for absent objects. */
  private async startLeading(): Promise<void> {
    const informers = [...this.informers.values()];
    const stillLeading = () => this.state === 'running' && (this.elector?.isLeader() ?? true);
    while (stillLeading() && !informers.every((i) => i.hasSynced())) await sleep(100);
    if (!stillLeading()) return;
    this.leading = true;
    for (const controller of this.controllers) controller.start();
  }

  private async stopControllers(): Promise<void> {
    const grace = this.options.shutdownGraceMs ?? 25_000;
    const results = await Promise.all(this.controllers.map((c) => c.stop(grace)));
    if (results.includes(false)) this.log.warn({ graceMs: grace }, 'reconciles still running after the grace period');
  }

  private async shutdown(): Promise<void> {
    this.state = 'stopping';
    this.leading = false;
    await this.stopControllers();
    await this.elector?.release();
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
    await Promise.all(this.servers.map((s) => s.close()));
    this.rest.close();
    this.state = 'stopped';
    this.removeSignalHandlers?.();
    this.resolveDone();
  }

  private async startServers(): Promise<void> {
    // In a pod (POD_IP from the downward API) ":port" binds the pod's address; locally, loopback.
    const host = process.env.POD_IP ? '' : '127.0.0.1';
    const metricsAddress = this.options.metricsBindAddress ?? process.env.METRICS_BIND_ADDRESS ?? `${host}:8080`;
    const probeAddress = this.options.healthProbeBindAddress ?? process.env.HEALTH_PROBE_BIND_ADDRESS ?? `${host}:8081`;
    const informers = () => [...this.informers.values()];
    const health: Check[] = [{ name: 'informers', ok: () => informers().every((i) => i.isHealthy()) }];
    const ready: Check[] = [
      { name: 'informers-synced', ok: () => informers().every((i) => i.hasSynced()) },
      { name: 'running', ok: () => this.state === 'running' },
    ];
    const same = metricsAddress && probeAddress && metricsAddress === probeAddress;
    if (metricsAddress) this.servers.push(new RuntimeServer({ address: parseBindAddress(metricsAddress), registry: this.metrics.registry, ...(same ? { healthChecks: health, readyChecks: ready } : {}) }));
    if (probeAddress && !same) this.servers.push(new RuntimeServer({ address: parseBindAddress(probeAddress), healthChecks: health, readyChecks: ready }));
    for (const server of this.servers) {
      const bound = await server.listen();
      this.log.info({ address: `${bound.host}:${bound.port}` }, 'serving');
    }
  }

  /** "host:port" of each server after start, metrics first. */
  get serverAddresses(): string[] {
    return this.servers.flatMap((s) => (s.bound ? [`${s.bound.host}:${s.bound.port}`] : []));
  }
}

function loadKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  return kc;
}

function exitOnLostLeadership(log: Logger): () => void {
  return () => {
    log.fatal('leadership lost; exiting so that only the leader acts');
    process.exit(1);
  };
}
