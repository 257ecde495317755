import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRestoreSource, restoreJob } from '../../../src/backup/restore.js';
import type { MySQLBackup } from '../../../src/crd/mysqlbackup.js';
import { parseClusterSpec } from '../../../src/crd/mysqlcluster.js';

const backup = (method: 'physical' | 'logical', phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed'): MySQLBackup => ({
  apiVersion: 'galera-operator.io/v1alpha1',
  kind: 'MySQLBackup',
  metadata: { name: 'shop-nightly', namespace: 'prod' },
  spec: { cluster: 'shop', method },
  ...(phase ? { status: { phase } } : {}),
});

test('checkRestoreSource: a Succeeded logical backup, from its cluster\'s volume', () => {
  assert.deepEqual(checkRestoreSource('shop-nightly', backup('logical', 'Succeeded')), { ok: true, sourceCluster: 'shop' });
});

test('checkRestoreSource refuses what it cannot restore, with a reason', () => {
  const reason = (b: MySQLBackup | undefined) => {
    const check = checkRestoreSource('shop-nightly', b);
    return check.ok ? 'ok' : check.reason;
  };
  assert.equal(reason(undefined), 'RestoreSourceNotFound');
  assert.equal(reason(backup('logical')), 'RestoreSourceNotReady');
  assert.equal(reason(backup('logical', 'Failed')), 'RestoreSourceNotReady');
  assert.equal(reason(backup('physical', 'Succeeded')), 'RestoreMethodNotSupported');
});

test('restoreJob loads the dump through the writer from the source cluster\'s volume, read-only', () => {
  const parsed = parseClusterSpec({});
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  const job = restoreJob({ namespace: 'prod', cluster: 'copy', clusterSpec: parsed.spec, backup: 'shop-nightly', sourceCluster: 'shop', writer: 'copy-2' });
  const pod = job.spec!.template.spec!;
  assert.equal(job.metadata!.name, 'copy-restore');
  assert.deepEqual(pod.volumes, [{ name: 'backups', persistentVolumeClaim: { claimName: 'shop-backups', readOnly: true } }]);
  const env = Object.fromEntries(pod.containers[0]!.env!.map((e) => [e.name, e.value ?? e.valueFrom]));
  assert.equal(env.TARGET_HOST, 'copy-2.copy-headless.prod.svc.cluster.local');
  assert.equal(env.BACKUP_NAME, 'shop-nightly');
  assert.deepEqual(env.MARIADB_ROOT_PASSWORD, { secretKeyRef: { name: 'copy-credentials', key: 'root-password' } });
  assert.equal(job.spec!.backoffLimit, 0);
});
