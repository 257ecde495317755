import { CoreV1Api, type KubeConfig, type V1Pod, type V1Service } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import {
  type Endpoint,
  type ListenerSpec,
  type PickState,
  affinitySeconds,
  desiredListeners,
  isLoopbackIPv4,
  newPickState,
  pickEndpoint,
  serviceEndpoints,
} from './net/endpoints.js';
import { PortForwarder } from './net/port-forwarder.js';
import { WatchedCollection, errorMessage } from './net/watched-collection.js';

const SYNC_DEBOUNCE_MS = 50;
/** Retries listeners that could not bind (e.g. a port still held by an old process). */
const RESYNC_INTERVAL_MS = 10_000;

interface ActiveListener {
  spec: ListenerSpec;
  forwarder: PortForwarder;
  pick: PickState;
}

/**
 * The kube-proxy stand-in: every ClusterIP is a loopback address, so each Service port becomes a
 * userspace TCP listener on clusterIP:port that forwards to a ready pod chosen per connection.
 */
export class ServiceProxy {
  private readonly pods: WatchedCollection<V1Pod>;
  private readonly services: WatchedCollection<V1Service>;
  private readonly active = new Map<string, ActiveListener>();
  private readonly binding = new Set<string>();
  private readonly reportedSkips = new Set<string>();
  private readonly apiServer: { host: string; port: number } | undefined;
  private readonly log: Logger;
  private syncTimer: NodeJS.Timeout | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private stopped = true;

  constructor(kc: KubeConfig, log: Logger, opts: { apiServer: { host: string; port: number } }) {
    this.log = log.child({ component: 'service-proxy' });
    if (isLoopbackIPv4(opts.apiServer.host)) {
      this.apiServer = { ...opts.apiServer };
    } else {
      this.log.error({ host: opts.apiServer.host }, 'API server address is outside 127.0.0.0/8; kubernetes Service not forwarded');
    }
    const core = kc.makeApiClient(CoreV1Api);
    this.pods = new WatchedCollection<V1Pod>(
      kc,
      '/api/v1/pods',
      () => core.listPodForAllNamespaces(),
      this.log,
      (pod, event) => {
        if (event === 'delete') this.dropConnectionsTo(pod);
      },
    );
    this.services = new WatchedCollection<V1Service>(
      kc,
      '/api/v1/services',
      () => core.listServiceForAllNamespaces(),
      this.log,
      () => this.scheduleSync(),
    );
  }

  async start(): Promise<void> {
    this.stopped = false;
    await Promise.all([this.pods.start(), this.services.start()]);
    await this.sync();
    this.resyncTimer = setInterval(() => void this.sync(), RESYNC_INTERVAL_MS);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.syncTimer);
    clearInterval(this.resyncTimer);
    await Promise.all([this.pods.stop(), this.services.stop()]);
    const closing = [...this.active.values()].map((l) => l.forwarder.close());
    this.active.clear();
    await Promise.all(closing);
  }

  private scheduleSync(): void {
    if (this.syncTimer || this.stopped) return;
    this.syncTimer = setTimeout(() => {
      this.syncTimer = undefined;
      void this.sync();
    }, SYNC_DEBOUNCE_MS);
  }

  /** Bring the set of listeners in line with the Services. */
  private async sync(): Promise<void> {
    if (this.stopped) return;
    const { listeners, skipped } = desiredListeners(this.services.list());
    this.reportSkipped(skipped);
    const wanted = new Map(listeners.map((spec) => [spec.key, spec]));

    const removals: Promise<void>[] = [];
    for (const [key, listener] of this.active) {
      const spec = wanted.get(key);
      if (spec && spec.namespace === listener.spec.namespace && spec.service === listener.spec.service) {
        listener.spec = spec; // same address, possibly renamed port: keep connections
        continue;
      }
      this.active.delete(key);
      this.log.info({ listener: key, service: `${listener.spec.namespace}/${listener.spec.service}` }, 'listener removed');
      removals.push(listener.forwarder.close());
    }
    await Promise.all(removals);

    const additions = listeners.filter((spec) => !this.active.has(spec.key) && !this.binding.has(spec.key));
    await Promise.all(additions.map((spec) => this.open(spec)));
  }

  private async open(spec: ListenerSpec): Promise<void> {
    this.binding.add(spec.key);
    const listener: ActiveListener = {
      spec,
      pick: newPickState(),
      forwarder: new PortForwarder(spec.ip, spec.port, (clientIp) => this.choose(listener, clientIp), this.log),
    };
    try {
      await listener.forwarder.listen();
      if (this.stopped) {
        await listener.forwarder.close();
        return;
      }
      this.active.set(spec.key, listener);
      this.log.info({ listener: spec.key, service: `${spec.namespace}/${spec.service}` }, 'listening');
      this.scheduleSync(); // the Service may have changed while binding
    } catch (err) {
      this.log.warn({ listener: spec.key, err: errorMessage(err) }, 'cannot listen yet, will retry');
    } finally {
      this.binding.delete(spec.key);
    }
  }

  private choose(listener: ActiveListener, clientIp: string): Endpoint | undefined {
    const { namespace, service, portId } = listener.spec;
    const svc = this.services.get(service, namespace);
    if (!svc) return undefined;
    const endpoints = serviceEndpoints(svc, portId, this.pods.list(), this.apiServer);
    const chosen = pickEndpoint(endpoints, listener.pick, { ip: clientIp, now: Date.now() }, affinitySeconds(svc));
    if (!chosen) this.log.debug({ service: `${namespace}/${service}`, port: portId }, 'no ready endpoint; connection rejected');
    return chosen;
  }

  private dropConnectionsTo(pod: V1Pod): void {
    const uid = pod.metadata?.uid;
    if (!uid) return;
    for (const listener of this.active.values()) {
      const closed = listener.forwarder.closeConnectionsTo(uid);
      if (closed > 0) this.log.info({ pod: `${pod.metadata?.namespace}/${pod.metadata?.name}`, closed }, 'closed connections to deleted pod');
    }
  }

  private reportSkipped(skipped: { service: string; port: number; reason: string }[]): void {
    for (const s of skipped) {
      const id = `${s.service}:${s.port}:${s.reason}`;
      if (this.reportedSkips.has(id)) continue;
      this.reportedSkips.add(id);
      this.log.info(s, 'service port not proxied');
    }
  }
}
