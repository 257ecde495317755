/**
 * Reads, from one ProxySQL's admin interface, whether a member is out of routing
 * (drain.ts isDrainedInRuntime) and how many backend connections to it are still in use.
 * Never throws: a failure comes back as a message.
 */
import { connectProxySQLAdmin, type ProxySQLAdminTarget } from './admin.js';
import { isDrainedInRuntime } from './drain.js';
import type { Row } from './tables.js';

export type ProxySQLDrainStatus = { ok: true; outOfRouting: boolean; connectionsInUse: number } | { ok: false; message: string };

export async function readProxySQLDrainStatus(target: ProxySQLAdminTarget, host: string): Promise<ProxySQLDrainStatus> {
  const timeout = target.queryTimeoutMs ?? 5000;
  try {
    const conn = await connectProxySQLAdmin(target);
    try {
      const [servers] = await conn.query({ sql: 'SELECT hostgroup_id, hostname, status FROM runtime_mysql_servers', timeout });
      const [pool] = await conn.query({
        sql: 'SELECT ConnUsed FROM stats_mysql_connection_pool WHERE srv_host = ?',
        values: [host],
        timeout,
      });
      const inUse = (pool as Row[]).reduce((n, r) => n + (Number(r.ConnUsed) || 0), 0);
      return { ok: true, outOfRouting: isDrainedInRuntime(servers as Row[], host), connectionsInUse: inUse };
    } finally {
      await conn.end().catch(() => conn.destroy());
    }
  } catch (err) {
    const message = (err as Error).message ?? String(err);
    return { ok: false, message: message.split(target.password).join('***') };
  }
}
