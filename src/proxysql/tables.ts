/**
 * The ProxySQL admin tables the operator owns, described as data so one diff serves them all.
 * Rows are column → string|null, the form the admin interface returns ('10', not 10).
 */
import { createHash } from 'node:crypto';
import { HOSTGROUP } from './topology.js';

export type Cell = string | null;
export type Row = Record<string, Cell>;

/** A group of tables loaded to runtime and saved to disk together. */
export type ProxySQLModule = 'MYSQL VARIABLES' | 'MYSQL USERS' | 'MYSQL QUERY RULES' | 'MYSQL SERVERS';

export interface TableSpec {
  table: string;
  runtimeTable: string;
  module: ProxySQLModule;
  /** Columns identifying a row (used in UPDATE/DELETE … WHERE). */
  key: readonly string[];
  /** Every column the operator sets; others keep ProxySQL's defaults. */
  columns: readonly string[];
  /**
   * Desired rows whose key the config table lacks are left out instead of inserted: a global
   * variable this ProxySQL version does not know would never reach runtime, and the module
   * would be loaded again on every sync.
   */
  onlyExistingKeys?: boolean;
  /** Rows the operator does not own and must leave alone (e.g. other global variables). */
  ownsRow?: (row: Row, desired: readonly Row[]) => boolean;
  /** Canonical value for comparisons (e.g. a password in clear text or hashed). */
  canonical?: (column: string, value: Cell) => Cell;
  /**
   * What the runtime table says is in effect, as rows comparable with the desired ones.
   * Default: the runtime rows themselves.
   */
  runtimeView?: (runtimeRows: readonly Row[]) => Row[];
  /** The part of a desired row the runtime view keeps. Default: the whole row. */
  desiredView?: (row: Row) => Row;
}

export function normalizeCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : String(value);
}

/** MySQL/MariaDB native password hash, the form ProxySQL may keep in runtime_mysql_users. */
export function nativePasswordHash(password: string): string {
  const inner = createHash('sha1').update(password, 'utf8').digest();
  return '*' + createHash('sha1').update(inner).digest('hex').toUpperCase();
}

const NATIVE_HASH = /^\*[0-9A-F]{40}$/i;

function canonicalPassword(column: string, value: Cell): Cell {
  if (column !== 'password' || value === null) return value;
  return NATIVE_HASH.test(value) ? value.toUpperCase() : nativePasswordHash(value);
}

const ourHostgroups = new Set(Object.values(HOSTGROUP).map(String));

export const SERVERS_TABLE: TableSpec = {
  table: 'mysql_servers',
  runtimeTable: 'runtime_mysql_servers',
  module: 'MYSQL SERVERS',
  key: ['hostgroup_id', 'hostname', 'port'],
  columns: ['hostgroup_id', 'hostname', 'port', 'status', 'weight', 'max_connections', 'comment'],
  // The Galera monitor moves members between our hostgroups and sets their status: what is in
  // effect is each member's address, weight and comment, wherever the monitor placed it.
  runtimeView: (rows) =>
    dedupe(
      rows
        .filter((r) => ourHostgroups.has(r.hostgroup_id ?? '') && r.status !== 'OFFLINE_HARD')
        .map((r) => pick(r, ['hostname', 'port', 'weight', 'max_connections', 'comment'])),
    ),
  desiredView: (row) => pick(row, ['hostname', 'port', 'weight', 'max_connections', 'comment']),
};

export const GALERA_HOSTGROUPS_TABLE: TableSpec = {
  table: 'mysql_galera_hostgroups',
  runtimeTable: 'runtime_mysql_galera_hostgroups',
  module: 'MYSQL SERVERS',
  key: ['writer_hostgroup'],
  columns: [
    'writer_hostgroup',
    'backup_writer_hostgroup',
    'reader_hostgroup',
    'offline_hostgroup',
    'active',
    'max_writers',
    'writer_is_also_reader',
    'max_transactions_behind',
  ],
};

export const QUERY_RULES_TABLE: TableSpec = {
  table: 'mysql_query_rules',
  runtimeTable: 'runtime_mysql_query_rules',
  module: 'MYSQL QUERY RULES',
  key: ['rule_id'],
  columns: [
    'rule_id',
    'active',
    'proxy_port',
    'match_digest',
    're_modifiers',
    'destination_hostgroup',
    'error_msg',
    'apply',
    'comment',
  ],
};

export const USERS_TABLE: TableSpec = {
  table: 'mysql_users',
  runtimeTable: 'runtime_mysql_users',
  module: 'MYSQL USERS',
  key: ['username'],
  columns: [
    'username',
    'password',
    'active',
    'default_hostgroup',
    'default_schema',
    'transaction_persistent',
    'frontend',
    'backend',
  ],
  canonical: canonicalPassword,
  // At runtime a user is split into a frontend row and a backend row.
  runtimeView: (rows) => dedupe(rows.map((r) => omit(r, ['frontend', 'backend']))),
  desiredView: (row) => omit(row, ['frontend', 'backend']),
};

export const VARIABLES_TABLE: TableSpec = {
  table: 'global_variables',
  runtimeTable: 'runtime_global_variables',
  module: 'MYSQL VARIABLES',
  key: ['variable_name'],
  columns: ['variable_name', 'variable_value'],
  onlyExistingKeys: true,
  ownsRow: (row, desired) => desired.some((d) => d.variable_name === row.variable_name),
};

/** In the order they are programmed: credentials and variables before what uses them. */
export const MANAGED_TABLES: readonly TableSpec[] = [
  VARIABLES_TABLE,
  USERS_TABLE,
  QUERY_RULES_TABLE,
  GALERA_HOSTGROUPS_TABLE,
  SERVERS_TABLE,
];

function pick(row: Row, columns: readonly string[]): Row {
  return Object.fromEntries(columns.map((c) => [c, normalizeCell(row[c])]));
}

function omit(row: Row, columns: readonly string[]): Row {
  return Object.fromEntries(Object.entries(row).filter(([c]) => !columns.includes(c)));
}

function dedupe(rows: Row[]): Row[] {
  const seen = new Map<string, Row>();
  for (const row of rows) seen.set(JSON.stringify(Object.entries(row).sort()), row);
  return [...seen.values()];
}
