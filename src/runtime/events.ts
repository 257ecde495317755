import { randomBytes } from 'node:crypto';
import {
  EventsV1Api,
  PatchStrategy,
  V1MicroTime,
  setHeaderOptions,
  type EventsV1Event,
  type KubeConfig,
  type KubernetesObject,
  type V1ObjectReference,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { redactText } from './redact.js';
import { fromClientError } from './errors.js';

export type EventType = 'Normal' | 'Warning';

export interface EventInput {
  type: EventType;
  /** CamelCase machine-readable cause, e.g. "BootstrapStarted". */
  reason: string;
  /** What the controller did or is doing, e.g. "Bootstrap". */
  action: string;
  /** Human-readable; scrubbed of secrets and cut to the API's 1 kB limit. */
  note: string;
}

export interface EventRecorderOptions {
  /** reportingController, e.g. "galera-operator.example.io/controller". */
  controller: string;
  /** reportingInstance: this process (pod name or host). */
  instance: string;
  log: Logger;
  /** A repeat within this window joins the existing event's series. */
  seriesWindowMs?: number;
  /** Repeats are counted locally and written at most this often. */
  minPatchIntervalMs?: number;
  maxTracked?: number;
}

interface Tracked {
  name: string;
  namespace: string;
  count: number;
  lastSeen: number;
  lastWritten: number;
}

const NOTE_LIMIT = 1024;

function referenceTo(obj: KubernetesObject): V1ObjectReference {
  const meta = obj.metadata ?? {};
  return { apiVersion: obj.apiVersion, kind: obj.kind, name: meta.name, namespace: meta.namespace, uid: meta.uid, resourceVersion: meta.resourceVersion };
}

export function eventNote(note: string): string {
  const clean = redactText(note);
  return Buffer.byteLength(clean) <= NOTE_LIMIT ? clean : `${Buffer.from(clean).subarray(0, NOTE_LIMIT - 3).toString('utf8').replace(/\uFFFD+$/, '')}...`;
}

/**
 * Emits events.k8s.io/v1 Events. An identical event (same object, type, reason, action and
 * note) repeated within the series window updates the first one's `series.count` instead of
 * creating another object. Failures are logged, never thrown: events are best effort.
 */
export class EventRecorder {
  private readonly api: EventsV1Api;
  private readonly tracked = new Map<string, Tracked>();
  private readonly seriesWindowMs: number;
  private readonly minPatchIntervalMs: number;
  private readonly maxTracked: number;

  constructor(kubeConfig: KubeConfig, private readonly options: EventRecorderOptions) {
    this.api = kubeConfig.makeApiClient(EventsV1Api);
    this.seriesWindowMs = options.seriesWindowMs ?? 10 * 60_000;
    this.minPatchIntervalMs = options.minPatchIntervalMs ?? 5_000;
    this.maxTracked = options.maxTracked ?? 2_000;
  }

  async emit(regarding: KubernetesObject, input: EventInput): Promise<void> {
    const note = eventNote(input.note);
    const namespace = regarding.metadata?.namespace || 'default';
    const id = [regarding.metadata?.uid ?? `${namespace}/${regarding.metadata?.name}`, input.type, input.reason, input.action, note].join('\u0000');
    const now = Date.now();
    const seen = this.tracked.get(id);
    try {
      if (seen && now - seen.lastSeen <= this.seriesWindowMs) {
        seen.count += 1;
        seen.lastSeen = now;
        if (now - seen.lastWritten >= this.minPatchIntervalMs) await this.writeSeries(seen, now);
        return;
      }
      const created = await this.create(regarding, namespace, input, note, now);
      this.track(id, { name: created, namespace, count: 1, lastSeen: now, lastWritten: now });
    } catch (err) {
      this.options.log.warn({ err: fromClientError(err), reason: input.reason }, 'could not record event');
    }
  }

  private async create(regarding: KubernetesObject, namespace: string, input: EventInput, note: string, now: number): Promise<string> {
    const name = `${regarding.metadata?.name ?? 'event'}.${now.toString(16)}${randomBytes(3).toString('hex')}`;
    const body: EventsV1Event = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name, namespace },
      eventTime: new V1MicroTime(now),
      type: input.type,
      reason: input.reason,
      action: input.action,
      note,
      regarding: referenceTo(regarding),
      reportingController: this.options.controller,
      reportingInstance: this.options.instance,
    };
    await this.api.createNamespacedEvent({ namespace, body });
    return name;
  }

  private async writeSeries(seen: Tracked, now: number): Promise<void> {
    const body = { series: { count: seen.count, lastObservedTime: new V1MicroTime(now) } };
    await this.api.patchNamespacedEvent(
      { name: seen.name, namespace: seen.namespace, body },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    seen.lastWritten = now;
  }

  private track(id: string, entry: Tracked): void {
    this.tracked.set(id, entry);
    if (this.tracked.size <= this.maxTracked) return;
    const oldest = this.tracked.keys().next().value;
    if (oldest !== undefined) this.tracked.delete(oldest);
  }
}
