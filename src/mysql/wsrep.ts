/** Galera status and the few runtime switches the operator uses. */
import { runStatements, withSession, type MemberEndpoint, type SqlTimeouts } from './connection.js';
import type { SqlResult } from './errors.js';

export interface WsrepStatus {
  /** Primary | non-Primary | Disconnected ('' when wsrep is off). */
  clusterStatus: string;
  /** 1 Joining, 2 Donor/Desynced, 3 Joined, 4 Synced; 0 when unknown. */
  localState: number;
  localStateComment: string;
  clusterSize: number;
  clusterStateUuid: string;
  /** wsrep_cluster_conf_id: members of one component share it; -1 when unknown. */
  confId: number;
  /** wsrep_last_committed; -1 when unknown. */
  lastCommitted: number;
  /** wsrep_ready = ON. */
  ready: boolean;
  /** wsrep_connected = ON. */
  connected: boolean;
}

/** Primary ∧ Synced: the member may serve traffic. */
export function isPrimarySynced(status: WsrepStatus): boolean {
  return status.clusterStatus === 'Primary' && status.localState === 4 && status.ready;
}

function toInt(value: string | undefined, fallback: number): number {
  return value !== undefined && /^-?\d+$/.test(value.trim()) ? Number(value) : fallback;
}

/** Builds WsrepStatus from `SHOW GLOBAL STATUS LIKE 'wsrep%'` rows (pure). */
export function parseWsrepStatus(rows: Array<{ Variable_name?: unknown; Value?: unknown }>): WsrepStatus {
  const vars = new Map<string, string>();
  for (const row of rows) {
    if (row.Variable_name !== undefined) vars.set(String(row.Variable_name).toLowerCase(), String(row.Value ?? ''));
  }
  return {
    clusterStatus: vars.get('wsrep_cluster_status') ?? '',
    localState: toInt(vars.get('wsrep_local_state'), 0),
    localStateComment: vars.get('wsrep_local_state_comment') ?? '',
    clusterSize: toInt(vars.get('wsrep_cluster_size'), 0),
    clusterStateUuid: vars.get('wsrep_cluster_state_uuid') ?? '',
    confId: toInt(vars.get('wsrep_cluster_conf_id'), -1),
    lastCommitted: toInt(vars.get('wsrep_last_committed'), -1),
    ready: vars.get('wsrep_ready') === 'ON',
    connected: vars.get('wsrep_connected') === 'ON',
  };
}

export async function readWsrepStatus(member: MemberEndpoint, timeouts?: SqlTimeouts): Promise<SqlResult<WsrepStatus>> {
  return withSession(
    member,
    async (session) => {
      const rows = await session.query<{ Variable_name: string; Value: string }>({
        sql: "SHOW GLOBAL STATUS LIKE 'wsrep%'",
        label: 'read wsrep status',
      });
      return rows.ok ? { ok: true, value: parseWsrepStatus(rows.value) } : rows;
    },
    timeouts,
  );
}

/** Makes a non-Primary member form a Primary component on its own (quorum loss, rule 4). */
export async function setPcBootstrap(member: MemberEndpoint, timeouts?: SqlTimeouts): Promise<SqlResult<void>> {
  const result = await runStatements(
    member,
    [{ sql: "SET GLOBAL wsrep_provider_options='pc.bootstrap=YES'", label: 'set pc.bootstrap' }],
    timeouts,
  );
  return result.ok ? { ok: true, value: undefined } : result;
}

/** Desyncs a member (backup, drain) or brings it back. */
export async function setDesync(member: MemberEndpoint, on: boolean, timeouts?: SqlTimeouts): Promise<SqlResult<void>> {
  const result = await runStatements(
    member,
    [{ sql: `SET GLOBAL wsrep_desync=${on ? 'ON' : 'OFF'}`, label: `set wsrep_desync ${on ? 'ON' : 'OFF'}` }],
    timeouts,
  );
  return result.ok ? { ok: true, value: undefined } : result;
}
