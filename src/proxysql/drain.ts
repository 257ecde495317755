/**
 * Taking a member out of ProxySQL before it restarts, and back in afterwards.
 *
 * `status='OFFLINE_SOFT'` in mysql_servers is undone by ProxySQL's Galera monitor at its next
 * check of a healthy member (facts.md), so the drain is done on the member itself:
 * `SET GLOBAL wsrep_desync=ON` makes the monitor move it out of the writer and reader
 * hostgroups within one check, with no multi-writer window. The member-side statement belongs
 * to src/mysql/ (one statement per call on a root connection to that member); this module says
 * what to run and how to tell, from runtime_mysql_servers, that the drain has taken effect.
 */
import type { Row } from './tables.js';
import { HOSTGROUP } from './topology.js';

export interface ProxySQLDrainPlan {
  /** Run on the member before stopping it. */
  drainStatement: 'SET GLOBAL wsrep_desync=ON';
  /** Run on the member once it is Synced again after the restart (a restart also clears it). */
  undrainStatement: 'SET GLOBAL wsrep_desync=OFF';
  /** The member's hostname as it appears in mysql_servers. */
  host: string;
  /**
   * When draining the writer: the weights must be re-planned with another writer first
   * (desired-state.ts), or the member would be promoted back as soon as it returns.
   */
  isWriter: boolean;
}

export function proxysqlDrainPlan(host: string, isWriter: boolean): ProxySQLDrainPlan {
  return {
    drainStatement: 'SET GLOBAL wsrep_desync=ON',
    undrainStatement: 'SET GLOBAL wsrep_desync=OFF',
    host,
    isWriter,
  };
}

/**
 * True when runtime_mysql_servers no longer routes new traffic to `host`: it is not ONLINE in
 * the writer or the reader hostgroup. (Existing connections end with their transactions.)
 */
export function isDrainedInRuntime(runtimeServers: readonly Row[], host: string): boolean {
  const routing = new Set([String(HOSTGROUP.writer), String(HOSTGROUP.reader)]);
  return !runtimeServers.some(
    (r) => r.hostname === host && routing.has(String(r.hostgroup_id)) && r.status === 'ONLINE',
  );
}
