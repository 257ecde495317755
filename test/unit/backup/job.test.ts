import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backupJob, backupJobName, backupLocation, backupVolumeClaim, runFromJob } from '../../../src/backup/job.js';
import { parseBackupResult } from '../../../src/backup/script.js';
import { parseClusterSpec } from '../../../src/crd/mysqlcluster.js';

const parsed = parseClusterSpec({ backup: { storage: { volume: { size: '5Gi', storageClassName: 'fast' } } } });
if (!parsed.ok) throw new Error(parsed.errors.join('; '));
const clusterSpec = parsed.spec;
const input = (method: 'physical' | 'logical') => ({
  namespace: 'prod',
  cluster: 'shop',
  clusterSpec,
  backup: 'shop-nightly-202611270300',
  spec: { cluster: 'shop', method },
  source: 'shop-1',
  sourceNode: 'node-2',
  keep: ['shop-b', 'shop-nightly-202611270300', 'shop-a'],
});
const envOf = (job: ReturnType<typeof backupJob>) => job.spec!.template.spec!.containers[0]!.env!;

describe('backup Job', () => {
  test('physical: beside the source member, its data volume read-only, the backup volume writable', () => {
    const job = backupJob(input('physical'));
    const pod = job.spec!.template.spec!;
    assert.equal(pod.nodeName, 'node-2');
    assert.equal(pod.restartPolicy, 'Never');
    assert.equal(job.spec!.backoffLimit, 0);
    assert.deepEqual(pod.volumes, [
      { name: 'backups', persistentVolumeClaim: { claimName: 'shop-backups' } },
      { name: 'data', persistentVolumeClaim: { claimName: 'data-shop-1', readOnly: true } },
    ]);
    assert.deepEqual(pod.containers[0]!.volumeMounts, [
      { name: 'backups', mountPath: '/backups' },
      { name: 'data', mountPath: '/var/lib/mysql', readOnly: true },
    ]);
    assert.equal(pod.containers[0]!.image, clusterSpec.image);
  });
  test('logical: no data volume and no node pinning', () => {
    const pod = backupJob(input('logical')).spec!.template.spec!;
    assert.equal(pod.nodeName, undefined);
    assert.deepEqual(pod.volumes?.map((v) => v.name), ['backups']);
  });
  test('the root password comes from the Secret, never as a value', () => {
    const env = envOf(backupJob(input('physical')));
    const password = env.find((e) => e.name === 'MARIADB_ROOT_PASSWORD')!;
    assert.equal(password.value, undefined);
    assert.deepEqual(password.valueFrom, { secretKeyRef: { name: 'shop-credentials', key: 'root-password' } });
  });
  test('names the source by its stable DNS name and lists the backups to keep, sorted', () => {
    const env = Object.fromEntries(envOf(backupJob(input('logical'))).map((e) => [e.name, e.value]));
    assert.equal(env.SOURCE_HOST, 'shop-1.shop-headless.prod.svc.cluster.local');
    assert.equal(env.KEEP_BACKUPS, 'shop-a shop-b shop-nightly-202611270300');
    assert.equal(env.BACKUP_METHOD, 'logical');
  });
  test('labels tie the Job to its cluster and backup', () => {
    const labels = backupJob(input('logical')).metadata!.labels!;
    assert.equal(labels['app.kubernetes.io/instance'], 'shop');
    assert.equal(labels['app.kubernetes.io/component'], 'backup');
    assert.equal(labels['galera-operator.io/backup'], 'shop-nightly-202611270300');
  });
});

test('backupJobName stays a valid label value (≤ 63) and distinct for long names', () => {
  assert.equal(backupJobName('shop-nightly-202611270300'), 'shop-nightly-202611270300-backup');
  const long = `${'a'.repeat(70)}-x`;
  const other = `${'a'.repeat(70)}-y`;
  assert.ok(backupJobName(long).length <= 63);
  assert.notEqual(backupJobName(long), backupJobName(other));
  assert.match(backupJobName(long), /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
});

test('the backup volume: size and class from spec.backup.storage, no owner (it outlives the cluster)', () => {
  const pvc = backupVolumeClaim('prod', 'shop', clusterSpec);
  assert.equal(pvc.metadata!.name, 'shop-backups');
  assert.equal(pvc.metadata!.ownerReferences, undefined);
  assert.deepEqual(pvc.spec!.resources!.requests, { storage: '5Gi' });
  assert.equal(pvc.spec!.storageClassName, 'fast');
  assert.equal(backupLocation('shop', 'b1'), 'pvc://shop-backups/b1');
});

test('parseBackupResult reads the last result line', () => {
  assert.deepEqual(parseBackupResult('[00] done\ngalera-backup-result size=12345\n'), { sizeBytes: 12345 });
  assert.equal(parseBackupResult('mariadb-backup: error\n'), undefined);
});

test('runFromJob reads the member, start and location back from the Job', () => {
  const job = backupJob(input('physical'));
  job.status = { startTime: new Date('2026-11-27T03:00:05.123Z') };
  assert.deepEqual(runFromJob(job, 'shop', 'shop-nightly-202611270300'), {
    member: 'shop-1',
    startTime: '2026-11-27T03:00:05Z',
    location: 'pvc://shop-backups/shop-nightly-202611270300',
  });
});
