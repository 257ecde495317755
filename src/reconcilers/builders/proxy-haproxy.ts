/**
 * The HAProxy pods: an `haproxy` container running the start script (start-script.ts) that
 * reloads HAProxy whenever the watched config file changes, and an `agent` container (the
 * operator's image, src/proxy-agent/) that writes that file and drives the admin socket on
 * the operator's behalf. Both share the runtime directory (an emptyDir).
 *
 * The ConfigMap carries the scripts and a seed copy of haproxy.cfg for new pods; no password:
 * the external check reads the monitor user's password from the environment (Secret ref).
 */
import type { V1Container, V1EnvVar } from '@kubernetes/client-node';
import type { MySQLClusterSpec } from '../../crd/mysqlcluster.js';
import { MONITOR_USER } from '../../galera/scripts/layout.js';
import { renderCheckScript } from '../../haproxy/check-script.js';
import { renderHAProxyConfig } from '../../haproxy/config.js';
import { HAPROXY_ENV, renderHAProxyStartScript } from '../../haproxy/start-script.js';
import { PROXY_AGENT_PORT } from '../../proxy-agent/api.js';
import { clusterMembers } from '../../proxysql/topology.js';
import { objectNames } from '../labels.js';
import { CREDENTIAL_KEYS } from './credentials.js';
import type { ClusterRef } from './galera-objects.js';
import { PROXY_CONFIG_DIR, PROXY_CONFIG_VOLUME, PROXY_SERVICE_PORTS, proxyTcpProbe, type ProxyPodParts } from './proxy-objects.js';
import { resourceRequirements } from './statefulset.js';

export const HAPROXY_IMAGE = 'haproxy:2.6';
export const HAPROXY_CONTAINER = 'haproxy';
export const PROXY_AGENT_CONTAINER = 'agent';
export const HAPROXY_RUNTIME_DIR = '/run/haproxy';
/** The file the start script watches and the agent replaces. */
export const HAPROXY_LIVE_CONFIG = `${HAPROXY_RUNTIME_DIR}/haproxy.cfg`;
const RUNTIME_VOLUME = 'haproxy-run';

export const HAPROXY_CONFIG_KEYS = { config: 'haproxy.cfg', start: 'start.sh', check: 'check.sh' } as const;

/**
 * haproxy.cfg for the cluster's members with `writer` as the one active write server.
 * Members are addressed by pod IP where known: HAProxy (without a resolvers section, which
 * could not read a pod's hosts file anyway) resolves names only at a reload and then prefers
 * the address saved in its state file, so a member re-created with a new IP would stay DOWN.
 * An IP in the config wins over the saved one; a changed IP is a changed config, pushed and
 * reloaded. A member without an IP yet keeps its stable DNS name.
 */
export function haproxyConfigText(
  cluster: ClusterRef,
  spec: MySQLClusterSpec,
  writer: string | null,
  addresses: ReadonlyMap<string, string> = new Map(),
): string {
  return renderHAProxyConfig({
    members: clusterMembers(cluster.name, cluster.namespace, spec.replicas).map((m) => ({ ...m, host: addresses.get(m.name) ?? m.host })),
    writer,
    // HAProxy expands it from the container's environment: the listeners bind the pod IP only.
    bindAddress: '${POD_IP}',
    runtimeDir: HAPROXY_RUNTIME_DIR,
    checkScriptPath: `${PROXY_CONFIG_DIR}/${HAPROXY_CONFIG_KEYS.check}`,
  });
}

/** Entries read at container start; haproxy.cfg is added separately (it changes with the writer). */
export function haproxyStartupData(): Record<string, string> {
  return {
    [HAPROXY_CONFIG_KEYS.start]: renderHAProxyStartScript({ runtimeDir: HAPROXY_RUNTIME_DIR }),
    [HAPROXY_CONFIG_KEYS.check]: renderCheckScript({ runtimeDir: HAPROXY_RUNTIME_DIR }),
  };
}

const podIpEnv: V1EnvVar = { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } };
const secretEnv = (name: string, cluster: ClusterRef, key: string): V1EnvVar => ({
  name,
  valueFrom: { secretKeyRef: { name: objectNames(cluster.name).credentials, key } },
});

function haproxyContainer(cluster: ClusterRef, spec: MySQLClusterSpec): V1Container {
  return {
    name: HAPROXY_CONTAINER,
    image: HAPROXY_IMAGE,
    command: [
      'bash',
      `${PROXY_CONFIG_DIR}/${HAPROXY_CONFIG_KEYS.start}`,
      HAPROXY_LIVE_CONFIG,
      HAPROXY_RUNTIME_DIR,
      `${PROXY_CONFIG_DIR}/${HAPROXY_CONFIG_KEYS.config}`,
    ],
    env: [
      podIpEnv,
      { name: HAPROXY_ENV.monitorUser, value: MONITOR_USER },
      secretEnv(HAPROXY_ENV.monitorPassword, cluster, CREDENTIAL_KEYS.monitorPassword),
    ],
    ports: [
      { name: 'mysql', containerPort: PROXY_SERVICE_PORTS.readWrite },
      { name: 'mysql-ro', containerPort: PROXY_SERVICE_PORTS.readOnly },
    ],
    readinessProbe: proxyTcpProbe(2, 2),
    livenessProbe: proxyTcpProbe(10, 3),
    volumeMounts: [
      { name: PROXY_CONFIG_VOLUME, mountPath: PROXY_CONFIG_DIR, readOnly: true },
      { name: RUNTIME_VOLUME, mountPath: HAPROXY_RUNTIME_DIR },
    ],
    ...(spec.proxy.resources ? { resources: resourceRequirements(spec.proxy.resources) } : {}),
  };
}

function agentContainer(cluster: ClusterRef, operatorImage: string): V1Container {
  return {
    name: PROXY_AGENT_CONTAINER,
    image: operatorImage,
    command: ['node', '/app/dist/src/proxy-agent/main.js'],
    env: [
      podIpEnv,
      secretEnv('AGENT_TOKEN', cluster, CREDENTIAL_KEYS.agentToken),
      { name: 'HAPROXY_RUNTIME_DIR', value: HAPROXY_RUNTIME_DIR },
      { name: 'HAPROXY_CONFIG_PATH', value: HAPROXY_LIVE_CONFIG },
    ],
    ports: [{ name: 'agent', containerPort: PROXY_AGENT_PORT }],
    readinessProbe: { httpGet: { path: '/healthz', port: PROXY_AGENT_PORT }, periodSeconds: 5, timeoutSeconds: 2 },
    resources: { requests: { cpu: '10m', memory: '48Mi' }, limits: { memory: '128Mi' } },
    volumeMounts: [{ name: RUNTIME_VOLUME, mountPath: HAPROXY_RUNTIME_DIR }],
  };
}

export function haproxyPodParts(cluster: ClusterRef, spec: MySQLClusterSpec, operatorImage: string): ProxyPodParts {
  return {
    containers: [haproxyContainer(cluster, spec), agentContainer(cluster, operatorImage)],
    volumes: [{ name: RUNTIME_VOLUME, emptyDir: {} }],
    startupData: haproxyStartupData(),
  };
}
