/**
 * The members' StatefulSet. Pods start in parallel (a full-outage recovery needs every member
 * to report) and are replaced only by the operator (OnDelete), one at a time, writer last.
 */
import type { V1Container, V1EnvVar, V1ResourceRequirements, V1StatefulSet } from '@kubernetes/client-node';
import type { MySQLClusterSpec } from '../../crd/mysqlcluster.js';
import { PROBE_SETTINGS } from '../../galera/scripts/probe.js';
import {
  AGENT_PORT,
  CONFIG_DIR,
  DATA_DIR,
  ENV,
  GALERA_RUN_DIR,
  GCOMM_PORT,
  IST_PORT,
  MYSQL_PORT,
  RUN_MYSQLD_DIR,
  SST_PORT,
} from '../../galera/scripts/layout.js';
import { CREDENTIAL_KEYS } from './credentials.js';
import type { ClusterRef } from './galera-objects.js';
import { placement } from './scheduling.js';
import { clusterLabels, CONFIG_HASH_ANNOTATION, objectNames, selectorLabels } from '../labels.js';

export const MARIADB_CONTAINER = 'mariadb';
export const AGENT_CONTAINER = 'agent';
export const DATA_VOLUME = 'data';

export interface StatefulSetOptions {
  /** The operator's own image: the sidecar runs from it. */
  operatorImage: string;
  configHash: string;
  /** Members to run now; differs from spec.replicas while a scale-down is stepped. */
  replicas?: number;
}

const fieldEnv = (name: string, fieldPath: string): V1EnvVar => ({ name, valueFrom: { fieldRef: { fieldPath } } });
const secretEnv = (name: string, secret: string, key: string): V1EnvVar => ({
  name,
  valueFrom: { secretKeyRef: { name: secret, key } },
});

type Quantities = Record<string, string | number> | undefined;

/** Quantities may be written as numbers in the spec; the pod API wants strings. */
export function resourceRequirements(r: { requests?: Quantities; limits?: Quantities }): V1ResourceRequirements {
  const text = (q: Quantities) => (q ? Object.fromEntries(Object.entries(q).map(([k, v]) => [k, String(v)])) : undefined);
  return { ...(r.requests ? { requests: text(r.requests) } : {}), ...(r.limits ? { limits: text(r.limits) } : {}) };
}

function mariadbContainer(cluster: ClusterRef, spec: MySQLClusterSpec): V1Container {
  const secret = objectNames(cluster.name).credentials;
  const probe = (kind: 'readiness' | 'liveness') => ({
    exec: { command: ['bash', `${CONFIG_DIR}/probe.sh`, kind] },
    ...PROBE_SETTINGS[kind],
  });
  return {
    name: MARIADB_CONTAINER,
    image: spec.image,
    command: ['bash', `${CONFIG_DIR}/entrypoint.sh`],
    env: [
      fieldEnv(ENV.podName, 'metadata.name'),
      fieldEnv(ENV.podNamespace, 'metadata.namespace'),
      fieldEnv(ENV.podIp, 'status.podIP'),
      { name: ENV.clusterName, value: cluster.name },
      secretEnv(ENV.rootPassword, secret, CREDENTIAL_KEYS.rootPassword),
      secretEnv(ENV.appUser, secret, CREDENTIAL_KEYS.appUsername),
      secretEnv(ENV.appPassword, secret, CREDENTIAL_KEYS.appPassword),
      secretEnv(ENV.appDatabase, secret, CREDENTIAL_KEYS.appDatabase),
      secretEnv(ENV.monitorPassword, secret, CREDENTIAL_KEYS.monitorPassword),
      secretEnv(ENV.sstPassword, secret, CREDENTIAL_KEYS.sstPassword),
    ],
    ports: [
      { name: 'mysql', containerPort: MYSQL_PORT },
      { name: 'galera', containerPort: GCOMM_PORT },
      { name: 'sst', containerPort: SST_PORT },
      { name: 'ist', containerPort: IST_PORT },
    ],
    readinessProbe: probe('readiness'),
    livenessProbe: probe('liveness'),
    // mariadbd's last words (e.g. an unknown option) land in the termination message, where a
    // blocked rollout reads them without the operator reading logs.
    terminationMessagePolicy: 'FallbackToLogsOnError',
    volumeMounts: [
      { name: DATA_VOLUME, mountPath: DATA_DIR },
      { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
      { name: 'run-mysqld', mountPath: RUN_MYSQLD_DIR },
      { name: 'galera-run', mountPath: GALERA_RUN_DIR },
    ],
    ...(spec.resources ? { resources: resourceRequirements(spec.resources) } : {}),
  };
}

function agentContainer(cluster: ClusterRef, options: StatefulSetOptions): V1Container {
  return {
    name: AGENT_CONTAINER,
    image: options.operatorImage,
    command: ['node', '/app/dist/src/sidecar/main.js'],
    env: [
      fieldEnv('POD_NAME', 'metadata.name'),
      fieldEnv('POD_IP', 'status.podIP'),
      secretEnv('AGENT_TOKEN', objectNames(cluster.name).credentials, CREDENTIAL_KEYS.agentToken),
    ],
    ports: [{ name: 'agent', containerPort: AGENT_PORT }],
    readinessProbe: { httpGet: { path: '/healthz', port: AGENT_PORT }, periodSeconds: 5, timeoutSeconds: 2 },
    resources: { requests: { cpu: '10m', memory: '48Mi' }, limits: { memory: '128Mi' } },
    volumeMounts: [
      { name: DATA_VOLUME, mountPath: DATA_DIR, readOnly: true },
      { name: 'run-mysqld', mountPath: RUN_MYSQLD_DIR },
      { name: 'galera-run', mountPath: GALERA_RUN_DIR },
    ],
  };
}

export function statefulSet(cluster: ClusterRef, spec: MySQLClusterSpec, options: StatefulSetOptions): V1StatefulSet {
  const names = objectNames(cluster.name);
  const selector = selectorLabels(cluster.name, 'database');
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: names.statefulSet, namespace: cluster.namespace, labels: clusterLabels(cluster.name, 'database') },
    spec: {
      replicas: options.replicas ?? spec.replicas,
      serviceName: names.headlessService,
      podManagementPolicy: 'Parallel',
      updateStrategy: { type: 'OnDelete' },
      persistentVolumeClaimRetentionPolicy: {
        whenDeleted: spec.storage.deleteWithCluster ? 'Delete' : 'Retain',
        whenScaled: 'Retain',
      },
      selector: { matchLabels: selector },
      template: {
        metadata: {
          labels: clusterLabels(cluster.name, 'database'),
          annotations: { [CONFIG_HASH_ANNOTATION]: options.configHash },
        },
        spec: {
          automountServiceAccountToken: false,
          // Enough for a clean shutdown of a busy member (facts.md: 1.3–2.3 s when idle).
          terminationGracePeriodSeconds: 60,
          ...placement(spec.scheduling, selector),
          containers: [mariadbContainer(cluster, spec), agentContainer(cluster, options)],
          volumes: [
            { name: 'config', configMap: { name: names.config, defaultMode: 0o755 } },
            { name: 'run-mysqld', emptyDir: {} },
            { name: 'galera-run', emptyDir: {} },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: DATA_VOLUME, labels: clusterLabels(cluster.name, 'database') },
          spec: {
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: spec.storage.size } },
            ...(spec.storage.storageClassName ? { storageClassName: spec.storage.storageClassName } : {}),
          },
        },
      ],
    },
  };
}
