/**
 * ProxySQL mysql variables the operator sets, named as in proxysql.cnf's `mysql_variables`
 * (the admin table `global_variables` names them with a `mysql-` prefix).
 * Values and reasons: facts.md "ProxySQL's Galera support, as it behaves".
 */
export interface ProxySQLTuning {
  /** 1 (the default) re-sent a committed write to the new writer: a silent duplicate. */
  query_retries_on_failure: number;
  /** Galera check every second (measured: routing stops within 0.05–0.3 s of a kill). */
  monitor_galera_healthcheck_interval: number;
  /** A stopped (SIGSTOP) member still accepts TCP: the check must time out on its own. */
  monitor_galera_healthcheck_timeout: number;
  monitor_galera_healthcheck_max_timeout_count: number;
  /** Pings readmit a member that missed 3 of them; the default 10 s made that take up to 8 s. */
  monitor_ping_interval: number;
  monitor_ping_timeout: number;
  monitor_connect_interval: number;
  monitor_connect_timeout: number;
  /** New backend connections give up fast so a dead member costs at most this much. */
  connect_timeout_server: number;
  connect_timeout_server_max: number;
  /**
   * Members are addressed by DNS name and a re-created member pod has a new IP: the default
   * cache (5 min) would keep the old address that long. Not measured here (no proxysql binary).
   */
  monitor_local_dns_cache_ttl: number;
  monitor_local_dns_cache_refresh_interval: number;
}

export const DEFAULT_PROXYSQL_TUNING: Readonly<ProxySQLTuning> = {
  query_retries_on_failure: 0,
  monitor_galera_healthcheck_interval: 1000,
  monitor_galera_healthcheck_timeout: 800,
  monitor_galera_healthcheck_max_timeout_count: 2,
  monitor_ping_interval: 2000,
  monitor_ping_timeout: 1000,
  monitor_connect_interval: 10000,
  monitor_connect_timeout: 1000,
  connect_timeout_server: 1000,
  connect_timeout_server_max: 3000,
  monitor_local_dns_cache_ttl: 5000,
  monitor_local_dns_cache_refresh_interval: 1000,
};

export function proxysqlTuning(overrides: Partial<ProxySQLTuning> = {}): ProxySQLTuning {
  return { ...DEFAULT_PROXYSQL_TUNING, ...overrides };
}
