import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { Discovery } from './discovery.js';
import { KubeRest } from './rest.js';
import { resourcePath } from './resources.js';

export interface ApplyOptions {
  fieldManager: string;
  /** Take over fields owned by other managers instead of failing with a ConflictError. */
  force?: boolean;
  dryRun?: boolean;
}

/**
 * Server-side apply of any kind, sent as plain JSON (the typed serializers of client-node
 * would drop fields they do not model, such as `x-kubernetes-*` keys in a CRD schema).
 * The object should carry only the fields this manager wants to own: fields it owned before
 * and leaves out are removed by the API server. Conflicts with other managers surface as
 * ConflictError (unless `force`).
 */
export class Applier {
  private readonly rest: KubeRest;
  private readonly discovery: Discovery;

  constructor(kubeConfig: KubeConfig, rest = new KubeRest(kubeConfig)) {
    this.rest = rest;
    this.discovery = new Discovery(this.rest);
  }

  close(): void {
    this.rest.close();
  }

  private async pathOf(obj: KubernetesObject): Promise<string> {
    if (!obj.apiVersion || !obj.kind || !obj.metadata?.name) throw new Error('apply needs apiVersion, kind and metadata.name');
    const resource = await this.discovery.resourceFor(obj.apiVersion, obj.kind);
    if (resource.namespaced && !obj.metadata.namespace) throw new Error(`${obj.kind} ${obj.metadata.name} needs metadata.namespace`);
    return resourcePath(resource, obj.metadata.namespace, obj.metadata.name);
  }

  async apply<T extends KubernetesObject>(obj: T, options: ApplyOptions): Promise<T> {
    const path = await this.pathOf(obj);
    const { managedFields: _managed, resourceVersion: _rv, ...metadata } = obj.metadata ?? {};
    return this.rest.request<T>('PATCH', path, {
      query: { fieldManager: options.fieldManager, force: options.force ? true : undefined, dryRun: options.dryRun ? 'All' : undefined },
      body: { ...obj, metadata },
      contentType: 'application/apply-patch+yaml', // JSON is valid YAML
    });
  }

  async delete(obj: KubernetesObject, propagationPolicy: 'Background' | 'Foreground' | 'Orphan' = 'Background'): Promise<void> {
    const path = await this.pathOf(obj);
    await this.rest.request('DELETE', path, { body: { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy } });
  }
}
