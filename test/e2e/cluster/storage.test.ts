import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AppsV1Api, CoreV1Api, PatchStrategy, type V1StatefulSet, setHeaderOptions } from '@kubernetes/client-node';
import {
  clusterMissing,
  containerLog,
  createNamespace,
  deleteNamespace,
  loadKubeConfig,
  waitForPodReady,
} from '../../unit/agent-net/support/cluster.js';
import { waitFor } from '../../unit/agent-net/support/wait.js';

/*
 * Volumes in the local cluster, end to end: a StatefulSet's claim is provisioned from the default
 * StorageClass and bound, growing it is recorded, its data outlives the pod, and deleting the claim deletes the volume
 * and its directory.
 */

const CLAIM = 'data-keeper-0';

// Writes a token once (first start only) and reports it with this pod's UID on every start.
const KEEPER_SCRIPT = `
[ -s /data/token ] || head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \\n' > /data/token
echo "TOKEN $(cat /data/token) $POD_UID"
exec sleep 3600
`;

function keeper(): V1StatefulSet {
  return {
    metadata: { name: 'keeper' },
    spec: {
      serviceName: 'keeper',
      replicas: 1,
      selector: { matchLabels: { app: 'keeper' } },
      template: {
        metadata: { labels: { app: 'keeper' } },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [
            {
              name: 'keeper',
              image: 'busybox',
              command: ['sh', '-c', KEEPER_SCRIPT],
              env: [{ name: 'POD_UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } }],
              volumeMounts: [{ name: 'data', mountPath: '/data' }],
            },
          ],
        },
      },
      // No storageClassName: the default class must be filled in.
      volumeClaimTemplates: [
        {
          metadata: { name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '16Mi' } } },
        },
      ],
    },
  };
}

/** The token the pod with `uid` reported, once it has. */
function reportedToken(ns: string, uid: string): string | undefined {
  const line = containerLog(ns, 'keeper-0', 'keeper')
    .split('\n')
    .find((l) => l.startsWith('TOKEN ') && l.endsWith(` ${uid}`));
  return line?.split(' ')[1];
}

describe('local cluster storage', { skip: clusterMissing(), timeout: 300_000 }, () => {
  const kc = clusterMissing() ? undefined : loadKubeConfig();
  const core = kc?.makeApiClient(CoreV1Api) as CoreV1Api;
  const apps = kc?.makeApiClient(AppsV1Api) as AppsV1Api;
  let ns = '';
  let volumeName = '';
  let volumeDir = '';

  before(async () => {
    ns = await createNamespace(core, 'e2e-storage');
    await apps.createNamespacedStatefulSet({ namespace: ns, body: keeper() });
  });

  after(async () => {
    if (ns) await deleteNamespace(core, ns);
  });

  it('binds the claim to a hostPath volume of the default class', async () => {
    const claim = await waitFor(
      `claim ${CLAIM} to be bound`,
      async () => {
        const pvc = await core.readNamespacedPersistentVolumeClaim({ name: CLAIM, namespace: ns });
        return pvc.status?.phase === 'Bound' && pvc;
      },
      60_000,
    );
    assert.equal(claim.spec?.storageClassName, 'local');
    volumeName = claim.spec?.volumeName ?? '';
    const pv = await core.readPersistentVolume({ name: volumeName });
    assert.equal(pv.spec?.claimRef?.uid, claim.metadata?.uid);
    assert.equal(pv.spec?.persistentVolumeReclaimPolicy, 'Delete');
    assert.equal(pv.spec?.capacity?.['storage'], '16Mi');
    volumeDir = pv.spec?.hostPath?.path ?? '';
    assert.ok(volumeDir && existsSync(volumeDir), `volume directory ${volumeDir} exists`);
  });

  it('records a grown claim on its volume and in its status', async () => {
    await core.patchNamespacedPersistentVolumeClaim(
      { name: CLAIM, namespace: ns, body: { spec: { resources: { requests: { storage: '32Mi' } } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await waitFor(
      'the claim to report 32Mi',
      async () => {
        const pvc = await core.readNamespacedPersistentVolumeClaim({ name: CLAIM, namespace: ns });
        return pvc.status?.capacity?.['storage'] === '32Mi';
      },
      30_000,
    );
    const pv = await core.readPersistentVolume({ name: volumeName });
    assert.equal(pv.spec?.capacity?.['storage'], '32Mi');
  });

  it('keeps the data when the pod is re-created', async () => {
    const first = await waitForPodReady(core, ns, 'keeper-0', true, 120_000);
    const firstUid = first.metadata?.uid ?? '';
    const token = await waitFor('the first pod to write its token', () => reportedToken(ns, firstUid), 30_000);
    assert.match(token, /^[0-9a-f]{32}$/);
    assert.equal(readFileSync(join(volumeDir, 'token'), 'utf8'), token, 'the pod wrote into the volume directory');

    await core.deleteNamespacedPod({ name: 'keeper-0', namespace: ns });
    const second = await waitFor(
      'keeper-0 to be re-created and ready',
      async () => {
        const pod = await core.readNamespacedPod({ name: 'keeper-0', namespace: ns });
        const ready = (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
        return pod.metadata?.uid !== firstUid && ready && pod;
      },
      120_000,
    );
    const secondToken = await waitFor('the new pod to report', () => reportedToken(ns, second.metadata?.uid ?? ''), 30_000);
    assert.equal(secondToken, token);
  });

  it('deletes the volume and its directory with the claim', async () => {
    await apps.deleteNamespacedStatefulSet({ name: 'keeper', namespace: ns });
    await waitFor(
      'keeper-0 to be gone',
      () => core.readNamespacedPod({ name: 'keeper-0', namespace: ns }).then(() => false, (err: { code?: number }) => err.code === 404),
      90_000,
    );
    await core.deleteNamespacedPersistentVolumeClaim({ name: CLAIM, namespace: ns });
    await waitFor(
      `volume ${volumeName} to be deleted`,
      () => core.readPersistentVolume({ name: volumeName }).then(() => false, (err: { code?: number }) => err.code === 404),
      60_000,
    );
    assert.equal(existsSync(volumeDir), false, `${volumeDir} removed`);
  });
});
