/**
 * The ProxySQL pods: one `proxysql` container whose start script fills the ConfigMap's
 * bootstrap template (config-file.ts) from the pod IP and Secret-backed environment. The
 * operator programs everything else through the admin interface on the pod IP (port 6032,
 * exposed by no Service) as the `operator` admin user.
 */
import type { V1EnvVar } from '@kubernetes/client-node';
import type { MySQLClusterSpec } from '../../crd/mysqlcluster.js';
import { MONITOR_USER } from '../../galera/scripts/layout.js';
import { PROXYSQL_ENV, renderProxySQLConfigTemplate } from '../../proxysql/config-file.js';
import { renderProxySQLStartScript } from '../../proxysql/start-script.js';
import { PROXYSQL_ADMIN_PORT } from '../../proxysql/topology.js';
import { objectNames } from '../labels.js';
import { CREDENTIAL_KEYS } from './credentials.js';
import type { ClusterRef } from './galera-objects.js';
import { PROXY_CONFIG_DIR, PROXY_CONFIG_VOLUME, PROXY_SERVICE_PORTS, proxyTcpProbe, type ProxyPodParts } from './proxy-objects.js';
import { resourceRequirements } from './statefulset.js';

export const PROXYSQL_IMAGE = 'proxysql/proxysql:2.7';
export const PROXYSQL_CONTAINER = 'proxysql';
export const PROXYSQL_DATADIR = '/var/lib/proxysql';
const DATA_VOLUME = 'proxysql-data';

export const PROXYSQL_CONFIG_KEYS = { template: 'proxysql.cnf.template', start: 'start.sh' } as const;

export function proxysqlStartupData(): Record<string, string> {
  return {
    [PROXYSQL_CONFIG_KEYS.template]: renderProxySQLConfigTemplate({ datadir: PROXYSQL_DATADIR, monitorUsername: MONITOR_USER }),
    [PROXYSQL_CONFIG_KEYS.start]: renderProxySQLStartScript(),
  };
}

export function proxysqlPodParts(cluster: ClusterRef, spec: MySQLClusterSpec): ProxyPodParts {
  const secret = objectNames(cluster.name).credentials;
  const secretEnv = (name: string, key: string): V1EnvVar => ({ name, valueFrom: { secretKeyRef: { name: secret, key } } });
  return {
    containers: [
      {
        name: PROXYSQL_CONTAINER,
        image: PROXYSQL_IMAGE,
        command: [
          'bash',
          `${PROXY_CONFIG_DIR}/${PROXYSQL_CONFIG_KEYS.start}`,
          `${PROXY_CONFIG_DIR}/${PROXYSQL_CONFIG_KEYS.template}`,
          PROXYSQL_DATADIR,
        ],
        env: [
          { name: PROXYSQL_ENV.podIp, valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
          secretEnv(PROXYSQL_ENV.adminPassword, CREDENTIAL_KEYS.proxyAdminPassword),
          secretEnv(PROXYSQL_ENV.operatorPassword, CREDENTIAL_KEYS.proxyOperatorPassword),
          secretEnv(PROXYSQL_ENV.monitorPassword, CREDENTIAL_KEYS.monitorPassword),
        ],
        ports: [
          { name: 'mysql', containerPort: PROXY_SERVICE_PORTS.readWrite },
          { name: 'mysql-ro', containerPort: PROXY_SERVICE_PORTS.readOnly },
          { name: 'admin', containerPort: PROXYSQL_ADMIN_PORT },
        ],
        readinessProbe: proxyTcpProbe(2, 2),
        livenessProbe: proxyTcpProbe(10, 3),
        volumeMounts: [
          { name: PROXY_CONFIG_VOLUME, mountPath: PROXY_CONFIG_DIR, readOnly: true },
          { name: DATA_VOLUME, mountPath: PROXYSQL_DATADIR },
        ],
        ...(spec.proxy.resources ? { resources: resourceRequirements(spec.proxy.resources) } : {}),
      },
    ],
    volumes: [{ name: DATA_VOLUME, emptyDir: {} }],
    startupData: proxysqlStartupData(),
  };
}
