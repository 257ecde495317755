/**
 * Which parts of a pod spec the agent cannot honour. Unsupported features fail the pod with a
 * reason; fields it can only ignore are announced once with an event. Pure.
 */
import type { V1Container, V1Pod, V1Volume } from '@kubernetes/client-node';

const SUPPORTED_VOLUME_KINDS = ['persistentVolumeClaim', 'configMap', 'secret', 'emptyDir', 'downwardAPI', 'projected', 'hostPath'];

export function volumeKind(v: V1Volume): string {
  return Object.keys(v).find((k) => k !== 'name' && (v as unknown as Record<string, unknown>)[k] != null) ?? 'unknown';
}

export interface SupportReport {
  /** Reasons the pod cannot run here at all. */
  unsupported: string[];
  /** Fields that are accepted but have no effect on this cluster. */
  ignored: string[];
}

function probeProblems(c: V1Container, kind: string): string[] {
  const probes = { startupProbe: c.startupProbe, livenessProbe: c.livenessProbe, readinessProbe: c.readinessProbe };
  return Object.entries(probes)
    .filter(([, p]) => p?.grpc)
    .map(([name]) => `${kind} ${c.name}: ${name} uses grpc, which this local cluster does not support (use exec, tcpSocket or httpGet)`);
}

function containerIgnored(c: V1Container, kind: string): string[] {
  const out: string[] = [];
  const where = `${kind} ${c.name}`;
  if (c.securityContext && Object.keys(c.securityContext).length) out.push(`${where}: securityContext (every process runs as the agent's user)`);
  if (c.resources?.limits && Object.keys(c.resources.limits).length) out.push(`${where}: resources.limits (not enforced)`);
  if (c.ports?.some((p) => p.hostPort)) out.push(`${where}: hostPort (use the pod IP or a Service)`);
  if (c.lifecycle?.postStart) out.push(`${where}: lifecycle.postStart hook (not run)`);
  if (c.stdin || c.tty) out.push(`${where}: stdin/tty`);
  return out;
}

export function checkSupport(pod: V1Pod): SupportReport {
  const spec = pod.spec;
  const unsupported: string[] = [];
  const ignored: string[] = [];
  if (!spec) return { unsupported: ['pod has no spec'], ignored };
  if (spec.hostNetwork) unsupported.push('hostNetwork is not supported by this local cluster');
  if (spec.hostPID || spec.hostIPC) unsupported.push('hostPID/hostIPC are not supported by this local cluster');
  for (const v of spec.volumes ?? []) {
    const kind = volumeKind(v);
    if (!SUPPORTED_VOLUME_KINDS.includes(kind)) unsupported.push(`volume ${v.name}: type ${kind} is not supported by this local cluster`);
    if (v.emptyDir?.medium === 'Memory' || v.emptyDir?.sizeLimit) ignored.push(`volume ${v.name}: emptyDir medium/sizeLimit (a plain directory here)`);
  }
  for (const c of spec.initContainers ?? []) {
    if (c.restartPolicy === 'Always') unsupported.push(`init container ${c.name}: sidecar init containers (restartPolicy Always) are not supported`);
    ignored.push(...containerIgnored(c, 'init container'));
  }
  for (const c of spec.containers) {
    unsupported.push(...probeProblems(c, 'container'));
    ignored.push(...containerIgnored(c, 'container'));
  }
  if (spec.securityContext && Object.keys(spec.securityContext).length) ignored.push('pod securityContext (every process runs as the agent\'s user)');
  if (spec.dnsConfig || (spec.dnsPolicy && spec.dnsPolicy !== 'ClusterFirst')) ignored.push('dnsPolicy/dnsConfig (names resolve through the per-pod hosts file)');
  if (spec.ephemeralContainers?.length) ignored.push('ephemeral containers');
  return { unsupported, ignored };
}
