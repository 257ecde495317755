import { KubernetesObjectApi, PatchStrategy, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { fromClientError } from './errors.js';

export interface ApplyOptions {
  fieldManager: string;
  /** Take over fields owned by other managers instead of failing with a ConflictError. */
  force?: boolean;
  dryRun?: boolean;
}

/**
 * Server-side apply of any kind. The object should carry only the fields this manager wants
 * to own: fields it owned before and leaves out are removed by the API server.
 * Conflicts with other managers surface as ConflictError (unless `force`).
 */
export class Applier {
  private readonly api: KubernetesObjectApi;

  constructor(kubeConfig: KubeConfig) {
    this.api = KubernetesObjectApi.makeApiClient(kubeConfig);
  }

  async apply<T extends KubernetesObject>(obj: T, options: ApplyOptions): Promise<T> {
    if (!obj.apiVersion || !obj.kind || !obj.metadata?.name) {
      throw new Error('apply needs apiVersion, kind and metadata.name');
    }
    const { managedFields: _managed, resourceVersion: _rv, ...metadata } = obj.metadata;
    try {
      return await this.api.patch<T>(
        { ...obj, metadata },
        undefined,
        options.dryRun ? 'All' : undefined,
        options.fieldManager,
        options.force ?? false,
        PatchStrategy.ServerSideApply,
      );
    } catch (err) {
      throw fromClientError(err);
    }
  }

  async delete(obj: KubernetesObject, propagationPolicy: 'Background' | 'Foreground' | 'Orphan' = 'Background'): Promise<void> {
    try {
      await this.api.delete(obj, undefined, undefined, undefined, undefined, propagationPolicy);
    } catch (err) {
      throw fromClientError(err);
    }
  }
}
