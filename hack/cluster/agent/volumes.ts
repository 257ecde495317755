/**
 * A pod's volumes on this machine: PVCs resolve to their bound PV's directory, hostPath is used
 * as is, emptyDir is a per-pod directory, and configMap/secret/downwardAPI/projected volumes
 * are projected into per-pod directories and kept current by refresh().
 */
import fs from 'node:fs';
import path from 'node:path';
import type { V1Pod, V1Volume } from '@kubernetes/client-node';
import type { Clients } from './k8s.js';
import { fetchObjects } from './object-fetch.js';
import type { PodAddresses } from './fieldpath.js';
import { projectVolume, volumeReferences } from './projection.js';
import { writeProjectedFiles } from './projected-writer.js';

export type VolumeResult = { ok: true; paths: Map<string, string> } | { ok: false; reason: string; message: string };

interface IssuedToken {
  token: string;
  refreshAt: number;
}

/** Tokens are renewed at 80% of their lifetime, as a kubelet does. */
const TOKEN_REFRESH_FRACTION = 0.8;

export class PodVolumes {
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(
    private readonly clients: Clients,
    private readonly currentPod: () => V1Pod,
    private readonly volumesDir: string,
    private readonly addresses: PodAddresses,
  ) {}

  /** The latest pod object (labels and annotations feed downward API files). */
  private get pod(): V1Pod {
    return this.currentPod();
  }

  private get namespace(): string {
    return this.pod.metadata?.namespace ?? 'default';
  }

  private async pvcPath(claimName: string): Promise<VolumeResult | string> {
    const { core } = this.clients;
    const pvc = await core.readNamespacedPersistentVolumeClaim({ name: claimName, namespace: this.namespace }).catch(() => undefined);
    if (!pvc) return { ok: false, reason: 'FailedMount', message: `persistentvolumeclaim "${claimName}" not found` };
    if (pvc.status?.phase !== 'Bound' || !pvc.spec?.volumeName) {
      return { ok: false, reason: 'FailedMount', message: `waiting for persistentvolumeclaim "${claimName}" to be bound` };
    }
    const pv = await core.readPersistentVolume({ name: pvc.spec.volumeName });
    const dir = pv.spec?.hostPath?.path ?? pv.spec?.local?.path;
    if (!dir) return { ok: false, reason: 'FailedMount', message: `persistentvolume ${pv.metadata?.name} is neither hostPath nor local` };
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  }

  private hostPath(v: V1Volume): VolumeResult | string {
    const hp = v.hostPath;
    if (!hp) throw new Error('not a hostPath volume');
    const exists = fs.existsSync(hp.path);
    if (!exists && hp.type === 'DirectoryOrCreate') fs.mkdirSync(hp.path, { recursive: true });
    else if (!exists && hp.type === 'FileOrCreate') {
      fs.mkdirSync(path.dirname(hp.path), { recursive: true });
      fs.writeFileSync(hp.path, '');
    } else if (!exists && hp.type) {
      return { ok: false, reason: 'FailedMount', message: `hostPath ${hp.path} does not exist (type ${hp.type})` };
    }
    return hp.path;
  }

  private async ensureTokens(now: number): Promise<void> {
    for (const v of this.pod.spec?.volumes ?? []) {
      for (const s of v.projected?.sources ?? []) {
        const req = s.serviceAccountToken;
        if (!req) continue;
        const held = this.tokens.get(req.path);
        if (held && held.refreshAt > now) continue;
        const expirationSeconds = req.expirationSeconds ?? 3607;
        const res = await this.clients.core.createNamespacedServiceAccountToken({
          name: this.pod.spec?.serviceAccountName ?? 'default',
          namespace: this.namespace,
          body: {
            spec: {
              audiences: req.audience ? [req.audience] : [],
              expirationSeconds,
              boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: this.pod.metadata?.name, uid: this.pod.metadata?.uid },
            },
          },
        });
        const lifetime = (res.status?.expirationTimestamp ? new Date(res.status.expirationTimestamp).getTime() : now + expirationSeconds * 1000) - now;
        this.tokens.set(req.path, { token: res.status?.token ?? '', refreshAt: now + lifetime * TOKEN_REFRESH_FRACTION });
      }
    }
  }

  /** (Re)write every projected volume; returns a failure for the first one that cannot be projected. */
  async refresh(): Promise<VolumeResult> {
    const volumes = (this.pod.spec?.volumes ?? []).filter((v) => v.configMap || v.secret || v.downwardAPI || v.projected);
    if (!volumes.length) return { ok: true, paths: new Map() };
    await this.ensureTokens(Date.now());
    const objects = await fetchObjects(this.clients.core, this.namespace, volumeReferences(this.pod));
    const tokens = new Map([...this.tokens].map(([p, t]) => [p, t.token]));
    const paths = new Map<string, string>();
    for (const v of volumes) {
      const projection = projectVolume(v, this.pod, { ...objects, ...this.addresses, tokens });
      if (!projection.ok) return { ok: false, reason: 'FailedMount', message: `volume ${v.name}: ${projection.message}` };
      const dir = path.join(this.volumesDir, v.name);
      writeProjectedFiles(dir, projection.files);
      paths.set(v.name, dir);
    }
    return { ok: true, paths };
  }

  async prepare(): Promise<VolumeResult> {
    const paths = new Map<string, string>();
    for (const v of this.pod.spec?.volumes ?? []) {
      let result: VolumeResult | string | undefined;
      if (v.persistentVolumeClaim) result = await this.pvcPath(v.persistentVolumeClaim.claimName);
      else if (v.hostPath) result = this.hostPath(v);
      else if (v.emptyDir) {
        result = path.join(this.volumesDir, v.name);
        fs.mkdirSync(result, { recursive: true });
      }
      if (typeof result === 'string') paths.set(v.name, result);
      else if (result) return result;
    }
    const projected = await this.refresh();
    if (!projected.ok) return projected;
    for (const [name, dir] of projected.paths) paths.set(name, dir);
    return { ok: true, paths };
  }
}
