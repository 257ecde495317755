import { chmod, mkdir, rm } from 'node:fs/promises';
import {
  ApiException,
  CoreV1Api,
  type KubeConfig,
  PatchStrategy,
  StorageV1Api,
  type V1PersistentVolume,
  type V1PersistentVolumeClaim,
  setHeaderOptions,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { WatchedCollection, errorMessage } from './net/watched-collection.js';
import {
  PROVISIONER_NAME,
  STORAGE_CLASS_NAME,
  buildPersistentVolume,
  buildStorageClass,
  claimNeedsVolume,
  reclaimableDir,
  requestedExpansion,
  volumeDirFor,
  volumeNameFor,
  volumeToReclaim,
} from './storage/volumes.js';

const RECONCILE_DEBOUNCE_MS = 100;
const RESYNC_INTERVAL_MS = 15_000;
const STORAGE_CLASS_RETRY_MS = 2_000;
const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

function statusOf(err: unknown): number | undefined {
  return err instanceof ApiException ? err.code : undefined;
}

/**
 * Dynamic provisioning into host directories: the default StorageClass `local`, one directory
 * and one pre-bound PV per pending claim, and deletion of both once the claim is gone.
 */
export class LocalProvisioner {
  private readonly core: CoreV1Api;
  private readonly storage: StorageV1Api;
  private readonly claims: WatchedCollection<V1PersistentVolumeClaim>;
  private readonly volumes: WatchedCollection<V1PersistentVolume>;
  private readonly inFlight = new Set<string>();
  private readonly log: Logger;
  private readonly volumesDir: string;
  private reconcileTimer: NodeJS.Timeout | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private stopped = true;

  constructor(kc: KubeConfig, log: Logger, opts: { volumesDir: string }) {
    this.log = log.child({ component: 'local-provisioner' });
    this.volumesDir = opts.volumesDir;
    this.core = kc.makeApiClient(CoreV1Api);
    this.storage = kc.makeApiClient(StorageV1Api);
    const changed = () => this.scheduleReconcile();
    this.claims = new WatchedCollection<V1PersistentVolumeClaim>(
      kc,
      '/api/v1/persistentvolumeclaims',
      () => this.core.listPersistentVolumeClaimForAllNamespaces(),
      this.log,
      changed,
    );
    this.volumes = new WatchedCollection<V1PersistentVolume>(
      kc,
      '/api/v1/persistentvolumes',
      () => this.core.listPersistentVolume(),
      this.log,
      changed,
    );
  }

  async start(): Promise<void> {
    this.stopped = false;
    await mkdir(this.volumesDir, { recursive: true });
    await this.ensureStorageClass();
    await Promise.all([this.claims.start(), this.volumes.start()]);
    await this.reconcile();
    this.resyncTimer = setInterval(() => void this.reconcile(), RESYNC_INTERVAL_MS);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconcileTimer);
    clearInterval(this.resyncTimer);
    await Promise.all([this.claims.stop(), this.volumes.stop()]);
  }

  /** Create the default class, retrying while the API server is not answering yet. */
  private async ensureStorageClass(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.storage.createStorageClass({ body: buildStorageClass() });
        this.log.info({ storageClass: STORAGE_CLASS_NAME }, 'storage class created');
        return;
      } catch (err) {
        if (statusOf(err) === 409) {
          const existing = await this.storage.readStorageClass({ name: STORAGE_CLASS_NAME }).catch(() => undefined);
          if (existing && existing.provisioner !== PROVISIONER_NAME) {
            this.log.warn({ provisioner: existing.provisioner }, 'storage class "local" belongs to another provisioner');
          } else if (existing && !existing.allowVolumeExpansion) {
            // The only mutable field that matters; classes made by older agents lack it.
            await this.storage
              .patchStorageClass({ name: STORAGE_CLASS_NAME, body: { allowVolumeExpansion: true } }, MERGE_PATCH)
              .catch((e: unknown) => this.log.warn({ err: errorMessage(e) }, 'could not allow volume expansion'));
          }
          return;
        }
        this.log.warn({ err: errorMessage(err) }, 'storage class not created yet, retrying');
        await new Promise((r) => setTimeout(r, STORAGE_CLASS_RETRY_MS));
      }
    }
  }

  private scheduleReconcile(): void {
    if (this.reconcileTimer || this.stopped) return;
    this.reconcileTimer = setTimeout(() => {
      this.reconcileTimer = undefined;
      void this.reconcile();
    }, RECONCILE_DEBOUNCE_MS);
  }

  private async reconcile(): Promise<void> {
    if (this.stopped) return;
    const existing = new Set(this.volumes.list().map((pv) => pv.metadata?.name));
    const work: Promise<void>[] = [];
    for (const pvc of this.claims.list()) {
      if (claimNeedsVolume(pvc) && !existing.has(volumeNameFor(pvc))) {
        work.push(this.once(volumeNameFor(pvc), () => this.provision(pvc)));
      }
    }
    for (const pv of this.volumes.list()) {
      if (volumeToReclaim(pv)) work.push(this.once(pv.metadata!.name!, () => this.reclaim(pv)));
    }
    for (const pvc of this.claims.list()) {
      const pv = pvc.spec?.volumeName ? this.volumes.get(pvc.spec.volumeName) : undefined;
      const size = pv && requestedExpansion(pvc, pv);
      if (size) work.push(this.once(pv.metadata!.name!, () => this.expand(pvc, pv, size)));
    }
    await Promise.all(work);
  }

  /** Runs `task` unless one for the same volume is still running; failures wait for the next pass. */
  private async once(volumeName: string, task: () => Promise<void>): Promise<void> {
    if (this.inFlight.has(volumeName)) return;
    this.inFlight.add(volumeName);
    try {
      await task();
    } catch (err) {
      this.log.warn({ volume: volumeName, err: errorMessage(err) }, 'volume operation failed, will retry');
    } finally {
      this.inFlight.delete(volumeName);
    }
  }

  private async provision(pvc: V1PersistentVolumeClaim): Promise<void> {
    const dir = volumeDirFor(this.volumesDir, pvc);
    await mkdir(dir, { recursive: true });
    // Pods may run as any user; the directory is theirs to use (as with local-path provisioners).
    await chmod(dir, 0o777);
    const pv = buildPersistentVolume(pvc, this.volumesDir);
    try {
      await this.core.createPersistentVolume({ body: pv });
    } catch (err) {
      if (statusOf(err) !== 409) throw err;
    }
    this.log.info(
      { claim: `${pvc.metadata?.namespace}/${pvc.metadata?.name}`, volume: pv.metadata?.name, path: dir },
      'volume provisioned',
    );
  }

  /** Record a grown claim's new size on its volume and in the claim's status (no data moves). */
  private async expand(pvc: V1PersistentVolumeClaim, pv: V1PersistentVolume, size: string): Promise<void> {
    const name = pv.metadata!.name!;
    const namespace = pvc.metadata!.namespace!;
    const claim = pvc.metadata!.name!;
    await this.core.patchPersistentVolume({ name, body: { spec: { capacity: { storage: size } } } }, MERGE_PATCH);
    await this.core.patchNamespacedPersistentVolumeClaimStatus(
      { name: claim, namespace, body: { status: { capacity: { storage: size }, allocatedResources: { storage: size } } } },
      MERGE_PATCH,
    );
    this.log.info({ claim: `${namespace}/${claim}`, volume: name, size }, 'volume expanded');
  }

  private async reclaim(pv: V1PersistentVolume): Promise<void> {
    const name = pv.metadata!.name!;
    const dir = reclaimableDir(pv, this.volumesDir);
    if (dir) {
      await rm(dir, { recursive: true, force: true });
    } else {
      this.log.warn({ volume: name, path: pv.spec?.hostPath?.path }, 'path is outside the volumes directory; left in place');
    }
    try {
      await this.core.deletePersistentVolume({ name });
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
    }
    this.log.info({ volume: name, path: dir }, 'volume reclaimed');
  }
}
