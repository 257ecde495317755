import { isIPv4 } from 'node:net';
import type { V1Pod, V1Service, V1ServicePort } from '@kubernetes/client-node';
import { hasClusterIP, servicePods } from './pod-selection.js';

/** Nothing in the local cluster may listen or connect outside 127.0.0.0/8. */
export function isLoopbackIPv4(ip: string): boolean {
  return isIPv4(ip) && ip.startsWith('127.');
}

export interface ListenerSpec {
  /** `<clusterIP>:<port>`, unique per listener. */
  key: string;
  ip: string;
  port: number;
  namespace: string;
  service: string;
  /** Identifies the Service port across updates (name, or the number when unnamed). */
  portId: string;
}

export interface SkippedPort {
  service: string;
  port: number;
  reason: string;
}

export function servicePortId(port: V1ServicePort): string {
  return port.name || String(port.port);
}

/** Which clusterIP:port listeners the Services call for, and which ports are left out and why. */
export function desiredListeners(services: readonly V1Service[]): {
  listeners: ListenerSpec[];
  skipped: SkippedPort[];
} {
  const listeners: ListenerSpec[] = [];
  const skipped: SkippedPort[] = [];
  for (const svc of services) {
    if (!hasClusterIP(svc)) continue;
    const ip = svc.spec!.clusterIP!;
    const namespace = svc.metadata?.namespace ?? '';
    const service = svc.metadata?.name ?? '';
    for (const port of svc.spec?.ports ?? []) {
      const protocol = port.protocol ?? 'TCP';
      if (protocol !== 'TCP') {
        skipped.push({ service: `${namespace}/${service}`, port: port.port, reason: `${protocol} is not proxied` });
      } else if (!isLoopbackIPv4(ip)) {
        skipped.push({ service: `${namespace}/${service}`, port: port.port, reason: `clusterIP ${ip} is outside 127.0.0.0/8` });
      } else {
        listeners.push({ key: `${ip}:${port.port}`, ip, port: port.port, namespace, service, portId: servicePortId(port) });
      }
    }
  }
  return { listeners, skipped };
}

export interface Endpoint {
  /** Pod UID, or `apiserver`; connections are tracked by it. */
  key: string;
  host: string;
  port: number;
}

/** A Service's targetPort on one pod: the number, the named container port, or the Service port. */
export function resolveTargetPort(pod: V1Pod, servicePort: V1ServicePort): number | undefined {
  const target = servicePort.targetPort;
  if (target === undefined || target === null || target === '') return servicePort.port;
  if (typeof target === 'number') return target;
  const protocol = servicePort.protocol ?? 'TCP';
  for (const container of pod.spec?.containers ?? []) {
    for (const cp of container.ports ?? []) {
      if (cp.name === target && (cp.protocol ?? 'TCP') === protocol) return cp.containerPort;
    }
  }
  return undefined;
}

export function isKubernetesApiService(svc: V1Service): boolean {
  return svc.metadata?.namespace === 'default' && svc.metadata?.name === 'kubernetes';
}

/**
 * Where new connections to one Service port may go, in a stable order. `default/kubernetes`
 * goes to the API server (none when its address is unknown or not allowed).
 */
export function serviceEndpoints(
  svc: V1Service,
  portId: string,
  pods: readonly V1Pod[],
  apiServer: { host: string; port: number } | undefined,
): Endpoint[] {
  if (isKubernetesApiService(svc)) {
    return apiServer ? [{ key: 'apiserver', host: apiServer.host, port: apiServer.port }] : [];
  }
  const servicePort = (svc.spec?.ports ?? []).find((p) => servicePortId(p) === portId);
  if (!servicePort) return [];
  const endpoints: Endpoint[] = [];
  for (const pod of servicePods(svc, pods)) {
    const port = resolveTargetPort(pod, servicePort);
    const host = pod.status!.podIP!;
    if (port === undefined || !isLoopbackIPv4(host)) continue;
    endpoints.push({ key: pod.metadata?.uid ?? `${pod.metadata?.namespace}/${pod.metadata?.name}`, host, port });
  }
  return endpoints;
}

/** Per-listener memory for round-robin and ClientIP affinity. */
export interface PickState {
  counter: number;
  affinity: Map<string, { endpointKey: string; expiresAt: number }>;
}

export function newPickState(): PickState {
  return { counter: 0, affinity: new Map() };
}

const MAX_AFFINITY_ENTRIES = 1024;

function forgetExpired(state: PickState, now: number): void {
  for (const [ip, entry] of state.affinity) if (entry.expiresAt <= now) state.affinity.delete(ip);
}

/** Default for `sessionAffinityConfig.clientIP.timeoutSeconds`, as in Kubernetes. */
export const DEFAULT_AFFINITY_SECONDS = 10_800;

/**
 * Choose the backend for one new connection: the client's remembered endpoint while ClientIP
 * affinity holds and that endpoint is still eligible, otherwise the next one in round-robin.
 * Mutates `state`; undefined when there is no endpoint at all (the caller rejects).
 */
export function pickEndpoint(
  endpoints: readonly Endpoint[],
  state: PickState,
  client: { ip: string; now: number },
  affinitySeconds?: number,
): Endpoint | undefined {
  if (endpoints.length === 0) return undefined;
  if (affinitySeconds !== undefined) {
    const remembered = state.affinity.get(client.ip);
    if (remembered && remembered.expiresAt > client.now) {
      const same = endpoints.find((e) => e.key === remembered.endpointKey);
      if (same) {
        remembered.expiresAt = client.now + affinitySeconds * 1000;
        return same;
      }
    }
  }
  const chosen = endpoints[state.counter % endpoints.length]!;
  state.counter = (state.counter + 1) % Number.MAX_SAFE_INTEGER;
  if (affinitySeconds !== undefined) {
    if (state.affinity.size >= MAX_AFFINITY_ENTRIES) forgetExpired(state, client.now);
    state.affinity.set(client.ip, { endpointKey: chosen.key, expiresAt: client.now + affinitySeconds * 1000 });
  }
  return chosen;
}

/** The affinity window for a Service, or undefined when it has none. */
export function affinitySeconds(svc: V1Service): number | undefined {
  if (svc.spec?.sessionAffinity !== 'ClientIP') return undefined;
  return svc.spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS;
}
