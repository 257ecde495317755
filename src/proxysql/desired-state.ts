/**
 * What a ProxySQL in front of one cluster should have in its admin tables, as pure data.
 * Rows use the admin interface's string form so they compare directly with what it returns.
 */
import { QUERY_RULE_FLAGS, QUERY_RULES } from './query-rules.js';
import type { Row } from './tables.js';
import { HOSTGROUP, MEMBER_MYSQL_PORT, writerFirst, type ProxyMember } from './topology.js';
import { proxysqlTuning, type ProxySQLTuning } from './tuning.js';

export interface ProxySQLCredentials {
  username: string;
  password: string;
}

export interface ProxySQLAppUser extends ProxySQLCredentials {
  defaultSchema?: string;
}

export interface ProxySQLDesiredInput {
  members: readonly ProxyMember[];
  /** The current writer's pod name (status.writer); null before one is known. */
  writer: string | null;
  /** A member being drained for a restart: OFFLINE_SOFT (no new connections) in every proxy. */
  drained?: string;
  appUsers: readonly ProxySQLAppUser[];
  monitor: ProxySQLCredentials;
  tuning?: Partial<ProxySQLTuning>;
  /** Writesets a member may have queued (wsrep_local_recv_queue) before it stops serving. */
  maxTransactionsBehind?: number;
  /** Per-member cap on ProxySQL's backend connections. */
  maxConnectionsPerMember?: number;
}

export interface ProxySQLDesiredState {
  variables: Row[];
  users: Row[];
  queryRules: Row[];
  galeraHostgroups: Row[];
  servers: Row[];
}

export const WRITER_WEIGHT = 1000;
const FIRST_BACKUP_WEIGHT = 100;
/** 0 would take a reader out at the first queued writeset: flapping under any write load. */
export const DEFAULT_MAX_TRANSACTIONS_BEHIND = 100;

/**
 * ProxySQL picks the writer with the highest weight and fails back to whoever outranks the
 * current one (facts.md), so the current writer gets WRITER_WEIGHT and the others strictly
 * decreasing weights: the successor after a failure is the next member in order, and
 * readers get near-equal shares of reads.
 */
export function memberWeights(members: readonly ProxyMember[], writer: string | null): Map<string, number> {
  const ordered = writerFirst(members, writer);
  return new Map(
    ordered.map((m, i) => [m.name, i === 0 ? WRITER_WEIGHT : Math.max(1, FIRST_BACKUP_WEIGHT - i)]),
  );
}

const str = (value: number | string | null): string | null => (value === null ? null : String(value));

export function buildProxySQLDesiredState(input: ProxySQLDesiredInput): ProxySQLDesiredState {
  const weights = memberWeights(input.members, input.writer);
  const tuning = proxysqlTuning(input.tuning);
  return {
    variables: [
      { variable_name: 'mysql-monitor_username', variable_value: input.monitor.username },
      { variable_name: 'mysql-monitor_password', variable_value: input.monitor.password },
      ...Object.entries(tuning).map(([name, value]) => ({
        variable_name: `mysql-${name}`,
        variable_value: String(value),
      })),
    ],
    users: input.appUsers.map((u) => ({
      username: u.username,
      password: u.password,
      active: '1',
      default_hostgroup: str(HOSTGROUP.writer),
      default_schema: u.defaultSchema ?? null,
      transaction_persistent: '1',
      frontend: '1',
      backend: '1',
    })),
    queryRules: QUERY_RULES.map((rule) => ({
      rule_id: str(rule.rule_id),
      active: str(QUERY_RULE_FLAGS.active),
      proxy_port: str(rule.proxy_port),
      match_digest: rule.match_digest,
      re_modifiers: QUERY_RULE_FLAGS.re_modifiers,
      destination_hostgroup: str(rule.destination_hostgroup),
      error_msg: rule.error_msg,
      apply: str(QUERY_RULE_FLAGS.apply),
      comment: rule.comment,
    })),
    galeraHostgroups: [
      {
        writer_hostgroup: str(HOSTGROUP.writer),
        backup_writer_hostgroup: str(HOSTGROUP.backupWriter),
        reader_hostgroup: str(HOSTGROUP.reader),
        offline_hostgroup: str(HOSTGROUP.offline),
        active: '1',
        max_writers: '1',
        // 0 left reads failing while all members were writable, 1 read from the writer too.
        writer_is_also_reader: '2',
        max_transactions_behind: str(input.maxTransactionsBehind ?? DEFAULT_MAX_TRANSACTIONS_BEHIND),
      },
    ],
    servers: input.members.flatMap((m) =>
      hostgroupsOf(m.name, input).map((hostgroup) => ({
        hostgroup_id: str(hostgroup),
        hostname: m.host,
        port: str(m.port ?? MEMBER_MYSQL_PORT),
        status: m.name === input.drained ? 'OFFLINE_SOFT' : 'ONLINE',
        weight: str(weights.get(m.name) ?? 1),
        max_connections: str(input.maxConnectionsPerMember ?? 1000),
        comment: m.name,
      })),
    ),
  };
}

/**
 * Where a member's rows go: the layout the Galera monitor converges to (max_writers=1,
 * writer_is_also_reader=2), written out in full. LOAD MYSQL SERVERS TO RUNTIME puts the rows
 * in effect exactly as given until the monitor's next pass, so with every member in the writer
 * hostgroup (the usual recipe) each LOAD made every member a writer for up to a second
 * (measured: writes alternated between three members for 0.8 s at a writer move). Before a
 * writer is known, every member is a backup writer and the monitor promotes the heaviest.
 *
 * A drained member keeps a row in each routing hostgroup, OFFLINE_SOFT: taking a server out of
 * a hostgroup makes it OFFLINE_HARD, and ProxySQL fails the queries in flight on it (seen: an
 * insert on the old writer failed at the LOAD of a writer move). OFFLINE_SOFT lets them finish;
 * the desync that keeps the member out for good comes once it has none (programming.ts).
 */
function hostgroupsOf(member: string, input: ProxySQLDesiredInput): number[] {
  if (member === input.drained) return [HOSTGROUP.writer, HOSTGROUP.backupWriter, HOSTGROUP.reader];
  if (member === input.writer) return [HOSTGROUP.writer];
  return [HOSTGROUP.backupWriter, HOSTGROUP.reader];
}
