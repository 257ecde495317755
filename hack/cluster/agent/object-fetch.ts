/** Fetches the ConfigMaps and Secrets a pod refers to (for env and volumes). */
import type { CoreV1Api } from '@kubernetes/client-node';
import type { KeyedData } from './env.js';
import { decodeData, isNotFound } from './k8s.js';

export interface FetchedObjects {
  configMaps: Map<string, KeyedData | null>;
  secrets: Map<string, KeyedData | null>;
}

export async function fetchObjects(
  core: CoreV1Api, namespace: string, refs: { configMaps: Iterable<string>; secrets: Iterable<string> },
): Promise<FetchedObjects> {
  const out: FetchedObjects = { configMaps: new Map(), secrets: new Map() };
  for (const name of refs.configMaps) {
    try {
      const cm = await core.readNamespacedConfigMap({ name, namespace });
      out.configMaps.set(name, decodeData(cm.data, false, cm.binaryData));
    } catch (err) {
      if (!isNotFound(err)) throw err;
      out.configMaps.set(name, null);
    }
  }
  for (const name of refs.secrets) {
    try {
      const secret = await core.readNamespacedSecret({ name, namespace });
      out.secrets.set(name, decodeData(secret.data, true));
    } catch (err) {
      if (!isNotFound(err)) throw err;
      out.secrets.set(name, null);
    }
  }
  return out;
}

export function mergeRefs(...refs: { configMaps: Set<string>; secrets: Set<string> }[]): { configMaps: Set<string>; secrets: Set<string> } {
  return {
    configMaps: new Set(refs.flatMap((r) => [...r.configMaps])),
    secrets: new Set(refs.flatMap((r) => [...r.secrets])),
  };
}
