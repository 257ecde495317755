/** Downward API: the value of a fieldRef / resourceFieldRef for a pod, as a kubelet computes it. Pure. */
import type { V1Container, V1Pod, V1ResourceFieldSelector } from '@kubernetes/client-node';
import { NODE_CAPACITY } from './config.js';

export interface PodAddresses {
  podIP: string;
  hostIP: string;
}

/** `key="value"` lines, sorted by key, as the downward API formats whole label/annotation maps. */
function formatMap(map: Record<string, string> | undefined): string {
  return Object.keys(map ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(map?.[k] ?? '')}`)
    .join('\n');
}

const SUBSCRIPT = /^metadata\.(labels|annotations)\['([^']+)'\]$/;

/** Returns undefined for a field path this agent does not know. */
export function fieldPathValue(pod: V1Pod, addr: PodAddresses, fieldPath: string): string | undefined {
  const meta = pod.metadata ?? {};
  const sub = SUBSCRIPT.exec(fieldPath);
  if (sub) {
    const map = sub[1] === 'labels' ? meta.labels : meta.annotations;
    return map?.[sub[2] ?? ''] ?? '';
  }
  switch (fieldPath) {
    case 'metadata.name': return meta.name ?? '';
    case 'metadata.namespace': return meta.namespace ?? '';
    case 'metadata.uid': return meta.uid ?? '';
    case 'metadata.labels': return formatMap(meta.labels);
    case 'metadata.annotations': return formatMap(meta.annotations);
    case 'spec.nodeName': return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName': return pod.spec?.serviceAccountName ?? '';
    case 'status.podIP': return addr.podIP;
    case 'status.podIPs': return addr.podIP;
    case 'status.hostIP': return addr.hostIP;
    case 'status.hostIPs': return addr.hostIP;
    default: return undefined;
  }
}

const CPU_UNITS: Record<string, number> = { '': 1, m: 0.001 };
const BYTE_UNITS: Record<string, number> = {
  '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4,
};

/** Parse a Kubernetes quantity ("500m", "1Gi", "2") into a number of base units. */
export function parseQuantity(q: string): number {
  const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(q.trim());
  if (!m) throw new Error(`bad quantity ${q}`);
  const factor = CPU_UNITS[m[2] ?? ''] ?? BYTE_UNITS[m[2] ?? ''];
  if (factor === undefined) throw new Error(`bad quantity suffix in ${q}`);
  return Number(m[1]) * factor;
}

/** limits.cpu / requests.memory etc. of a container; limits fall back to node allocatable, as in a kubelet. */
export function resourceFieldValue(container: V1Container | undefined, ref: V1ResourceFieldSelector): string {
  const [kind, resource] = ref.resource.split('.') as ['limits' | 'requests', string];
  const fromSpec = container?.resources?.[kind]?.[resource];
  const nodeDefault = kind === 'limits' ? (NODE_CAPACITY as Record<string, string>)[resource] : '0';
  const value = parseQuantity(String(fromSpec ?? nodeDefault ?? '0'));
  const divisor = parseQuantity(String(ref.divisor ?? '1'));
  return String(Math.ceil(value / divisor));
}
