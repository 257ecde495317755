/**
 * Writes pod.status through the status subresource, like a kubelet: a strategic merge patch
 * (conditions and containerStatuses merge by key), only when the computed status changed.
 */
import type { CoreV1Api } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { errorMessage, isNotFound, strategicMerge } from './k8s.js';
import type { PodIdentity } from './pod-paths.js';
import { buildPodStatus, type PodCondition, type PodSnapshot } from './pod-status.js';

const DEBOUNCE_MS = 100;
const RETRY_MS = 1_000;

export class StatusWriter {
  private lastWritten = '';
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly core: CoreV1Api,
    private readonly id: PodIdentity,
    private readonly snapshot: PodSnapshot,
    private readonly log: Logger,
  ) {}

  setPreviousConditions(conditions: readonly PodCondition[]): void {
    const ours = new Set(['PodReadyToStartContainers', 'Initialized', 'ContainersReady', 'Ready']);
    const kept = this.snapshot.previousConditions.filter((c) => ours.has(c.type));
    this.snapshot.previousConditions = [...kept, ...conditions.filter((c) => !ours.has(c.type))];
    this.schedule();
  }

  schedule(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.publishNow();
    }, DEBOUNCE_MS);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Publish now (serialised behind any write in flight). */
  publishNow(): Promise<void> {
    this.chain = this.chain.then(() => this.write());
    return this.chain;
  }

  private async write(): Promise<void> {
    if (this.stopped) return;
    const status = buildPodStatus(this.snapshot, new Date());
    const json = JSON.stringify(status);
    if (json === this.lastWritten) return;
    try {
      await this.core.patchNamespacedPodStatus(
        { name: this.id.name, namespace: this.id.namespace, body: { metadata: { uid: this.id.uid }, status } },
        strategicMerge,
      );
      this.lastWritten = json;
      this.snapshot.previousConditions = [
        ...(status.conditions as PodCondition[]),
        ...this.snapshot.previousConditions.filter((c) => !(status.conditions as PodCondition[]).some((n) => n.type === c.type)),
      ];
      this.log.debug({ phase: status.phase }, 'pod status written');
    } catch (err) {
      if (isNotFound(err)) {
        this.stopped = true;
        return;
      }
      this.log.warn({ err: errorMessage(err) }, 'pod status write failed; retrying');
      setTimeout(() => this.schedule(), RETRY_MS).unref();
    }
  }
}
