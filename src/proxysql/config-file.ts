/**
 * ProxySQL's bootstrap file (proxysql.cnf). Only what must exist before the operator can
 * connect lives here: listeners, admin credentials, the web/REST switches (their defaults bind
 * 0.0.0.0, facts.md) and safe mysql variables. Everything else is programmed at runtime
 * through the admin interface (desired-state.ts, diff.ts).
 *
 * The file is rendered as a template with `@@NAME@@` placeholders and no secret in it, so it
 * can live in a ConfigMap; the container's start script (start-script.ts) fills it from the
 * pod IP and Secret-backed environment variables into a 0600 file in the pod's datadir.
 */
import { PROXY_READ_ONLY_PORT, PROXY_READ_WRITE_PORT, PROXYSQL_ADMIN_PORT } from './topology.js';
import { proxysqlTuning, type ProxySQLTuning } from './tuning.js';

/** Environment variables the start script reads; the pod spec sets them (Secret refs). */
export const PROXYSQL_ENV = {
  podIp: 'POD_IP',
  adminPassword: 'PROXYSQL_ADMIN_PASSWORD',
  operatorPassword: 'PROXYSQL_OPERATOR_PASSWORD',
  monitorPassword: 'PROXYSQL_MONITOR_PASSWORD',
} as const;

/** Admin user the operator connects as; `admin` itself may only connect locally (facts.md). */
export const PROXYSQL_OPERATOR_ADMIN_USER = 'operator';

export interface ProxySQLConfigFileOptions {
  /** Pod-lifetime directory (an emptyDir) for proxysql.db and the rendered file. */
  datadir: string;
  monitorUsername: string;
  tuning?: Partial<ProxySQLTuning>;
}

const placeholder = (envName: string): string => `@@${envName}@@`;

export function renderProxySQLConfigTemplate(options: ProxySQLConfigFileOptions): string {
  const t = proxysqlTuning(options.tuning);
  const ip = placeholder(PROXYSQL_ENV.podIp);
  const credentials =
    `admin:${placeholder(PROXYSQL_ENV.adminPassword)};` +
    `${PROXYSQL_OPERATOR_ADMIN_USER}:${placeholder(PROXYSQL_ENV.operatorPassword)}`;
  const mysqlVariables: Record<string, string | number> = {
    interfaces: `"${ip}:${PROXY_READ_WRITE_PORT};${ip}:${PROXY_READ_ONLY_PORT}"`,
    monitor_username: `"${options.monitorUsername}"`,
    monitor_password: `"${placeholder(PROXYSQL_ENV.monitorPassword)}"`,
    // The runtime variables program the same values; here they guard the window before that.
    ...Object.fromEntries(
      Object.entries(t).map(([name, value]) => [name, typeof value === 'string' ? `"${value}"` : value]),
    ),
  };
  return [
    '# ProxySQL bootstrap file: read when the datadir has no proxysql.db yet (the first start',
    '# of this pod); later starts keep the runtime state the operator saved to disk.',
    '# Placeholders (a variable name between double @ signs) are filled from the environment',
    '# by the start script.',
    `datadir="${options.datadir}"`,
    `errorlog="${options.datadir}/proxysql.log"`,
    '',
    'admin_variables=',
    '{',
    `  admin_credentials="${credentials}"`,
    `  mysql_ifaces="${ip}:${PROXYSQL_ADMIN_PORT}"`,
    '  web_enabled=false',
    '  restapi_enabled=false',
    '}',
    '',
    'mysql_variables=',
    '{',
    ...Object.entries(mysqlVariables).map(([name, value]) => `  ${name}=${value}`),
    '}',
    '',
  ].join('\n');
}

/** Characters a password may not contain: separators of admin_credentials and of the file. */
export const UNSAFE_PASSWORD_CHARACTERS = /[\s"\\:;@]/;

/**
 * Fills the template the way the start script does. Used where the operator itself needs the
 * final text (tests, tools); passwords must be generated without UNSAFE_PASSWORD_CHARACTERS.
 */
export function fillProxySQLConfigTemplate(template: string, env: Record<string, string>): string {
  return template.replace(/@@([A-Z_]+)@@/g, (_, name: string) => {
    const value = env[name];
    if (value === undefined) throw new Error(`missing value for ${name}`);
    if (name !== PROXYSQL_ENV.podIp && UNSAFE_PASSWORD_CHARACTERS.test(value)) {
      throw new Error(`${name} contains a character the config file cannot hold`);
    }
    return value;
  });
}
