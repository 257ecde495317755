import { CoreV1Api, type KubeConfig, type V1Pod, type V1Service } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { type HostsPodIdentity, renderHostsFile } from './net/hosts-render.js';
import { rewriteInPlace } from './net/hosts-writer.js';
import { WatchedCollection, errorMessage } from './net/watched-collection.js';

const REFRESH_DEBOUNCE_MS = 100;

interface Registration {
  pod: HostsPodIdentity;
  path: string;
  /** Last content written, so unchanged files are not touched. */
  written?: string;
}

/** Keeps one hosts file per running pod in step with Pods and Services (the DNS stand-in). */
export class HostsFiles {
  private readonly pods: WatchedCollection<V1Pod>;
  private readonly services: WatchedCollection<V1Service>;
  private readonly registrations = new Map<string, Registration>();
  private refreshTimer: NodeJS.Timeout | undefined;
  private readonly log: Logger;

  constructor(kc: KubeConfig, log: Logger) {
    this.log = log.child({ component: 'hosts-files' });
    const core = kc.makeApiClient(CoreV1Api);
    const changed = () => this.scheduleRefresh();
    this.pods = new WatchedCollection<V1Pod>(
      kc,
      '/api/v1/pods',
      () => core.listPodForAllNamespaces(),
      this.log,
      changed,
    );
    this.services = new WatchedCollection<V1Service>(
      kc,
      '/api/v1/services',
      () => core.listServiceForAllNamespaces(),
      this.log,
      changed,
    );
  }

  async start(): Promise<void> {
    await Promise.all([this.pods.start(), this.services.start()]);
    this.refreshAll();
  }

  async stop(): Promise<void> {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    await Promise.all([this.pods.stop(), this.services.stop()]);
  }

  /**
   * Create and keep current the hosts file at `path` for this pod. The file exists when this
   * returns (so it can be bind-mounted right away), rendered from whatever is cached so far.
   */
  register(
    pod: { namespace: string; name: string; ip: string; hostname: string; subdomain?: string },
    path: string,
  ): void {
    const registration: Registration = { pod: { ...pod }, path };
    this.registrations.set(`${pod.namespace}/${pod.name}`, registration);
    this.write(registration);
  }

  unregister(namespace: string, name: string): void {
    this.registrations.delete(`${namespace}/${name}`);
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.refreshAll();
    }, REFRESH_DEBOUNCE_MS);
  }

  private refreshAll(): void {
    for (const registration of this.registrations.values()) this.write(registration);
  }

  private write(registration: Registration): void {
    const content = renderHostsFile(registration.pod, this.services.list(), this.pods.list());
    if (content === registration.written) return;
    try {
      rewriteInPlace(registration.path, content);
      registration.written = content;
    } catch (err) {
      const { namespace, name } = registration.pod;
      this.log.warn({ pod: `${namespace}/${name}`, err: errorMessage(err) }, 'hosts file not written');
    }
  }
}
