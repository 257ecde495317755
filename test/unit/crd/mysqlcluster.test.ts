import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseClusterSpec,
  validateClusterSpecUpdate,
  type MySQLClusterSpec,
} from '../../../src/crd/mysqlcluster.js';

function parsed(input: unknown): MySQLClusterSpec {
  const result = parseClusterSpec(input);
  if (!result.ok) assert.fail(`expected a valid spec, got: ${result.errors.join('; ')}`);
  return result.spec;
}

function errorsOf(input: unknown): string[] {
  const result = parseClusterSpec(input);
  assert.equal(result.ok, false, 'expected the spec to be refused');
  return result.ok ? [] : result.errors;
}

test('the minimal object of interfaces.md gets every default', () => {
  const spec = parsed({ replicas: 3, proxy: { type: 'haproxy' } });
  assert.equal(spec.replicas, 3);
  assert.equal(spec.allowEvenReplicas, false);
  assert.equal(spec.image, 'mariadb:10.11');
  assert.equal(spec.sst, 'mariabackup');
  assert.deepEqual(spec.storage, { size: '1Gi', deleteWithCluster: false });
  assert.equal(spec.config, '');
  assert.deepEqual(spec.galera, { providerOptions: {} });
  assert.deepEqual(spec.app, { database: 'app', username: 'app' });
  assert.deepEqual(spec.scheduling, { antiAffinity: 'preferred', topologyKey: 'kubernetes.io/hostname' });
  assert.deepEqual(spec.podDisruptionBudget, { maxUnavailable: 1 });
  assert.deepEqual(spec.proxy, { type: 'haproxy', replicas: 2, service: { type: 'ClusterIP' } });
  assert.deepEqual(spec.backup, { storage: { volume: { size: '2Gi' } }, schedules: [] });
  assert.equal(spec.bootstrapFrom, undefined);
  assert.deepEqual(spec.recovery, { automatic: true });
  assert.equal(spec.paused, false);
});

test('an absent spec is a 3-member cluster behind ProxySQL', () => {
  const spec = parsed(undefined);
  assert.equal(spec.replicas, 3);
  assert.equal(spec.proxy.type, 'proxysql');
});

test('schedules get their defaults; given values are kept', () => {
  const spec = parsed({
    replicas: 5,
    sst: 'rsync',
    storage: { size: '10Gi', storageClassName: 'fast' },
    resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: 2 } },
    backup: { schedules: [{ name: 'nightly', schedule: '0 3 * * *' }] },
    scheduling: { tolerations: [{ key: 'db', operator: 'Exists' }], affinity: { nodeAffinity: { anything: true } } },
  });
  assert.equal(spec.sst, 'rsync');
  assert.equal(spec.storage.storageClassName, 'fast');
  assert.deepEqual(spec.resources, { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: 2 } });
  assert.deepEqual(spec.backup.schedules, [{ name: 'nightly', schedule: '0 3 * * *', method: 'physical', keep: 7, suspend: false }]);
  assert.deepEqual(spec.scheduling.affinity, { nodeAffinity: { anything: true } }, 'affinity passes through');
});

test('even replicas need the opt-in', () => {
  assert.match(errorsOf({ replicas: 2 }).join(), /spec\.replicas: replicas must be odd/);
  assert.equal(parsed({ replicas: 2, allowEvenReplicas: true }).replicas, 2);
  assert.equal(parsed({ replicas: 1 }).replicas, 1);
});

test('zero, negative and fractional replicas are refused', () => {
  for (const replicas of [0, -1, 1.5, '3']) {
    assert.match(errorsOf({ replicas }).join(), /^spec\.replicas: /);
  }
});

test('unknown enum values are refused with the field named', () => {
  assert.match(errorsOf({ sst: 'xtrabackup' }).join(), /spec\.sst: .*mariabackup.*rsync/);
  assert.match(errorsOf({ proxy: { type: 'nginx' } }).join(), /spec\.proxy\.type: /);
  assert.match(errorsOf({ scheduling: { antiAffinity: 'always' } }).join(), /spec\.scheduling\.antiAffinity: /);
  assert.match(errorsOf({ backup: { schedules: [{ name: 'a', schedule: '0 3 * * *', method: 'snapshot' }] } }).join(), /schedules\[0\]\.method/);
});

test('cron expressions: 5 fields, and meaningful', () => {
  const withSchedule = (schedule: string) => ({ backup: { schedules: [{ name: 'nightly', schedule }] } });
  assert.match(errorsOf(withSchedule('0 3 * *')).join(), /spec\.backup\.schedules\[0\]\.schedule: schedule must be a 5-field cron/);
  assert.match(errorsOf(withSchedule('0 0 3 * * *')).join(), /5-field cron/);
  assert.match(errorsOf(withSchedule('99 3 * * *')).join(), /schedules\[0\]\.schedule: "99 3 \* \* \*" is not a valid cron/);
  assert.equal(parsed(withSchedule('*/15 1-5 * * MON-FRI')).backup.schedules[0]?.schedule, '*/15 1-5 * * MON-FRI');
});

test('schedule names are unique DNS labels', () => {
  const twice = { backup: { schedules: [{ name: 'a', schedule: '0 3 * * *' }, { name: 'a', schedule: '0 4 * * *' }] } };
  assert.match(errorsOf(twice).join(), /schedules\[1\]\.name: "a" is used by another schedule/);
  assert.match(errorsOf({ backup: { schedules: [{ name: 'Nightly', schedule: '0 3 * * *' }] } }).join(), /schedules\[0\]\.name/);
});

test('proxy replicas may be 0 only without a proxy', () => {
  assert.match(errorsOf({ proxy: { type: 'haproxy', replicas: 0 } }).join(), /spec\.proxy\.replicas: proxy\.replicas must be at least 1/);
  assert.equal(parsed({ proxy: { type: 'none', replicas: 0 } }).proxy.replicas, 0);
});

test('storage size and resources must be quantities', () => {
  assert.match(errorsOf({ storage: { size: 'ten gigs' } }).join(), /spec\.storage\.size: /);
  assert.match(errorsOf({ resources: { limits: { memory: '2GB' } } }).join(), /spec\.resources\.limits\.memory: /);
});

test('the application user and database avoid what the operator owns', () => {
  assert.match(errorsOf({ app: { username: 'root' } }).join(), /spec\.app\.username: app\.username must not be root/);
  assert.match(errorsOf({ app: { database: 'MySQL' } }).join(), /spec\.app\.database: .*system databases/);
  assert.match(errorsOf({ app: { database: 'shop; DROP' } }).join(), /spec\.app\.database: /);
});

test('every error is reported, not only the first', () => {
  const errors = errorsOf({ replicas: 0, sst: 'x', proxy: { type: 'y' } });
  assert.equal(errors.length, 3, errors.join('\n'));
});

test('updates: storage may grow, never shrink', () => {
  const before = parsed({ storage: { size: '10Gi' } });
  assert.deepEqual(validateClusterSpecUpdate(before, parsed({ storage: { size: '20Gi' } })), []);
  assert.deepEqual(validateClusterSpecUpdate(before, parsed({ storage: { size: '10240Mi' } })), [], 'equal in other units');
  assert.match(validateClusterSpecUpdate(before, parsed({ storage: { size: '9Gi' } })).join(), /spec\.storage\.size: .*never shrink/);
});

test('updates: bootstrapFrom and storageClassName are fixed after creation', () => {
  const plain = parsed({});
  const restored = parsed({ bootstrapFrom: { backupName: 'shop-nightly-1' } });
  assert.deepEqual(validateClusterSpecUpdate(restored, parsed({ bootstrapFrom: { backupName: 'shop-nightly-1' }, replicas: 5 })), []);
  assert.match(validateClusterSpecUpdate(plain, restored).join(), /spec\.bootstrapFrom: .*cannot be added, changed or removed/);
  assert.match(validateClusterSpecUpdate(restored, plain).join(), /spec\.bootstrapFrom: /);
  assert.match(
    validateClusterSpecUpdate(restored, parsed({ bootstrapFrom: { backupName: 'other' } })).join(),
    /spec\.bootstrapFrom: /,
  );
  assert.match(validateClusterSpecUpdate(plain, parsed({ storage: { storageClassName: 'fast' } })).join(), /storageClassName cannot change/);
});
