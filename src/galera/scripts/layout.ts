/**
 * Where a Galera member keeps things inside its pod. The entrypoint (bash), the probes and the
 * sidecar all read these paths, so they are defined once here.
 */

/** ConfigMap `<name>-config` mount: my.cnf, entrypoint.sh, probe.sh, provider-options. */
export const CONFIG_DIR = '/opt/galera';
/** PVC `data`. */
export const DATA_DIR = '/var/lib/mysql';
/** emptyDir of the mariadb container: socket, pid file, per-pod conf, tmpdir, SST logs. */
export const RUN_MYSQLD_DIR = '/run/mysqld';
/** emptyDir `galera-run`, shared with the sidecar: state.json and the instruction file. */
export const GALERA_RUN_DIR = '/run/galera';

export const SOCKET_PATH = `${RUN_MYSQLD_DIR}/mysqld.sock`;
export const PID_FILE = `${RUN_MYSQLD_DIR}/mysqld.pid`;
/** Per-pod values (addresses, node name), written by the entrypoint at every start. */
export const POD_CNF = `${RUN_MYSQLD_DIR}/pod.cnf`;
/** Per-pod secrets (wsrep_sst_auth), mode 0600, written by the entrypoint from env. */
export const SECRET_CNF = `${RUN_MYSQLD_DIR}/secret.cnf`;
export const TMP_DIR = `${RUN_MYSQLD_DIR}/tmp`;
export const SST_LOG_DIR = `${RUN_MYSQLD_DIR}/sst-logs`;
export const RECOVER_LOG = `${RUN_MYSQLD_DIR}/wsrep-recover.log`;
/** Touched by a probe once mariadbd answered since this start; removed by the entrypoint. */
export const ANSWERED_MARKER = `${RUN_MYSQLD_DIR}/answered`;
/** In the datadir while the entrypoint initializes it; its presence at start means a cut-short init. */
export const INIT_MARKER = '.galera-init-incomplete';

export const STATE_FILE = `${GALERA_RUN_DIR}/state.json`;
export const INSTRUCTION_FILE = `${GALERA_RUN_DIR}/instruction`;

/** ConfigMap keys. */
export const CONFIG_KEYS = {
  myCnf: 'my.cnf',
  providerOptions: 'provider-options',
  entrypoint: 'entrypoint.sh',
  probe: 'probe.sh',
} as const;

export const MYSQL_PORT = 3306;
export const SST_PORT = 4444;
export const GCOMM_PORT = 4567;
export const IST_PORT = 4568;
/** The sidecar's HTTP API, bound to the pod IP. */
export const AGENT_PORT = 3309;

/** Markers the 10.11 wsrep_sst_* joiner scripts leave in the datadir while an SST runs. */
export const SST_MARKERS = ['sst_in_progress', '.sst', 'rsync_sst_complete'] as const;

/** Names of the env variables the mariadb container needs (values from the Secret or fieldRef). */
export const ENV = {
  podName: 'POD_NAME',
  podNamespace: 'POD_NAMESPACE',
  podIp: 'POD_IP',
  clusterName: 'CLUSTER_NAME',
  rootPassword: 'MARIADB_ROOT_PASSWORD',
  appUser: 'MARIADB_USER',
  appPassword: 'MARIADB_PASSWORD',
  appDatabase: 'MARIADB_DATABASE',
  monitorPassword: 'MARIADB_MONITOR_PASSWORD',
  sstPassword: 'MARIADB_SST_PASSWORD',
  agentToken: 'AGENT_TOKEN',
} as const;

/** Fixed account names created on first bootstrap. */
export const MONITOR_USER = 'monitor';
export const SST_USER = 'sst';
