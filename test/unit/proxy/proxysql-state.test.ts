import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildProxySQLDesiredState, WRITER_WEIGHT, type ProxySQLDesiredInput } from '../../../src/proxysql/desired-state.js';
import { planProxySQLChanges, type AdminStatement } from '../../../src/proxysql/diff.js';
import { isDrainedInRuntime, proxysqlDrainPlan } from '../../../src/proxysql/drain.js';
import { clusterMembers, HOSTGROUP } from '../../../src/proxysql/topology.js';
import { observedAfterLoad } from './proxysql-observed.js';

const SECRETS = { app: 'app-Secret-9f2', monitor: 'mon-Secret-77a' };
const input = (over: Partial<ProxySQLDesiredInput> = {}): ProxySQLDesiredInput => ({
  members: clusterMembers('shop', 'prod', 3),
  writer: 'shop-0',
  appUsers: [{ username: 'app', password: SECRETS.app, defaultSchema: 'app' }],
  monitor: { username: 'monitor', password: SECRETS.monitor },
  ...over,
});
const desired = (over: Partial<ProxySQLDesiredInput> = {}) => buildProxySQLDesiredState(input(over));
/** A fresh ProxySQL's global_variables: every variable present, with its default value. */
const defaultVariables = () => {
  const rows = desired().variables.map((v) => ({ variable_name: v.variable_name!, variable_value: '1' }));
  return { config: rows, runtime: rows.map((r) => ({ ...r })) };
};
const loads = (statements: AdminStatement[]) => statements.filter((s) => s.sql.startsWith('LOAD '));
const variable = (name: string) => desired().variables.find((v) => v.variable_name === name)?.variable_value;

describe('ProxySQL desired state', () => {
  it('has one Galera hostgroup set with max_writers=1 and writer_is_also_reader=2', () => {
    const [hg, ...rest] = desired().galeraHostgroups;
    assert.equal(rest.length, 0);
    assert.equal(hg!.max_writers, '1');
    assert.equal(hg!.writer_is_also_reader, '2');
    assert.deepEqual(
      [hg!.writer_hostgroup, hg!.backup_writer_hostgroup, hg!.reader_hostgroup, hg!.offline_hostgroup],
      [HOSTGROUP.writer, HOSTGROUP.backupWriter, HOSTGROUP.reader, HOSTGROUP.offline].map(String),
    );
  });

  it('lists every member by stable DNS name on 3306, the writer with the single highest weight', () => {
    const servers = desired({ writer: 'shop-1' }).servers;
    assert.deepEqual(
      [...new Set(servers.map((s) => s.hostname))],
      [0, 1, 2].map((i) => `shop-${i}.shop-headless.prod.svc.cluster.local`),
    );
    assert.ok(servers.every((s) => s.port === '3306'));
    const weights = servers.map((s) => Number(s.weight));
    assert.equal(Math.max(...weights), WRITER_WEIGHT);
    assert.equal(servers.find((s) => Number(s.weight) === WRITER_WEIGHT)!.comment, 'shop-1');
    const perMember = new Map(servers.map((s) => [s.comment, s.weight]));
    assert.equal(new Set(perMember.values()).size, 3, 'distinct weights: the successor is deterministic');
  });

  it('writes out the converged layout, so a LOAD never makes a second writer', () => {
    const layout = (over: Partial<ProxySQLDesiredInput>) => {
      const groups = new Map<string, string[]>();
      for (const s of desired(over).servers) groups.set(s.comment!, [...(groups.get(s.comment!) ?? []), s.hostgroup_id!]);
      return Object.fromEntries(groups);
    };
    const [W, B, R, O] = [HOSTGROUP.writer, HOSTGROUP.backupWriter, HOSTGROUP.reader, HOSTGROUP.offline].map(String);
    assert.deepEqual(layout({ writer: 'shop-1' }), { 'shop-0': [B, R], 'shop-1': [W], 'shop-2': [B, R] }, 'one writer; the others back it up and read');
    assert.deepEqual(layout({ writer: 'shop-1', drained: 'shop-2' }), { 'shop-0': [B, R], 'shop-1': [W], 'shop-2': [W, B, R] }, 'a drained member keeps its rows');
    const drained = desired({ writer: 'shop-1', drained: 'shop-2' }).servers;
    assert.deepEqual(new Set(drained.filter((s) => s.comment === 'shop-2').map((s) => s.status)), new Set(['OFFLINE_SOFT']), 'no new connections to it');
    assert.ok(drained.filter((s) => s.comment !== 'shop-2').every((s) => s.status === 'ONLINE'));
    assert.ok(!drained.some((s) => s.hostgroup_id === O), 'nothing is written to the offline hostgroup: the monitor owns it');
    assert.deepEqual(layout({ writer: null }), { 'shop-0': [B, R], 'shop-1': [B, R], 'shop-2': [B, R] }, 'no writer yet: the monitor promotes one');
  });

  it('sets the measured-safe variables', () => {
    assert.equal(variable('mysql-query_retries_on_failure'), '0');
    assert.equal(variable('mysql-monitor_username'), 'monitor');
    const interval = Number(variable('mysql-monitor_galera_healthcheck_interval'));
    assert.ok(interval >= 500 && interval <= 1000);
  });
});

describe('planProxySQLChanges', () => {
  it('is empty when the runtime (strings, monitor-placed) equals the desired state', () => {
    const state = desired();
    assert.deepEqual(planProxySQLChanges(state, observedAfterLoad(state)).statements, []);
  });

  it('turns a writer change into server row changes and exactly one LOAD MYSQL SERVERS', () => {
    const plan = planProxySQLChanges(desired({ writer: 'shop-1' }), observedAfterLoad(desired({ writer: 'shop-0' })));
    const writes = plan.statements.filter((s) => !/^(LOAD|SAVE) /.test(s.sql));
    assert.ok(writes.length > 0);
    for (const w of writes) assert.match(w.sql, /^(UPDATE|DELETE FROM|INSERT INTO) mysql_servers\b/);
    const promoted = writes.find((w) => w.sql.startsWith('INSERT') && w.params[0] === String(HOSTGROUP.writer))!;
    assert.deepEqual([promoted.params[1], promoted.params[4]], ['shop-1.shop-headless.prod.svc.cluster.local', String(WRITER_WEIGHT)]);
    const demoted = writes.find((w) => w.sql.startsWith('DELETE') && w.params[0] === String(HOSTGROUP.writer))!;
    assert.equal(demoted.params[1], 'shop-0.shop-headless.prod.svc.cluster.local');
    assert.deepEqual(loads(plan.statements).map((s) => s.sql), ['LOAD MYSQL SERVERS TO RUNTIME']);
    assert.equal(plan.statements.at(-1)!.sql, 'SAVE MYSQL SERVERS TO DISK');
  });

  it('programs a fresh ProxySQL completely, servers last', () => {
    const empty = { config: [], runtime: [] };
    const plan = planProxySQLChanges(desired(), {
      global_variables: defaultVariables(),
      mysql_users: empty,
      mysql_query_rules: empty,
      mysql_galera_hostgroups: empty,
      mysql_servers: empty,
    });
    assert.deepEqual(loads(plan.statements).map((s) => s.sql), [
      'LOAD MYSQL VARIABLES TO RUNTIME',
      'LOAD MYSQL USERS TO RUNTIME',
      'LOAD MYSQL QUERY RULES TO RUNTIME',
      'LOAD MYSQL SERVERS TO RUNTIME',
    ]);
    assert.equal(plan.statements.filter((s) => s.sql.startsWith('INSERT INTO mysql_servers')).length, desired().servers.length);
    assert.equal(
      plan.statements.filter((s) => s.sql === 'UPDATE global_variables SET variable_value=? WHERE variable_name=?').length,
      desired().variables.length,
    );
    assert.equal(plan.statements.filter((s) => s.sql.startsWith('INSERT INTO mysql_query_rules')).length, desired().queryRules.length);
  });

  it('deletes a removed member and loads servers once', () => {
    const plan = planProxySQLChanges(
      desired({ members: clusterMembers('shop', 'prod', 2) }),
      observedAfterLoad(desired({ members: clusterMembers('shop', 'prod', 3) })),
    );
    const deletes = plan.statements.filter((s) => s.sql.startsWith('DELETE'));
    assert.ok(deletes.every((d) => d.sql === 'DELETE FROM mysql_servers WHERE hostgroup_id=? AND hostname=? AND port=?'));
    assert.deepEqual(new Set(deletes.map((d) => d.params[1])), new Set(['shop-2.shop-headless.prod.svc.cluster.local']), 'only the removed member');
    assert.equal(deletes.length, desired({ members: clusterMembers('shop', 'prod', 3) }).servers.filter((r) => r.comment === 'shop-2').length);
    assert.equal(loads(plan.statements).length, 1);
  });

  it('loads without writing when the config is right but was never loaded', () => {
    const before = desired({ writer: 'shop-0' });
    const after = desired({ writer: 'shop-2' });
    const observed = observedAfterLoad(before);
    observed.mysql_servers = { config: after.servers, runtime: observed.mysql_servers!.runtime };
    const plan = planProxySQLChanges(after, observed);
    assert.deepEqual(plan.statements.map((s) => s.sql), ['LOAD MYSQL SERVERS TO RUNTIME', 'SAVE MYSQL SERVERS TO DISK']);
  });

  it('changes a password with one UPDATE and loads users only', () => {
    const plan = planProxySQLChanges(
      desired({ appUsers: [{ username: 'app', password: 'new-Secret-31', defaultSchema: 'app' }] }),
      observedAfterLoad(desired()),
    );
    assert.deepEqual(plan.statements.map((s) => s.sql), [
      'UPDATE mysql_users SET password=? WHERE username=?',
      'LOAD MYSQL USERS TO RUNTIME',
      'SAVE MYSQL USERS TO DISK',
    ]);
  });

  it('removes query rules it does not own and leaves other global variables alone', () => {
    const state = desired();
    const observed = observedAfterLoad(state);
    const stray = { ...state.queryRules[0]!, rule_id: '999' };
    observed.mysql_query_rules = { config: [...state.queryRules, stray], runtime: [...state.queryRules, stray] };
    const other = { variable_name: 'mysql-threads', variable_value: '4' };
    observed.global_variables = {
      config: [...state.variables, other],
      runtime: [...state.variables, other],
    };
    const plan = planProxySQLChanges(state, observed);
    assert.deepEqual(plan.statements.map((s) => [s.sql, s.params]), [
      ['DELETE FROM mysql_query_rules WHERE rule_id=?', ['999']],
      ['LOAD MYSQL QUERY RULES TO RUNTIME', []],
      ['SAVE MYSQL QUERY RULES TO DISK', []],
    ]);
  });

  it('keeps values out of the SQL text: placeholders only, one per parameter', () => {
    const empty = { config: [], runtime: [] };
    const plan = planProxySQLChanges(desired(), { mysql_users: empty, global_variables: defaultVariables() });
    for (const s of plan.statements) {
      assert.equal(s.sql.split('?').length - 1, s.params.length, s.sql);
      for (const secret of Object.values(SECRETS)) assert.ok(!s.sql.includes(secret));
      assert.ok(!s.sql.includes(';'), 'one statement per call');
    }
    for (const secret of Object.values(SECRETS)) assert.ok(plan.statements.some((s) => s.params.includes(secret)));
  });

  it('leaves out a variable this ProxySQL does not know instead of loading variables forever', () => {
    const state = desired();
    const observed = observedAfterLoad(state);
    const known = state.variables.filter((v) => v.variable_name !== 'mysql-monitor_galera_healthcheck_max_timeout_count');
    observed.global_variables = { config: known, runtime: known };
    const plan = planProxySQLChanges(state, observed);
    assert.deepEqual(plan.statements, []);
    assert.deepEqual(plan.unsupported, ['global_variables:mysql-monitor_galera_healthcheck_max_timeout_count']);
  });
});

describe('ProxySQL drain', () => {
  const host = 'shop-1.shop-headless.prod.svc.cluster.local';

  it('drains on the member with wsrep_desync, not with OFFLINE_SOFT', () => {
    const plan = proxysqlDrainPlan(host, false);
    assert.equal(plan.drainStatement, 'SET GLOBAL wsrep_desync=ON');
    assert.equal(plan.undrainStatement, 'SET GLOBAL wsrep_desync=OFF');
  });

  it('sees the drain in runtime_mysql_servers once the member left the writer and reader hostgroups', () => {
    const row = (hostgroup_id: string, status: string) => ({ hostgroup_id, hostname: host, port: '3306', status });
    assert.equal(isDrainedInRuntime([row('30', 'ONLINE'), row('20', 'ONLINE')], host), false);
    assert.equal(isDrainedInRuntime([row('10', 'ONLINE')], host), false);
    assert.equal(isDrainedInRuntime([row('40', 'ONLINE'), row('10', 'SHUNNED')], host), true);
  });
});
