import { basename, dirname, join, resolve } from 'node:path';
import type {
  V1PersistentVolume,
  V1PersistentVolumeClaim,
  V1StorageClass,
} from '@kubernetes/client-node';
import { parseQuantity } from './quantity.js';

export const STORAGE_CLASS_NAME = 'local';
export const PROVISIONER_NAME = 'local.galera-operator.dev/hostpath';
/** Set on every PV this provisioner creates; the PV controller then leaves deletion to us. */
export const PROVISIONED_BY_ANNOTATION = 'pv.kubernetes.io/provisioned-by';
const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';

export function buildStorageClass(): V1StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: STORAGE_CLASS_NAME, annotations: { [DEFAULT_CLASS_ANNOTATION]: 'true' } },
    provisioner: PROVISIONER_NAME,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'Immediate',
    allowVolumeExpansion: true,
  };
}

export function volumeNameFor(pvc: V1PersistentVolumeClaim): string {
  return `pvc-${pvc.metadata!.uid!}`;
}

/** Every volume is one directory directly under volumesDir, named by the claim's UID. */
export function volumeDirFor(volumesDir: string, pvc: V1PersistentVolumeClaim): string {
  return join(resolve(volumesDir), pvc.metadata!.uid!);
}

/** A claim of our class still waiting for a volume (Block mode is not something a directory can be). */
export function claimNeedsVolume(pvc: V1PersistentVolumeClaim): boolean {
  return (
    !!pvc.metadata?.uid &&
    !pvc.metadata.deletionTimestamp &&
    pvc.spec?.storageClassName === STORAGE_CLASS_NAME &&
    !pvc.spec.volumeName &&
    pvc.spec.volumeMode !== 'Block' &&
    (pvc.status?.phase ?? 'Pending') === 'Pending'
  );
}

/**
 * The volume for a claim, pre-bound through claimRef so the PV controller in
 * kube-controller-manager completes the binding. Directories are shared by every Node object,
 * since all of them are this one machine, so no node affinity is set.
 */
export function buildPersistentVolume(pvc: V1PersistentVolumeClaim, volumesDir: string): V1PersistentVolume {
  const request = pvc.spec?.resources?.requests?.['storage'] ?? '1Gi';
  const accessModes = pvc.spec?.accessModes?.length ? [...pvc.spec.accessModes] : ['ReadWriteOnce'];
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: {
      name: volumeNameFor(pvc),
      annotations: { [PROVISIONED_BY_ANNOTATION]: PROVISIONER_NAME },
    },
    spec: {
      capacity: { storage: request },
      accessModes,
      volumeMode: 'Filesystem',
      persistentVolumeReclaimPolicy: 'Delete',
      storageClassName: STORAGE_CLASS_NAME,
      hostPath: { path: volumeDirFor(volumesDir, pvc), type: 'DirectoryOrCreate' },
      claimRef: {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        namespace: pvc.metadata!.namespace!,
        name: pvc.metadata!.name!,
        uid: pvc.metadata!.uid!,
      },
    },
  };
}

/** One of ours whose claim is gone and whose policy says its data goes with it. */
export function volumeToReclaim(pv: V1PersistentVolume): boolean {
  return (
    pv.metadata?.annotations?.[PROVISIONED_BY_ANNOTATION] === PROVISIONER_NAME &&
    !pv.metadata.deletionTimestamp &&
    pv.spec?.persistentVolumeReclaimPolicy === 'Delete' &&
    pv.status?.phase === 'Released'
  );
}

/**
 * The directory to remove for a reclaimed volume, or undefined when the PV's path is not one
 * this provisioner could have made (never delete anything outside volumesDir).
 */
export function reclaimableDir(pv: V1PersistentVolume, volumesDir: string): string | undefined {
  const path = pv.spec?.hostPath?.path;
  if (!path) return undefined;
  const dir = resolve(path);
  const name = basename(dir);
  if (dirname(dir) !== resolve(volumesDir) || name === '' || name.startsWith('.')) return undefined;
  return dir;
}

/**
 * The size a bound claim of ours has been grown to, when its volume or its reported capacity
 * is still smaller; undefined otherwise. A directory has no size to change, so expanding is
 * only bookkeeping: PV capacity and the claim's status.
 */
export function requestedExpansion(pvc: V1PersistentVolumeClaim, pv: V1PersistentVolume): string | undefined {
  const ours = pv.metadata?.annotations?.[PROVISIONED_BY_ANNOTATION] === PROVISIONER_NAME;
  const bound =
    pvc.status?.phase === 'Bound' &&
    pvc.spec?.volumeName === pv.metadata?.name &&
    pv.spec?.claimRef?.uid === pvc.metadata?.uid;
  if (!ours || !bound) return undefined;
  const requestText = pvc.spec?.resources?.requests?.['storage'];
  const request = parseQuantity(requestText);
  if (request === undefined) return undefined;
  const volumeSize = parseQuantity(pv.spec?.capacity?.['storage']) ?? 0;
  const reported = parseQuantity(pvc.status?.capacity?.['storage']) ?? 0;
  return request > volumeSize || request > reported ? requestText : undefined;
}
