/**
 * The minimal admin statements that bring one ProxySQL to the desired state.
 *
 * Config tables (mysql_servers, …) are what the statements edit; runtime tables
 * (runtime_mysql_servers, …) are what is in effect. A module is loaded to runtime only when
 * its config had to change or its runtime differs from the desired state: every
 * `LOAD MYSQL SERVERS TO RUNTIME` briefly makes all members writers (facts.md), so nothing is
 * loaded when nothing changed. Values travel as `?` parameters, filled in as SQLite literals
 * by admin.ts (the admin interface rejects prepared statements).
 */
import type { ProxySQLDesiredState } from './desired-state.js';
import {
  GALERA_HOSTGROUPS_TABLE,
  MANAGED_TABLES,
  normalizeCell,
  QUERY_RULES_TABLE,
  SERVERS_TABLE,
  USERS_TABLE,
  VARIABLES_TABLE,
  type Cell,
  type ProxySQLModule,
  type Row,
  type TableSpec,
} from './tables.js';

export interface AdminStatement {
  /** SQL with `?` placeholders; safe to log (values, passwords among them, are in params). */
  sql: string;
  params: Cell[];
  module: ProxySQLModule;
}

/** Rows read from one table's config and runtime versions. */
export interface ObservedTable {
  config: readonly Row[];
  runtime: readonly Row[];
}

/** Observed rows keyed by config table name (`mysql_servers`, …). */
export type ObservedProxySQLState = Record<string, ObservedTable>;

export interface ProxySQLPlan {
  statements: AdminStatement[];
  /** Modules that get `LOAD … TO RUNTIME` (and `SAVE … TO DISK`). */
  loadedModules: ProxySQLModule[];
  /** Desired rows this ProxySQL has no place for (e.g. `global_variables:mysql-foo`). */
  unsupported: string[];
}

export function desiredRows(spec: TableSpec, desired: ProxySQLDesiredState): Row[] {
  switch (spec) {
    case VARIABLES_TABLE:
      return desired.variables;
    case USERS_TABLE:
      return desired.users;
    case QUERY_RULES_TABLE:
      return desired.queryRules;
    case GALERA_HOSTGROUPS_TABLE:
      return desired.galeraHostgroups;
    case SERVERS_TABLE:
      return desired.servers;
    default:
      throw new Error(`no desired rows for ${spec.table}`);
  }
}

export function planProxySQLChanges(
  desired: ProxySQLDesiredState,
  observed: ObservedProxySQLState,
  tables: readonly TableSpec[] = MANAGED_TABLES,
): ProxySQLPlan {
  const statements: AdminStatement[] = [];
  const loadedModules: ProxySQLModule[] = [];
  const unsupported: string[] = [];
  const modules = [...new Set(tables.map((t) => t.module))];
  for (const module of modules) {
    let needsLoad = false;
    for (const spec of tables.filter((t) => t.module === module)) {
      const seen = observed[spec.table] ?? { config: [], runtime: [] };
      let want = desiredRows(spec, desired);
      if (spec.onlyExistingKeys) {
        const present = new Set(seen.config.map((r) => keyOf(spec, r)));
        unsupported.push(...want.filter((r) => !present.has(keyOf(spec, r))).map((r) => `${spec.table}:${spec.key.map((k) => r[k]).join('/')}`));
        want = want.filter((r) => present.has(keyOf(spec, r)));
      }
      const writes = configStatements(spec, want, seen.config);
      statements.push(...writes);
      needsLoad ||= writes.length > 0 || !runtimeMatches(spec, want, seen.runtime);
    }
    if (needsLoad) {
      loadedModules.push(module);
      statements.push(
        { sql: `LOAD ${module} TO RUNTIME`, params: [], module },
        { sql: `SAVE ${module} TO DISK`, params: [], module },
      );
    }
  }
  return { statements, loadedModules, unsupported };
}

/** DELETE / INSERT / UPDATE statements that turn the config table into the desired rows. */
export function configStatements(spec: TableSpec, want: readonly Row[], config: readonly Row[]): AdminStatement[] {
  const owned = config.map(normalizeRow).filter((r) => spec.ownsRow?.(r, want) ?? true);
  const byKey = groupBy(owned, (r) => keyOf(spec, r));
  const statements: AdminStatement[] = [];
  const stmt = (sql: string, params: Cell[]): AdminStatement => ({ sql, params, module: spec.module });
  const where = spec.key.map((k) => `${k}=?`).join(' AND ');
  const keyParams = (r: Row): Cell[] => spec.key.map((k) => r[k] ?? null);
  const insert = (r: Row): AdminStatement =>
    stmt(
      `INSERT INTO ${spec.table} (${spec.columns.join(',')}) VALUES (${spec.columns.map(() => '?').join(',')})`,
      spec.columns.map((c) => r[c] ?? null),
    );

  const wantedKeys = new Set(want.map((r) => keyOf(spec, r)));
  for (const [key, rows] of byKey) {
    if (!wantedKeys.has(key)) statements.push(stmt(`DELETE FROM ${spec.table} WHERE ${where}`, keyParams(rows[0]!)));
  }
  for (const row of want) {
    const existing = byKey.get(keyOf(spec, row)) ?? [];
    if (existing.length === 0) {
      statements.push(insert(row));
    } else if (existing.length > 1) {
      // Several rows under one key (e.g. a user split into frontend/backend rows): start over.
      statements.push(stmt(`DELETE FROM ${spec.table} WHERE ${where}`, keyParams(row)), insert(row));
    } else {
      const changed = spec.columns.filter((c) => !sameCell(spec, c, row[c] ?? null, existing[0]![c] ?? null));
      if (changed.length > 0) {
        statements.push(
          stmt(`UPDATE ${spec.table} SET ${changed.map((c) => `${c}=?`).join(', ')} WHERE ${where}`, [
            ...changed.map((c) => row[c] ?? null),
            ...keyParams(row),
          ]),
        );
      }
    }
  }
  return statements;
}

/** Whether what is in effect equals the desired rows (as a set, in the table's runtime view). */
export function runtimeMatches(spec: TableSpec, want: readonly Row[], runtime: readonly Row[]): boolean {
  const owned = runtime.map(normalizeRow).filter((r) => spec.ownsRow?.(r, want) ?? true);
  const effective = spec.runtimeView ? spec.runtimeView(owned) : owned;
  const wanted = want.map((r) => (spec.desiredView ? spec.desiredView(r) : r));
  const columns = Object.keys(wanted[0] ?? effective[0] ?? {});
  const signature = (r: Row): string =>
    JSON.stringify(columns.map((c) => canonicalCell(spec, c, normalizeCell(r[c]))));
  const a = new Set(effective.map(signature));
  const b = new Set(wanted.map(signature));
  return a.size === b.size && [...a].every((s) => b.has(s));
}

function normalizeRow(row: Row): Row {
  return Object.fromEntries(Object.entries(row).map(([c, v]) => [c, normalizeCell(v)]));
}

function canonicalCell(spec: TableSpec, column: string, value: Cell): Cell {
  return spec.canonical ? spec.canonical(column, value) : value;
}

function sameCell(spec: TableSpec, column: string, a: Cell, b: Cell): boolean {
  return canonicalCell(spec, column, a) === canonicalCell(spec, column, b);
}

function keyOf(spec: TableSpec, row: Row): string {
  return JSON.stringify(spec.key.map((k) => normalizeCell(row[k])));
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}
