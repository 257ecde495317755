import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { renderCheckScript } from '../../../src/haproxy/check-script.js';
import { renderHAProxyConfig } from '../../../src/haproxy/config.js';
import { renderHAProxyStartScript } from '../../../src/haproxy/start-script.js';
import { fillProxySQLConfigTemplate, PROXYSQL_ENV, renderProxySQLConfigTemplate } from '../../../src/proxysql/config-file.js';
import { renderProxySQLStartScript } from '../../../src/proxysql/start-script.js';
import { clusterMembers } from '../../../src/proxysql/topology.js';

const env = {
  [PROXYSQL_ENV.podIp]: '127.6.1.20',
  [PROXYSQL_ENV.adminPassword]: 'adminPw7Kq',
  [PROXYSQL_ENV.operatorPassword]: 'operatorPw3Zx',
  [PROXYSQL_ENV.monitorPassword]: 'monitorPw9Lm',
};
const secrets = [env.PROXYSQL_ADMIN_PASSWORD!, env.PROXYSQL_OPERATOR_PASSWORD!, env.PROXYSQL_MONITOR_PASSWORD!];
const template = renderProxySQLConfigTemplate({ datadir: '/var/lib/proxysql', monitorUsername: 'monitor' });
const filled = fillProxySQLConfigTemplate(template, env);

/** `name=value` settings of a proxysql.cnf block such as `admin_variables`. */
function block(text: string, name: string): Map<string, string> {
  const body = text.split(`${name}=\n{\n`)[1]?.split('\n}')[0] ?? '';
  return new Map(body.split('\n').map((l) => l.trim().split(/=(.*)/s).slice(0, 2) as [string, string]));
}

describe('proxysql.cnf', () => {
  const admin = block(filled, 'admin_variables');
  const mysqlVars = block(filled, 'mysql_variables');

  it('has two admin users, the operator one differently named from admin', () => {
    assert.equal(admin.get('admin_credentials'), '"admin:adminPw7Kq;operator:operatorPw3Zx"');
  });

  it('listens on the pod IP only: admin on 6032, read/write 3306, read-only 3307', () => {
    assert.equal(admin.get('mysql_ifaces'), '"127.6.1.20:6032"');
    assert.equal(mysqlVars.get('interfaces'), '"127.6.1.20:3306;127.6.1.20:3307"');
    assert.ok(!filled.includes('0.0.0.0'));
  });

  it('disables the web UI and REST API', () => {
    assert.equal(admin.get('web_enabled'), 'false');
    assert.equal(admin.get('restapi_enabled'), 'false');
  });

  it('sets monitor credentials, no query retries and a 0.5–1 s Galera check', () => {
    assert.equal(mysqlVars.get('monitor_username'), '"monitor"');
    assert.equal(mysqlVars.get('monitor_password'), '"monitorPw9Lm"');
    assert.equal(mysqlVars.get('query_retries_on_failure'), '0');
    const interval = Number(mysqlVars.get('monitor_galera_healthcheck_interval'));
    assert.ok(interval >= 500 && interval <= 1000);
    assert.ok(Number(mysqlVars.get('connect_timeout_server')) > 0);
  });

  it('refuses passwords that would break the file, and missing values', () => {
    assert.throws(() => fillProxySQLConfigTemplate(template, { ...env, PROXYSQL_ADMIN_PASSWORD: 'a;b' }));
    assert.throws(() => fillProxySQLConfigTemplate(template, { ...env, PROXYSQL_MONITOR_PASSWORD: 'a"b' }));
    assert.throws(() => fillProxySQLConfigTemplate(template, { PROXYSQL_ADMIN_PASSWORD: 'x' }));
  });

  it('is assembled by the start script exactly as fillProxySQLConfigTemplate does, mode 0600', () => {
    const dir = mkdtempSync(join(tmpdir(), 'proxysql-unit-'));
    try {
      writeFileSync(join(dir, 'template.cnf'), template);
      writeFileSync(join(dir, 'start.sh'), renderProxySQLStartScript('true'));
      const run = spawnSync('bash', [join(dir, 'start.sh'), join(dir, 'template.cnf'), dir], {
        env: { PATH: process.env.PATH, ...env },
        timeout: 10_000,
      });
      assert.equal(run.status, 0, run.stderr.toString());
      assert.equal(readFileSync(join(dir, 'proxysql.cnf'), 'utf8'), filled);
      assert.equal(statSync(join(dir, 'proxysql.cnf')).mode & 0o777, 0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ConfigMap texts', () => {
  it('contain no password: every secret enters through the environment at container start', () => {
    const texts = {
      'proxysql.cnf template': template,
      'proxysql start script': renderProxySQLStartScript(),
      'haproxy.cfg': renderHAProxyConfig({
        members: clusterMembers('shop', 'prod', 3),
        writer: 'shop-0',
        bindAddress: '${POD_IP}',
        runtimeDir: '/run/haproxy',
        checkScriptPath: '/etc/haproxy/check.sh',
      }),
      'haproxy check script': renderCheckScript({ runtimeDir: '/run/haproxy' }),
      'haproxy start script': renderHAProxyStartScript({ runtimeDir: '/run/haproxy' }),
    };
    for (const [name, text] of Object.entries(texts)) {
      for (const secret of secrets) assert.ok(!text.includes(secret), `${name} holds a password`);
      assert.ok(!/password\s*=\s*"?[A-Za-z0-9]/.test(text.replace(/@@[A-Z_]+@@/g, '')), `${name} has a literal password`);
    }
    // …while the filled file, which lives only in the pod's datadir, does hold them.
    for (const secret of secrets) assert.ok(filled.includes(secret));
  });
});
