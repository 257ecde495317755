/**
 * Client for one ProxySQL's admin interface: read the owned tables, plan, apply the plan one
 * statement per call with mysql2 `query` (`execute` is refused). Values are written as SQLite
 * literals (adminSql), not by mysql2's MySQL escaping: the admin interface hands statements to
 * SQLite, which keeps backslashes as they are, so `\s` in a query rule would be stored doubled.
 * ProxySQL reports every error as 1045, so results carry the message, never a guessed cause.
 * Statement values (passwords among them) are never put into results or errors.
 */
import mysql from 'mysql2/promise';
import type { ProxySQLDesiredState } from './desired-state.js';
import { planProxySQLChanges, desiredRows, type ObservedProxySQLState, type ProxySQLPlan } from './diff.js';
import { PROXYSQL_OPERATOR_ADMIN_USER } from './config-file.js';
import { MANAGED_TABLES, VARIABLES_TABLE, type Cell, type ProxySQLModule, type Row, type TableSpec } from './tables.js';
import { PROXYSQL_ADMIN_PORT } from './topology.js';

export interface ProxySQLAdminTarget {
  host: string;
  port?: number;
  user?: string;
  password: string;
  connectTimeoutMs?: number;
  queryTimeoutMs?: number;
}

export type ProxySQLSyncStage = 'connect' | 'read' | 'apply';

export type ProxySQLSyncResult =
  | {
      ok: true;
      changed: boolean;
      loadedModules: ProxySQLModule[];
      applied: string[];
      /** Desired rows this ProxySQL version has no place for (unknown variables). */
      unsupported: string[];
    }
  | {
      ok: false;
      stage: ProxySQLSyncStage;
      message: string;
      errno?: number;
      /** The statement (placeholders only) that failed, when stage is 'apply'. */
      failedStatement?: string;
      /** Statements that went through before the failure; the next sync picks up from there. */
      applied: string[];
    };

type Connection = mysql.Connection;

export async function connectProxySQLAdmin(target: ProxySQLAdminTarget): Promise<Connection> {
  return mysql.createConnection({
    host: target.host,
    port: target.port ?? PROXYSQL_ADMIN_PORT,
    user: target.user ?? PROXYSQL_OPERATOR_ADMIN_USER,
    password: target.password,
    connectTimeout: target.connectTimeoutMs ?? 3000,
    multipleStatements: false,
  });
}

/**
 * `?` placeholders filled with SQLite literals: NULL, or the text in single quotes with quotes
 * doubled and every other character (backslash included) unchanged. SQLite compares a quoted
 * number with an INT column by value, so numbers travel as text too.
 */
export function adminSql(sql: string, values: readonly Cell[]): string {
  let next = 0;
  const filled = sql.replace(/\?/g, () => {
    if (next >= values.length) throw new Error(`more placeholders than values in: ${sql}`);
    const value = values[next++];
    return value === null || value === undefined ? 'NULL' : `'${value.replace(/'/g, "''")}'`;
  });
  if (next !== values.length) throw new Error(`more values than placeholders in: ${sql}`);
  return filled;
}

async function queryRows(conn: Connection, sql: string, values: Cell[], timeoutMs: number): Promise<Row[]> {
  const [rows] = await conn.query({ sql: adminSql(sql, values), timeout: timeoutMs });
  return Array.isArray(rows) ? (rows as Row[]) : [];
}

/** Reads the config and runtime versions of every owned table. */
export async function readObservedState(
  conn: Connection,
  desired: ProxySQLDesiredState,
  timeoutMs = 5000,
  tables: readonly TableSpec[] = MANAGED_TABLES,
): Promise<ObservedProxySQLState> {
  const observed: ObservedProxySQLState = {};
  for (const spec of tables) {
    const columns = spec.columns.join(', ');
    // global_variables has hundreds of rows: read only the ones the operator sets.
    const names = spec === VARIABLES_TABLE ? desiredRows(spec, desired).map((r) => r.variable_name ?? null) : [];
    const filter = names.length > 0 ? ` WHERE variable_name IN (${names.map(() => '?').join(',')})` : '';
    observed[spec.table] = {
      config: await queryRows(conn, `SELECT ${columns} FROM ${spec.table}${filter}`, names, timeoutMs),
      runtime: await queryRows(conn, `SELECT ${columns} FROM ${spec.runtimeTable}${filter}`, names, timeoutMs),
    };
  }
  return observed;
}

/** Connects, diffs, applies. Never throws: failures come back as `{ ok: false }`. */
export async function syncProxySQL(target: ProxySQLAdminTarget, desired: ProxySQLDesiredState): Promise<ProxySQLSyncResult> {
  const timeoutMs = target.queryTimeoutMs ?? 5000;
  let conn: Connection;
  try {
    conn = await connectProxySQLAdmin(target);
  } catch (err) {
    return { ok: false, stage: 'connect', ...describeError(err, [target.password]), applied: [] };
  }
  try {
    let plan: ProxySQLPlan;
    try {
      plan = planProxySQLChanges(desired, await readObservedState(conn, desired, timeoutMs));
    } catch (err) {
      return { ok: false, stage: 'read', ...describeError(err, secretsOf(desired)), applied: [] };
    }
    return await applyPlan(conn, plan, timeoutMs, secretsOf(desired));
  } finally {
    await conn.end().catch(() => conn.destroy());
  }
}

export async function applyPlan(
  conn: Connection,
  plan: ProxySQLPlan,
  timeoutMs: number,
  secrets: readonly string[] = [],
): Promise<ProxySQLSyncResult> {
  const applied: string[] = [];
  for (const statement of plan.statements) {
    try {
      await conn.query({ sql: adminSql(statement.sql, statement.params), timeout: timeoutMs });
    } catch (err) {
      const secretParams = statement.params.filter((p): p is string => typeof p === 'string');
      return {
        ok: false,
        stage: 'apply',
        ...describeError(err, [...secrets, ...secretParams]),
        failedStatement: statement.sql,
        applied,
      };
    }
    applied.push(statement.sql);
  }
  return {
    ok: true,
    changed: plan.statements.length > 0,
    loadedModules: plan.loadedModules,
    applied,
    unsupported: plan.unsupported,
  };
}

function secretsOf(desired: ProxySQLDesiredState): string[] {
  const passwords = desired.users.map((u) => u.password);
  const monitor = desired.variables.find((v) => v.variable_name === 'mysql-monitor_password')?.variable_value;
  return [...passwords, monitor].filter((p): p is string => typeof p === 'string');
}

/** Message and errno only (mysql2 errors also carry the formatted SQL, values included). */
function describeError(err: unknown, secrets: readonly string[]): { message: string; errno?: number } {
  const e = err as { message?: unknown; errno?: unknown };
  let message = typeof e?.message === 'string' ? e.message : String(err);
  for (const secret of secrets) if (secret.length >= 4) message = message.split(secret).join('***');
  return typeof e?.errno === 'number' ? { message, errno: e.errno } : { message };
}
