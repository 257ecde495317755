import type { KubeRest } from './rest.js';
import type { ResourceRef } from './resources.js';

interface APIResourceList {
  resources: Array<{ name: string; kind: string; namespaced: boolean }>;
}

/** Maps apiVersion+kind to the REST resource (plural, scope) via API discovery, cached. */
export class Discovery {
  private readonly cache = new Map<string, APIResourceList>();

  constructor(private readonly rest: KubeRest) {}

  async resourceFor(apiVersion: string, kind: string): Promise<ResourceRef> {
    const slash = apiVersion.indexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
    const find = (list: APIResourceList | undefined) => list?.resources.find((r) => r.kind === kind && !r.name.includes('/'));
    let found = find(this.cache.get(apiVersion));
    if (!found) {
      // Unknown so far, or a CRD installed after the last look: ask again.
      const list = await this.rest.get<APIResourceList>(group ? `/apis/${apiVersion}` : `/api/${version}`);
      this.cache.set(apiVersion, list);
      found = find(list);
    }
    if (!found) throw new Error(`the API server does not serve kind ${kind} in ${apiVersion}`);
    return { group, version, plural: found.name, kind, namespaced: found.namespaced };
  }
}
