/**
 * What a ProxySQL's admin tables look like after a state was loaded, as the admin interface
 * returns them (strings everywhere): config tables hold the rows as written; at runtime the
 * Galera monitor spreads servers over the writer, backup-writer and reader hostgroups (backup
 * writers also stay in the writer hostgroup as SHUNNED) and users are split into a frontend
 * and a backend row, one of them with a hashed password.
 */
import type { ProxySQLDesiredState } from '../../../src/proxysql/desired-state.js';
import type { ObservedProxySQLState } from '../../../src/proxysql/diff.js';
import { nativePasswordHash, type Row } from '../../../src/proxysql/tables.js';

export function observedAfterLoad(state: ProxySQLDesiredState): ObservedProxySQLState {
  const topWeight = Math.max(...state.servers.map((s) => Number(s.weight)));
  const runtimeServers: Row[] = state.servers.flatMap((s) =>
    Number(s.weight) === topWeight
      ? [{ ...s, hostgroup_id: '10', status: 'ONLINE' }]
      : [
          { ...s, hostgroup_id: '10', status: 'SHUNNED' },
          { ...s, hostgroup_id: '20', status: 'ONLINE' },
          { ...s, hostgroup_id: '30', status: 'ONLINE' },
        ],
  );
  const runtimeUsers: Row[] = state.users.flatMap((u) => [
    { ...u, frontend: '1', backend: '0', password: nativePasswordHash(u.password!) },
    { ...u, frontend: '0', backend: '1' },
  ]);
  const copy = (rows: Row[]): Row[] => rows.map((r) => ({ ...r }));
  return {
    global_variables: { config: copy(state.variables), runtime: copy(state.variables) },
    mysql_users: { config: copy(state.users), runtime: runtimeUsers },
    mysql_query_rules: { config: copy(state.queryRules), runtime: copy(state.queryRules) },
    mysql_galera_hostgroups: { config: copy(state.galeraHostgroups), runtime: copy(state.galeraHostgroups) },
    mysql_servers: { config: copy(state.servers), runtime: runtimeServers },
  };
}
