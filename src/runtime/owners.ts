import type { KubernetesObject, V1OwnerReference } from '@kubernetes/client-node';
import { groupOfApiVersion, objectKey, type ResourceRef } from './resources.js';

export const INSTANCE_LABEL = 'app.kubernetes.io/instance';

/** The controller owner reference for `owner` (garbage collection + blockOwnerDeletion). */
export function controllerReference(owner: KubernetesObject): V1OwnerReference {
  const { apiVersion, kind } = owner;
  const name = owner.metadata?.name;
  const uid = owner.metadata?.uid;
  if (!apiVersion || !kind || !name || !uid) {
    throw new Error('an owner needs apiVersion, kind, metadata.name and metadata.uid (use the object read from the API server)');
  }
  return { apiVersion, kind, name, uid, controller: true, blockOwnerDeletion: true };
}

/** A copy of `obj` whose controller reference points at `owner` (other owner references are kept). */
export function withControllerReference<T extends KubernetesObject>(obj: T, owner: KubernetesObject): T {
  const reference = controllerReference(owner);
  const others = (obj.metadata?.ownerReferences ?? []).filter((r) => r.uid !== reference.uid && !r.controller);
  return { ...obj, metadata: { ...obj.metadata, ownerReferences: [...others, reference] } };
}

export function controllerOf(obj: KubernetesObject): V1OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller);
}

/**
 * Keys of the primary objects an owned object belongs to: its controller owner when that is
 * of the primary kind, otherwise the `app.kubernetes.io/instance` label (e.g. Pods, whose
 * owner is the StatefulSet, or objects that lost their owner reference).
 */
export function ownerKeysFor(obj: KubernetesObject, primary: ResourceRef, instanceLabel = INSTANCE_LABEL): string[] {
  const namespace = obj.metadata?.namespace;
  const owner = controllerOf(obj);
  if (owner && owner.kind === primary.kind && groupOfApiVersion(owner.apiVersion) === primary.group) {
    return [objectKey(namespace, owner.name)];
  }
  const instance = obj.metadata?.labels?.[instanceLabel];
  return instance ? [objectKey(namespace, instance)] : [];
}
