/** Files of configMap, secret, downwardAPI and projected volumes. Pure: objects are fetched by the caller. */
import type { V1DownwardAPIVolumeFile, V1KeyToPath, V1Pod, V1Volume } from '@kubernetes/client-node';
import type { ObjectLookup } from './env.js';
import { fieldPathValue, resourceFieldValue, type PodAddresses } from './fieldpath.js';

export interface ProjectedFile {
  path: string;
  data: Buffer;
  mode: number;
}

export type Projection = { ok: true; files: ProjectedFile[] } | { ok: false; message: string };

export interface ProjectionSources extends PodAddresses {
  configMaps: ObjectLookup;
  secrets: ObjectLookup;
  /** Service-account tokens, keyed by the projected path they go to. */
  tokens: ReadonlyMap<string, string>;
}

const DEFAULT_MODE = 0o644;

export const PROJECTED_KINDS = ['configMap', 'secret', 'downwardAPI', 'projected'] as const;

function keyedFiles(
  kind: string, name: string | undefined, lookup: ObjectLookup, items: V1KeyToPath[] | undefined,
  optional: boolean | undefined, mode: number,
): Projection {
  const data = lookup.get(name ?? '');
  if (data == null) return optional ? { ok: true, files: [] } : { ok: false, message: `${kind} "${name}" not found` };
  if (!items?.length) {
    return { ok: true, files: Object.entries(data).map(([key, value]) => ({ path: key, data: value, mode })) };
  }
  const files: ProjectedFile[] = [];
  for (const item of items) {
    const value = data[item.key];
    if (value === undefined) {
      if (optional) continue;
      return { ok: false, message: `${kind} "${name}" has no key ${item.key}` };
    }
    files.push({ path: item.path, data: value, mode: item.mode ?? mode });
  }
  return { ok: true, files };
}

function downwardFiles(pod: V1Pod, addr: PodAddresses, items: V1DownwardAPIVolumeFile[], mode: number): Projection {
  const files: ProjectedFile[] = [];
  for (const item of items) {
    let value: string | undefined;
    if (item.fieldRef) value = fieldPathValue(pod, addr, item.fieldRef.fieldPath);
    else if (item.resourceFieldRef) {
      const container = pod.spec?.containers.find((c) => c.name === item.resourceFieldRef?.containerName);
      value = resourceFieldValue(container, item.resourceFieldRef);
    }
    if (value === undefined) return { ok: false, message: `downwardAPI ${item.path}: unsupported field` };
    files.push({ path: item.path, data: Buffer.from(value), mode: item.mode ?? mode });
  }
  return { ok: true, files };
}

function concat(parts: Projection[]): Projection {
  const files: ProjectedFile[] = [];
  for (const p of parts) {
    if (!p.ok) return p;
    files.push(...p.files);
  }
  return { ok: true, files };
}

export function projectVolume(volume: V1Volume, pod: V1Pod, src: ProjectionSources): Projection {
  if (volume.configMap) {
    const v = volume.configMap;
    return keyedFiles('configmap', v.name, src.configMaps, v.items, v.optional, v.defaultMode ?? DEFAULT_MODE);
  }
  if (volume.secret) {
    const v = volume.secret;
    return keyedFiles('secret', v.secretName, src.secrets, v.items, v.optional, v.defaultMode ?? DEFAULT_MODE);
  }
  if (volume.downwardAPI) {
    return downwardFiles(pod, src, volume.downwardAPI.items ?? [], volume.downwardAPI.defaultMode ?? DEFAULT_MODE);
  }
  if (volume.projected) {
    const mode = volume.projected.defaultMode ?? DEFAULT_MODE;
    return concat((volume.projected.sources ?? []).map((s): Projection => {
      if (s.configMap) return keyedFiles('configmap', s.configMap.name, src.configMaps, s.configMap.items, s.configMap.optional, mode);
      if (s.secret) return keyedFiles('secret', s.secret.name, src.secrets, s.secret.items, s.secret.optional, mode);
      if (s.downwardAPI) return downwardFiles(pod, src, s.downwardAPI.items ?? [], mode);
      if (s.serviceAccountToken) {
        const token = src.tokens.get(s.serviceAccountToken.path);
        if (token === undefined) return { ok: false, message: `no token yet for ${s.serviceAccountToken.path}` };
        return { ok: true, files: [{ path: s.serviceAccountToken.path, data: Buffer.from(token), mode }] };
      }
      return { ok: false, message: 'unsupported projected volume source (only configMap, secret, downwardAPI, serviceAccountToken)' };
    }));
  }
  return { ok: false, message: `volume ${volume.name} is not a projected kind` };
}

/** ConfigMaps and Secrets the pod's volumes refer to. */
export function volumeReferences(pod: V1Pod): { configMaps: Set<string>; secrets: Set<string> } {
  const configMaps = new Set<string>();
  const secrets = new Set<string>();
  for (const v of pod.spec?.volumes ?? []) {
    if (v.configMap?.name) configMaps.add(v.configMap.name);
    if (v.secret?.secretName) secrets.add(v.secret.secretName);
    for (const s of v.projected?.sources ?? []) {
      if (s.configMap?.name) configMaps.add(s.configMap.name);
      if (s.secret?.name) secrets.add(s.secret.name);
    }
  }
  return { configMaps, secrets };
}
