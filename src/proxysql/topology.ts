/**
 * Names and numbers shared by everything that programs a proxy in front of a Galera cluster.
 * Ports are the proxy's client-facing listeners (Service `<name>-proxy`, interfaces.md).
 */

export const PROXY_READ_WRITE_PORT = 3306;
export const PROXY_READ_ONLY_PORT = 3307;
export const PROXYSQL_ADMIN_PORT = 6032;
export const MEMBER_MYSQL_PORT = 3306;

/** ProxySQL hostgroups of one cluster (one ProxySQL serves one cluster, so fixed numbers suffice). */
export const HOSTGROUP = {
  writer: 10,
  backupWriter: 20,
  reader: 30,
  offline: 40,
} as const;

/** One Galera member as the proxies address it. */
export interface ProxyMember {
  /** Pod name, e.g. `shop-1`; also the HAProxy server name and the ProxySQL row comment. */
  name: string;
  /** Where the proxy connects: the stable DNS name in Kubernetes, an IP in local tests. */
  host: string;
  port?: number;
}

/** Stable DNS name of member `i` through the headless Service (`publishNotReadyAddresses`). */
export function memberDnsName(cluster: string, namespace: string, index: number): string {
  return `${cluster}-${index}.${cluster}-headless.${namespace}.svc.cluster.local`;
}

/** The members of a cluster of `replicas` pods, addressed by their stable DNS names. */
export function clusterMembers(cluster: string, namespace: string, replicas: number): ProxyMember[] {
  return Array.from({ length: replicas }, (_, i) => ({
    name: `${cluster}-${i}`,
    host: memberDnsName(cluster, namespace, i),
  }));
}

/**
 * Members with the current writer first, the others in their given order. Both proxies rank
 * by position (HAProxy: the non-backup server; ProxySQL: weight derived from position), so
 * this ordering is what keeps the writer sticky: after a failover the operator re-renders
 * with the new writer first and a returning member never takes the role back.
 */
export function writerFirst(members: readonly ProxyMember[], writer: string | null): ProxyMember[] {
  const current = members.find((m) => m.name === writer);
  if (!current) return [...members];
  return [current, ...members.filter((m) => m !== current)];
}
