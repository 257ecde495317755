import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1PersistentVolume, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import {
  PROVISIONER_NAME,
  buildPersistentVolume,
  buildStorageClass,
  claimNeedsVolume,
  reclaimableDir,
  requestedExpansion,
  volumeToReclaim,
} from '../../../hack/cluster/agent/storage/volumes.js';

function claim(overrides: { className?: string | null; volumeName?: string; phase?: string; block?: boolean; deleting?: boolean } = {}): V1PersistentVolumeClaim {
  return {
    metadata: { name: 'data-db-0', namespace: 'ns1', uid: '1234-abcd', ...(overrides.deleting ? { deletionTimestamp: new Date(0) } : {}) },
    spec: {
      storageClassName: overrides.className === null ? undefined : (overrides.className ?? 'local'),
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '2Gi' } },
      volumeName: overrides.volumeName,
      ...(overrides.block ? { volumeMode: 'Block' } : {}),
    },
    status: { phase: overrides.phase ?? 'Pending' },
  };
}

function released(path: string, extra: Partial<V1PersistentVolume['metadata']> = {}): V1PersistentVolume {
  return {
    metadata: { name: 'pvc-1234-abcd', annotations: { 'pv.kubernetes.io/provisioned-by': PROVISIONER_NAME }, ...extra },
    spec: { persistentVolumeReclaimPolicy: 'Delete', hostPath: { path } },
    status: { phase: 'Released' },
  };
}

describe('storage class', () => {
  it('is the default class, provisioned by us, bound immediately, deleted with its claim', () => {
    const sc = buildStorageClass();
    assert.equal(sc.metadata?.name, 'local');
    assert.equal(sc.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class'], 'true');
    assert.equal(sc.provisioner, 'local.galera-operator.dev/hostpath');
    assert.equal(sc.volumeBindingMode, 'Immediate');
    assert.equal(sc.reclaimPolicy, 'Delete');
    assert.equal(sc.allowVolumeExpansion, true);
  });
});

describe('claimNeedsVolume', () => {
  it('wants pending filesystem claims of class local without a volume', () => {
    assert.ok(claimNeedsVolume(claim()));
    assert.ok(!claimNeedsVolume(claim({ className: 'other' })));
    assert.ok(!claimNeedsVolume(claim({ className: null })));
    assert.ok(!claimNeedsVolume(claim({ volumeName: 'pv-x' })));
    assert.ok(!claimNeedsVolume(claim({ phase: 'Bound' })));
    assert.ok(!claimNeedsVolume(claim({ block: true })));
    assert.ok(!claimNeedsVolume(claim({ deleting: true })));
  });
});

describe('buildPersistentVolume', () => {
  it('pre-binds a hostPath volume under volumesDir sized as requested', () => {
    const pv = buildPersistentVolume(claim(), '/var/vols/');
    assert.equal(pv.metadata?.name, 'pvc-1234-abcd');
    assert.equal(pv.metadata?.annotations?.['pv.kubernetes.io/provisioned-by'], PROVISIONER_NAME);
    assert.equal(pv.spec?.hostPath?.path, '/var/vols/1234-abcd');
    assert.equal(pv.spec?.capacity?.['storage'], '2Gi');
    assert.deepEqual(pv.spec?.accessModes, ['ReadWriteOnce']);
    assert.equal(pv.spec?.storageClassName, 'local');
    assert.equal(pv.spec?.persistentVolumeReclaimPolicy, 'Delete');
    assert.deepEqual(pv.spec?.claimRef, {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      namespace: 'ns1',
      name: 'data-db-0',
      uid: '1234-abcd',
    });
  });
});

describe('reclaiming', () => {
  it('reclaims only our released volumes with policy Delete that are not already going', () => {
    assert.ok(volumeToReclaim(released('/v/x')));
    assert.ok(!volumeToReclaim({ ...released('/v/x'), status: { phase: 'Bound' } }));
    assert.ok(!volumeToReclaim(released('/v/x', { annotations: {} })));
    assert.ok(!volumeToReclaim(released('/v/x', { deletionTimestamp: new Date(0) })));
    const retained = released('/v/x');
    retained.spec!.persistentVolumeReclaimPolicy = 'Retain';
    assert.ok(!volumeToReclaim(retained));
  });

  it('never points outside the volumes directory', () => {
    assert.equal(reclaimableDir(released('/v/vols/abc'), '/v/vols'), '/v/vols/abc');
    assert.equal(reclaimableDir(released('/v/vols/../etc'), '/v/vols'), undefined);
    assert.equal(reclaimableDir(released('/v/vols'), '/v/vols'), undefined);
    assert.equal(reclaimableDir(released('/v/vols/a/b'), '/v/vols'), undefined);
    assert.equal(reclaimableDir(released('/v/other/abc'), '/v/vols'), undefined);
    assert.equal(reclaimableDir(released(''), '/v/vols'), undefined);
  });
});

describe('requestedExpansion', () => {
  function boundPair(request: string, pvSize: string, reported: string) {
    const pvc = claim({ phase: 'Bound', volumeName: 'pvc-1234-abcd' });
    pvc.spec!.resources = { requests: { storage: request } };
    pvc.status!.capacity = { storage: reported };
    const pv = buildPersistentVolume(claim(), '/v');
    pv.spec!.capacity = { storage: pvSize };
    return { pvc, pv };
  }

  it('asks for the new request when the claim grew past its volume or its reported capacity', () => {
    const grown = boundPair('4Gi', '2Gi', '2Gi');
    assert.equal(requestedExpansion(grown.pvc, grown.pv), '4Gi');
    const halfway = boundPair('4Gi', '4Gi', '2Gi');
    assert.equal(requestedExpansion(halfway.pvc, halfway.pv), '4Gi');
  });

  it('does nothing when sizes match, for shrink requests, or for volumes not ours or not bound to it', () => {
    const same = boundPair('2048Mi', '2Gi', '2Gi');
    assert.equal(requestedExpansion(same.pvc, same.pv), undefined);
    const smaller = boundPair('1Gi', '2Gi', '2Gi');
    assert.equal(requestedExpansion(smaller.pvc, smaller.pv), undefined);
    const foreign = boundPair('4Gi', '2Gi', '2Gi');
    foreign.pv.metadata!.annotations = {};
    assert.equal(requestedExpansion(foreign.pvc, foreign.pv), undefined);
    const other = boundPair('4Gi', '2Gi', '2Gi');
    other.pv.spec!.claimRef!.uid = 'someone-else';
    assert.equal(requestedExpansion(other.pvc, other.pv), undefined);
  });
});
