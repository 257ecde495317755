/**
 * Watches the pods bound to this agent's nodes and keeps one PodWorker per pod UID. After an
 * agent restart it cleans up what pods that no longer exist left behind.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { killRecorded } from './container-process.js';
import { WatchedCollection } from './net/watched-collection.js';
import { PodPaths, type PodIdentity } from './pod-paths.js';
import { PodWorker, type WorkerDeps } from './pod-worker.js';

/** A pod that vanished from the API (force-deleted) gets this long between SIGTERM and SIGKILL. */
const VANISHED_GRACE_MS = 2_000;

export class PodManager {
  private readonly workers = new Map<string, PodWorker>();
  /** Pods already stopped and cleaned up whose objects still linger (e.g. held by finalizers). */
  private readonly retired = new Set<string>();
  private readonly pods: WatchedCollection<V1Pod>;
  private readonly log: Logger;
  private stopping = false;

  constructor(
    private readonly deps: Omit<WorkerDeps, 'hostIP' | 'log'> & { log: Logger },
    private readonly nodeIPs: ReadonlyMap<string, string>,
  ) {
    this.log = deps.log.child({ component: 'pods' });
    const core = deps.clients.core;
    this.pods = new WatchedCollection<V1Pod>(deps.clients.kc, '/api/v1/pods',
      () => core.listPodForAllNamespaces({ fieldSelector: 'spec.nodeName!=' }), this.log,
      (pod, event) => (event === 'delete' ? this.vanished(pod) : this.observe(pod)));
  }

  async start(): Promise<void> {
    await this.pods.start();
    for (const pod of this.pods.list()) this.observe(pod);
    this.cleanupLeftovers();
  }

  /** Agent shutdown: stop watching; stop containers unless `keepPods`. */
  async stop(keepPods: boolean, graceCapMs: number): Promise<void> {
    this.stopping = true;
    await this.pods.stop();
    await Promise.all([...this.workers.values()].map((w) => w.shutdown(keepPods, graceCapMs)));
  }

  private observe(pod: V1Pod): void {
    const uid = pod.metadata?.uid;
    const hostIP = this.nodeIPs.get(pod.spec?.nodeName ?? '');
    if (this.stopping || !uid || !hostIP || this.retired.has(uid)) return;
    const existing = this.workers.get(uid);
    if (existing) {
      existing.update(pod);
      return;
    }
    const worker = new PodWorker(pod, { ...this.deps, hostIP, log: this.deps.log.child({ node: pod.spec?.nodeName }) });
    this.workers.set(uid, worker);
    if (pod.metadata?.deletionTimestamp) this.retire(worker, worker.terminate(true));
    else worker.start();
  }

  private vanished(pod: V1Pod): void {
    this.retired.delete(pod.metadata?.uid ?? '');
    const worker = this.workers.get(pod.metadata?.uid ?? '');
    if (worker && !this.stopping) this.retire(worker, worker.terminate(false, VANISHED_GRACE_MS));
  }

  private retire(worker: PodWorker, done: Promise<void>): void {
    void done.finally(() => {
      if (this.workers.get(worker.uid) !== worker) return;
      this.workers.delete(worker.uid);
      if (this.pods.list().some((p) => p.metadata?.uid === worker.uid)) this.retired.add(worker.uid);
    });
  }

  /** Kill and remove what pods that are gone left behind (processes, dirs, addresses). */
  private cleanupLeftovers(): void {
    const podsRoot = path.join(this.deps.stateDir, 'pods');
    const entries = fs.existsSync(podsRoot) ? fs.readdirSync(podsRoot) : [];
    for (const uid of entries) {
      if (this.workers.has(uid)) continue;
      let identity: (PodIdentity & { containers?: string[] }) | undefined;
      try {
        identity = JSON.parse(fs.readFileSync(path.join(podsRoot, uid, 'pod.json'), 'utf8')) as PodIdentity & { containers?: string[] };
      } catch {
        identity = undefined;
      }
      if (identity) {
        const paths = new PodPaths(this.deps.stateDir, identity);
        let killed = 0;
        for (const name of identity.containers ?? []) if (killRecorded(paths.container(name))) killed++;
        removeIfEmpty(paths.runDir); // a newer pod of the same name may own pid files there
        this.log.info({ pod: `${identity.namespace}/${identity.name}`, uid, killed }, 'cleaned up a pod that no longer exists');
      }
      fs.rmSync(path.join(podsRoot, uid), { recursive: true, force: true });
    }
    for (const uid of this.deps.ips.uids()) if (!this.workers.has(uid)) this.deps.ips.release(uid);
  }
}

function removeIfEmpty(dir: string): void {
  try {
    fs.rmdirSync(dir);
  } catch {
    /* not empty or already gone */
  }
}
