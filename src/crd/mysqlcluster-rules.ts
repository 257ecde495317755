/**
 * The MySQLCluster rules that span fields or compare with the stored object. Each is enforced
 * twice from this one table: as CEL by the API server and by parseClusterSpec in the operator.
 */
import { isDeepStrictEqual } from 'node:util';
import { compareQuantities } from './quantity.js';
import { CRON_FIVE_FIELDS_PATTERN, isFiveFieldCron } from './cron.js';
import { celRule, EACH_ITEM, type CelRule } from './rules.js';
import type { MySQLClusterSpec } from './mysqlcluster-spec.js';

const RESERVED_DATABASES = ['mysql', 'information_schema', 'performance_schema', 'sys'];

type Storage = MySQLClusterSpec['storage'];

// The API server also evaluates these on the schema's `{}` defaults, before nested defaults are
// filled in: a rule must hold when a defaulted field is absent (has() guards).
export const mysqlClusterRules: readonly CelRule[] = [
  celRule<MySQLClusterSpec>({
    at: [],
    rule: '!has(self.replicas) || self.replicas % 2 == 1 || (has(self.allowEvenReplicas) && self.allowEvenReplicas)',
    fieldPath: '.replicas',
    message:
      'replicas must be odd (1, 3, 5, ...): an even-sized Galera cluster can split into two halves and lose quorum; set allowEvenReplicas: true to accept that risk',
    holds: (spec) => spec.replicas % 2 === 1 || spec.allowEvenReplicas,
  }),
  celRule<MySQLClusterSpec>({
    at: [],
    rule: 'has(self.bootstrapFrom) == has(oldSelf.bootstrapFrom) && (!has(self.bootstrapFrom) || self.bootstrapFrom == oldSelf.bootstrapFrom)',
    fieldPath: '.bootstrapFrom',
    reason: 'FieldValueForbidden',
    message: 'bootstrapFrom is used only when the cluster is created: it cannot be added, changed or removed afterwards',
    transition: true,
    holds: (spec, old) => isDeepStrictEqual(spec.bootstrapFrom, old.bootstrapFrom),
  }),
  celRule<Storage['size']>({
    at: ['storage', 'size'],
    rule: 'quantity(self).compareTo(quantity(oldSelf)) >= 0',
    reason: 'FieldValueForbidden',
    message: 'storage.size may grow but never shrink: a volume cannot give space back',
    transition: true,
    holds: (size, old) => (compareQuantities(size, old) ?? 0) >= 0,
  }),
  celRule<Storage>({
    at: ['storage'],
    rule: 'has(self.storageClassName) == has(oldSelf.storageClassName) && (!has(self.storageClassName) || self.storageClassName == oldSelf.storageClassName)',
    fieldPath: '.storageClassName',
    reason: 'FieldValueForbidden',
    message: 'storage.storageClassName cannot change after creation: existing volumes keep their class',
    transition: true,
    holds: (storage, old) => storage.storageClassName === old.storageClassName,
  }),
  celRule<MySQLClusterSpec['proxy']>({
    at: ['proxy'],
    rule: "(has(self.type) && self.type == 'none') || !has(self.replicas) || self.replicas >= 1",
    fieldPath: '.replicas',
    message: 'proxy.replicas must be at least 1 unless proxy.type is none',
    holds: (proxy) => proxy.type === 'none' || proxy.replicas >= 1,
  }),
  celRule<string>({
    at: ['backup', 'schedules', EACH_ITEM, 'schedule'],
    rule: `self.matches('${CRON_FIVE_FIELDS_PATTERN}')`,
    message:
      'schedule must be a 5-field cron expression: minute hour day-of-month month day-of-week, separated by spaces, e.g. "0 3 * * *"',
    holds: (schedule) => isFiveFieldCron(schedule),
  }),
  celRule<string>({
    at: ['app', 'database'],
    rule: `!(self.lowerAscii() in [${RESERVED_DATABASES.map((name) => `'${name}'`).join(', ')}])`,
    message: `app.database must not be one of the system databases (${RESERVED_DATABASES.join(', ')})`,
    holds: (database) => !RESERVED_DATABASES.includes(database.toLowerCase()),
  }),
  celRule<string>({
    at: ['app', 'username'],
    rule: "self != 'root'",
    message: 'app.username must not be root: root is managed by the operator (its password is in <name>-credentials)',
    holds: (username) => username !== 'root',
  }),
];
