import type { V1Pod, V1Service, V1ServicePort } from '@kubernetes/client-node';

export function pod(
  name: string,
  opts: {
    ns?: string;
    ip?: string;
    ready?: boolean;
    labels?: Record<string, string>;
    hostname?: string;
    subdomain?: string;
    phase?: string;
    deleting?: boolean;
    ports?: { name: string; containerPort: number; protocol?: string }[];
  } = {},
): V1Pod {
  return {
    metadata: {
      name,
      namespace: opts.ns ?? 'ns1',
      uid: `uid-${opts.ns ?? 'ns1'}-${name}`,
      labels: opts.labels ?? { app: 'web' },
      ...(opts.deleting ? { deletionTimestamp: new Date(0) } : {}),
    },
    spec: {
      hostname: opts.hostname,
      subdomain: opts.subdomain,
      containers: [{ name: 'c', ports: opts.ports }],
    },
    status: {
      phase: opts.phase ?? 'Running',
      podIP: opts.ip,
      conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }],
    },
  };
}

export function service(
  name: string,
  opts: {
    ns?: string;
    clusterIP?: string;
    selector?: Record<string, string>;
    ports?: V1ServicePort[];
    publishNotReady?: boolean;
    type?: string;
    affinity?: boolean;
  } = {},
): V1Service {
  return {
    metadata: { name, namespace: opts.ns ?? 'ns1' },
    spec: {
      clusterIP: opts.clusterIP ?? 'None',
      selector: opts.selector ?? { app: 'web' },
      ports: opts.ports ?? [{ name: 'http', port: 80, targetPort: 8080 }],
      publishNotReadyAddresses: opts.publishNotReady,
      type: opts.type ?? 'ClusterIP',
      ...(opts.affinity ? { sessionAffinity: 'ClientIP' } : {}),
    },
  };
}
