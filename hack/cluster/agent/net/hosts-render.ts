import type { V1Pod, V1Service } from '@kubernetes/client-node';
import { hasClusterIP, isHeadless, podHostname, servicePods } from './pod-selection.js';

export const CLUSTER_DOMAIN = 'cluster.local';

export interface HostsPodIdentity {
  namespace: string;
  name: string;
  ip: string;
  hostname: string;
  subdomain?: string;
}

/** Ordered ip → names, each name once per ip; the first ip a name gets is the one resolvers return. */
class HostsTable {
  private readonly byIp = new Map<string, string[]>();

  add(ip: string, names: string[]): void {
    const existing = this.byIp.get(ip) ?? [];
    for (const name of names) if (!existing.includes(name)) existing.push(name);
    this.byIp.set(ip, existing);
  }

  lines(): string[] {
    return [...this.byIp].map(([ip, names]) => `${ip}\t${names.join(' ')}`);
  }
}

/**
 * Names under which `name` in namespace `ns` (a Service, or "<pod>.<headless-svc>") is reachable,
 * longest first, as DNS search domains `<ns>.svc.<domain> svc.<domain> <domain>` would allow.
 */
function serviceNames(name: string, ns: string, readerNamespace: string): string[] {
  const names = [`${name}.${ns}.svc.${CLUSTER_DOMAIN}`, `${name}.${ns}.svc`, `${name}.${ns}`];
  if (ns === readerNamespace) names.push(name);
  return names;
}

function byNamespaceAndName(a: V1Service, b: V1Service): number {
  const ka = `${a.metadata?.namespace}/${a.metadata?.name}`;
  const kb = `${b.metadata?.namespace}/${b.metadata?.name}`;
  return ka.localeCompare(kb);
}

/**
 * The /etc/hosts a pod sees: loopback, its own names (as the kubelet writes them), every
 * ClusterIP Service's virtual IP, and every headless Service's published pods.
 * IPv6 loopback is left out on purpose: nothing in the local cluster may use addresses outside
 * 127.0.0.0/8, and a `::1 localhost` line makes clients try ::1 first.
 */
export function renderHostsFile(
  self: HostsPodIdentity,
  services: readonly V1Service[],
  pods: readonly V1Pod[],
): string {
  const table = new HostsTable();
  table.add('127.0.0.1', ['localhost']);

  const ownNames = self.subdomain
    ? [
        `${self.hostname}.${self.subdomain}.${self.namespace}.svc.${CLUSTER_DOMAIN}`,
        `${self.hostname}.${self.subdomain}`,
        self.hostname,
      ]
    : [self.hostname];
  table.add(self.ip, ownNames);

  const sorted = [...services].sort(byNamespaceAndName);
  for (const svc of sorted) {
    const name = svc.metadata?.name;
    const ns = svc.metadata?.namespace;
    if (!name || !ns) continue;
    if (hasClusterIP(svc)) {
      table.add(svc.spec!.clusterIP!, serviceNames(name, ns, self.namespace));
    } else if (isHeadless(svc)) {
      for (const pod of servicePods(svc, pods)) {
        const ip = pod.status!.podIP!;
        table.add(ip, serviceNames(`${podHostname(pod)}.${name}`, ns, self.namespace));
        table.add(ip, serviceNames(name, ns, self.namespace));
      }
    }
  }
  return ['# Kubernetes-managed hosts file (local cluster node agent).', ...table.lines(), ''].join(
    '\n',
  );
}
