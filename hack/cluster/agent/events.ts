/** Pod events as a kubelet records them (source component "kubelet", host = node name). */
import type { CoreV1Api, V1Pod } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { errorMessage, httpStatus } from './k8s.js';

export type EventType = 'Normal' | 'Warning';

/** Identical events for one pod are sent at most once per this interval. */
const REPEAT_INTERVAL_MS = 60_000;

export class EventRecorder {
  private readonly lastSent = new Map<string, number>();

  constructor(private readonly core: CoreV1Api, private readonly log: Logger) {}

  emit(pod: V1Pod, type: EventType, reason: string, message: string): void {
    const uid = pod.metadata?.uid ?? '';
    const key = `${uid}|${reason}|${message}`;
    const now = Date.now();
    if (now - (this.lastSent.get(key) ?? 0) < REPEAT_INTERVAL_MS) return;
    this.lastSent.set(key, now);
    this.send(pod, type, reason, message, now).catch((err: unknown) => {
      // A namespace being deleted refuses new events (403); that is expected while pods stop.
      const level = httpStatus(err) === 403 ? 'debug' : 'warn';
      this.log[level]({ err: errorMessage(err), reason }, 'could not record event');
    });
  }

  /** Emit only the first time for this pod (e.g. ignored fields). */
  emitOnce(pod: V1Pod, type: EventType, reason: string, message: string): void {
    const key = `${pod.metadata?.uid ?? ''}|${reason}|${message}`;
    if (this.lastSent.has(key)) return;
    this.emit(pod, type, reason, message);
    this.lastSent.set(key, Number.MAX_SAFE_INTEGER);
  }

  forget(uid: string): void {
    for (const key of this.lastSent.keys()) if (key.startsWith(`${uid}|`)) this.lastSent.delete(key);
  }

  private async send(pod: V1Pod, type: EventType, reason: string, message: string, now: number): Promise<void> {
    const namespace = pod.metadata?.namespace ?? 'default';
    const name = pod.metadata?.name ?? 'pod';
    const when = new Date(now);
    await this.core.createNamespacedEvent({
      namespace,
      body: {
        metadata: { name: `${name}.${now.toString(16)}${Math.random().toString(16).slice(2, 8)}`, namespace },
        involvedObject: { kind: 'Pod', apiVersion: 'v1', namespace, name, uid: pod.metadata?.uid },
        type,
        reason,
        message: message.slice(0, 1000),
        source: { component: 'kubelet', host: pod.spec?.nodeName },
        reportingComponent: 'kubelet',
        reportingInstance: pod.spec?.nodeName ?? '',
        firstTimestamp: when,
        lastTimestamp: when,
        count: 1,
      },
    });
  }
}
