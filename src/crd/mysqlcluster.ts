/**
 * The MySQLCluster kind: spec and status schemas, its rules, typed objects and the parser the
 * operator runs on every spec it reads (the API server only applies defaults the schema has, and
 * objects stored before a schema change may lack them).
 */
import type { V1ObjectMeta } from '@kubernetes/client-node';
import { isFiveFieldCron, validateCron } from './cron.js';
import { mysqlClusterRules } from './mysqlcluster-rules.js';
import { mysqlClusterSpecSchema, type MySQLClusterSpec } from './mysqlcluster-spec.js';
import type { MySQLClusterStatus } from './mysqlcluster-status.js';
import { API_VERSION, MYSQL_CLUSTER } from './names.js';
import { checkSpecUpdate, parseSpec, type SpecResult } from './spec-parsing.js';

export * from './mysqlcluster-spec.js';
export * from './mysqlcluster-status.js';
export { mysqlClusterRules } from './mysqlcluster-rules.js';

export interface MySQLCluster {
  apiVersion: typeof API_VERSION;
  kind: typeof MYSQL_CLUSTER.kind;
  metadata: V1ObjectMeta;
  spec: MySQLClusterSpec;
  status?: MySQLClusterStatus;
}

/**
 * Checks outside the rule table: duplicate schedule names (the CRD refuses them through its
 * list-map key) and the meaning of each cron expression (CEL checks only its shape).
 */
function operatorOnlyChecks(spec: MySQLClusterSpec): string[] {
  const errors: string[] = [];
  const seen = new Set<string>();
  spec.backup.schedules.forEach((schedule, i) => {
    const path = `spec.backup.schedules[${i}]`;
    if (seen.has(schedule.name)) errors.push(`${path}.name: "${schedule.name}" is used by another schedule`);
    seen.add(schedule.name);
    // A wrong shape is reported by the rule table already; here only what CEL cannot see.
    const cron = isFiveFieldCron(schedule.schedule) ? validateCron(schedule.schedule) : { ok: true as const };
    if (!cron.ok) errors.push(`${path}.schedule: ${cron.error}`);
  });
  return errors;
}

/** Defaults applied and every rule checked, or the list of what is wrong. */
export function parseClusterSpec(spec: unknown): SpecResult<MySQLClusterSpec> {
  return parseSpec(mysqlClusterSpecSchema, mysqlClusterRules, spec, operatorOnlyChecks);
}

/** Errors for an update the API server refuses (bootstrapFrom changed, storage shrunk, …). */
export function validateClusterSpecUpdate(oldSpec: MySQLClusterSpec, newSpec: MySQLClusterSpec): string[] {
  return checkSpecUpdate(mysqlClusterRules, oldSpec, newSpec);
}
