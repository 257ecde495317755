import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import {
  buildConfigMapData,
  clusterAddress,
  memberDnsNames,
  providerOptionsString,
  renderMyCnf,
} from '../../../src/galera/config.js';

const base = { clusterName: 'shop', namespace: 'prod', replicas: 3, sst: 'mariabackup' as const };

describe('galera config builders', () => {
  it('lists every member by its stable DNS name in wsrep_cluster_address', () => {
    assert.deepEqual(memberDnsNames(base), [
      'shop-0.shop-headless.prod.svc.cluster.local',
      'shop-1.shop-headless.prod.svc.cluster.local',
      'shop-2.shop-headless.prod.svc.cluster.local',
    ]);
    assert.equal(
      clusterAddress({ ...base, replicas: 1 }),
      'gcomm://shop-0.shop-headless.prod.svc.cluster.local',
    );
  });

  it('never renders an empty gcomm:// address', () => {
    assert.throws(() => clusterAddress({ ...base, replicas: 0 }), /positive integer/);
    assert.throws(() => renderMyCnf({ ...base, replicas: 0 }), /positive integer/);
  });

  it('uses the tuned eviction defaults and lets the user override them', () => {
    const defaults = providerOptionsString();
    for (const option of ['evs.suspect_timeout=PT2S', 'evs.inactive_timeout=PT4S', 'evs.keepalive_period=PT0.5S', 'evs.install_timeout=PT3.5S', 'gcache.size=128M']) {
      assert.ok(defaults.includes(option), option);
    }
    const custom = providerOptionsString({ 'gcache.size': '1G', 'evs.suspect_timeout': 'PT5S' });
    assert.match(custom, /gcache\.size=1G/);
    assert.match(custom, /evs\.suspect_timeout=PT5S/);
    assert.doesNotMatch(custom, /gcache\.size=128M/);
  });

  it('refuses provider options that are per pod or would break the quoted value', () => {
    assert.throws(() => providerOptionsString({ 'gmcast.listen_addr': 'tcp://0.0.0.0:4567' }), /per pod/);
    assert.throws(() => providerOptionsString({ 'ist.recv_addr': 'x' }), /per pod/);
    assert.throws(() => providerOptionsString({ 'gcache.size': '1G; pc.bootstrap=YES' }), /forbidden/);
    assert.throws(() => providerOptionsString({ 'a"b': '1' }), /forbidden/);
  });

  it('renders the Galera essentials, the user settings last, then the per-pod includes', () => {
    const cnf = renderMyCnf({ ...base, extraConfig: 'max_connections = 500\n' });
    for (const line of [
      'wsrep_on = ON',
      'wsrep_provider = /usr/lib/galera/libgalera_smm.so',
      'binlog_format = ROW',
      'innodb_autoinc_lock_mode = 2',
      'wsrep_cluster_name = shop',
      'wsrep_sst_method = mariabackup',
      'socket = /run/mysqld/mysqld.sock',
    ]) {
      assert.ok(cnf.includes(line), line);
    }
    const user = cnf.indexOf('max_connections = 500');
    assert.ok(user > cnf.indexOf('wsrep_sst_method'), 'user settings after the generated ones');
    assert.ok(user < cnf.indexOf('!include /run/mysqld/pod.cnf'), 'per-pod values win over user settings');
    assert.ok(cnf.indexOf('!include /run/mysqld/secret.cnf') > user);
    assert.equal(renderMyCnf({ ...base, sst: 'rsync' }).includes('wsrep_sst_method = rsync'), true);
  });

  it('puts no per-pod address into the shared config', () => {
    const data = buildConfigMapData(base);
    assert.doesNotMatch(data['my.cnf'] ?? '', /gmcast\.listen_addr|bind-address|wsrep_node_address/);
    assert.doesNotMatch(data['provider-options'] ?? '', /gmcast|ist\.recv_addr/);
  });

  it('renders ConfigMap data with my.cnf, provider options and bash scripts that parse', () => {
    const data = buildConfigMapData(base);
    assert.deepEqual(Object.keys(data).sort(), ['entrypoint.sh', 'my.cnf', 'probe.sh', 'provider-options']);
    for (const script of ['entrypoint.sh', 'probe.sh']) {
      const text = data[script] ?? '';
      assert.match(text, /^#!\/usr\/bin\/env bash\n/);
      execFileSync('bash', ['-n'], { input: text }); // throws on a syntax error
    }
    assert.match(data['entrypoint.sh'] ?? '', /exec "\$MARIADBD" "\$\{START_ARGS\[@\]\}" --wsrep-new-cluster/);
  });
});
