import type { KubernetesObject } from '@kubernetes/client-node';
import type { KubeRest } from './rest.js';
import { resourcePath, type ResourceRef } from './resources.js';
import { carryTransitionTimes, statusUnchanged } from './status-diff.js';

export type Status = Record<string, unknown>;
export type WithStatus = KubernetesObject & { status?: Status };

export interface StatusWriteResult<T> {
  written: boolean;
  object?: T;
}

interface LastWrite {
  status: Status;
  resourceVersionBefore: string | undefined;
}

const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

/**
 * Writes the status subresource of one resource type, and only when it changed: the new
 * status is compared with the observed one (lastTransitionTime carried over for conditions
 * whose status did not change). A write that the cache has not caught up with yet is not
 * repeated. `observedGeneration` is filled from metadata.generation unless given.
 */
export class StatusWriter {
  private readonly lastWrites = new Map<string, LastWrite>();

  constructor(
    private readonly rest: KubeRest,
    private readonly resource: ResourceRef,
  ) {}

  async write<T extends WithStatus>(observed: T, desired: Status): Promise<StatusWriteResult<T>> {
    const meta = observed.metadata ?? {};
    if (!meta.name) throw new Error('status write needs the observed object');
    const withGeneration =
      desired.observedGeneration === undefined && meta.generation !== undefined ? { ...desired, observedGeneration: meta.generation } : desired;
    const next = carryTransitionTimes(withGeneration, observed.status);
    if (statusUnchanged(next, observed.status)) return { written: false };

    const id = meta.uid ?? `${meta.namespace}/${meta.name}`;
    const last = this.lastWrites.get(id);
    if (last && last.resourceVersionBefore === meta.resourceVersion && statusUnchanged(withGeneration, last.status)) {
      return { written: false };
    }
    const nextPlain = plain(next) as Status;

    const path = resourcePath(this.resource, meta.namespace, meta.name, 'status');
    const object = await this.rest.request<T>('PATCH', path, {
      body: [{ op: 'add', path: '/status', value: nextPlain }],
      contentType: 'application/json-patch+json',
    });
    this.lastWrites.set(id, { status: nextPlain, resourceVersionBefore: meta.resourceVersion });
    return { written: true, object };
  }

  /** Drops memory of an object (call when it is deleted). */
  forget(uid: string): void {
    this.lastWrites.delete(uid);
  }
}
