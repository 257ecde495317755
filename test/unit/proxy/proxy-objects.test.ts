/** The proxy's Kubernetes objects as the operator builds them (pure builders). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Container } from '@kubernetes/client-node';
import { parseClusterSpec, type MySQLClusterSpec } from '../../../src/crd/mysqlcluster.js';
import { haproxyConfigText, haproxyPodParts, HAPROXY_CONFIG_KEYS, HAPROXY_IMAGE } from '../../../src/reconcilers/builders/proxy-haproxy.js';
import { proxyConfigMap, proxyDeployment, proxyPodDisruptionBudget, proxyService } from '../../../src/reconcilers/builders/proxy-objects.js';
import { proxysqlPodParts, PROXYSQL_IMAGE } from '../../../src/reconcilers/builders/proxy-proxysql.js';
import { CONFIG_HASH_ANNOTATION } from '../../../src/reconcilers/labels.js';

const ref = { name: 'shop', namespace: 'prod' };

function spec(proxy: Record<string, unknown>): MySQLClusterSpec {
  const parsed = parseClusterSpec({ replicas: 3, proxy });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.spec;
}

const envOf = (c: V1Container) => new Map((c.env ?? []).map((e) => [e.name, e]));

describe('proxy Deployment', () => {
  it('runs spec.proxy.replicas HAProxy pods with an agent, preferring different nodes, selected by instance and component', () => {
    const s = spec({ type: 'haproxy', replicas: 2, resources: { limits: { memory: '256Mi' } } });
    const d = proxyDeployment(ref, s, haproxyPodParts(ref, s, 'galera-operator:dev'));
    assert.equal(d.metadata!.name, 'shop-proxy');
    assert.equal(d.spec!.replicas, 2);
    assert.deepEqual(d.spec!.selector.matchLabels, { 'app.kubernetes.io/instance': 'shop', 'app.kubernetes.io/component': 'proxy' });
    const labels = d.spec!.template.metadata!.labels!;
    for (const [k, v] of Object.entries(d.spec!.selector.matchLabels!)) assert.equal(labels[k], v);
    const preferred = d.spec!.template.spec!.affinity!.podAntiAffinity!.preferredDuringSchedulingIgnoredDuringExecution!;
    assert.deepEqual(preferred[0]!.podAffinityTerm.labelSelector!.matchLabels, d.spec!.selector.matchLabels);
    const [haproxy, agent] = d.spec!.template.spec!.containers;
    assert.equal(haproxy!.image, HAPROXY_IMAGE);
    assert.deepEqual(haproxy!.resources, { limits: { memory: '256Mi' } });
    assert.equal(agent!.image, 'galera-operator:dev');
    assert.deepEqual(haproxy!.ports!.map((p) => p.containerPort), [3306, 3307]);
    // Shared runtime directory: the agent reaches the admin socket and the watched config.
    const mounts = (c: V1Container) => new Map((c.volumeMounts ?? []).map((m) => [m.name, m.mountPath]));
    assert.equal(mounts(haproxy!).get('haproxy-run'), mounts(agent!).get('haproxy-run'));
  });

  it('passes secrets only as Secret references, never as values', () => {
    for (const s of [spec({ type: 'haproxy' }), spec({ type: 'proxysql' })]) {
      const parts = s.proxy.type === 'haproxy' ? haproxyPodParts(ref, s, 'op:1') : proxysqlPodParts(ref, s);
      for (const c of parts.containers) {
        for (const [name, e] of envOf(c)) {
          if (/PASSWORD|TOKEN/.test(name)) {
            assert.equal(e.value, undefined, `${c.name} ${name} has a value`);
            assert.equal(e.valueFrom?.secretKeyRef?.name, 'shop-credentials');
          }
        }
        assert.ok(!(c.command ?? []).some((arg) => /password/i.test(arg)));
      }
    }
    const proxysql = envOf(proxysqlPodParts(ref, spec({ type: 'proxysql' })).containers[0]!);
    assert.equal(proxysql.get('PROXYSQL_OPERATOR_PASSWORD')!.valueFrom!.secretKeyRef!.key, 'proxy-operator-password');
    assert.equal(proxysql.get('PROXYSQL_ADMIN_PASSWORD')!.valueFrom!.secretKeyRef!.key, 'proxy-admin-password');
  });

  it('keeps the pod template when only the writer changes, and changes it with the proxy type', () => {
    const s = spec({ type: 'haproxy' });
    const hash = (sp: MySQLClusterSpec) => {
      const parts = sp.proxy.type === 'haproxy' ? haproxyPodParts(ref, sp, 'op:1') : proxysqlPodParts(ref, sp);
      return proxyDeployment(ref, sp, parts).spec!.template.metadata!.annotations![CONFIG_HASH_ANNOTATION];
    };
    assert.notEqual(haproxyConfigText(ref, s, 'shop-0'), haproxyConfigText(ref, s, 'shop-1'));
    assert.equal(hash(s), hash(spec({ type: 'haproxy' })));
    assert.notEqual(hash(s), hash(spec({ type: 'proxysql' })));
    assert.equal(proxysqlPodParts(ref, spec({ type: 'proxysql' })).containers[0]!.image, PROXYSQL_IMAGE);
  });
});

describe('proxy Service, PDB and ConfigMap', () => {
  it('exposes 3306 and 3307 only (never an admin or agent port) with the spec\'s Service type', () => {
    const svc = proxyService(ref, spec({ type: 'proxysql', service: { type: 'NodePort', annotations: { a: 'b' } } }));
    assert.equal(svc.metadata!.name, 'shop-proxy');
    assert.equal(svc.spec!.type, 'NodePort');
    assert.deepEqual(svc.metadata!.annotations, { a: 'b' });
    assert.deepEqual(svc.spec!.ports!.map((p) => [p.port, p.targetPort]), [[3306, 3306], [3307, 3307]]);
    assert.deepEqual(svc.spec!.selector, { 'app.kubernetes.io/instance': 'shop', 'app.kubernetes.io/component': 'proxy' });
  });

  it('a PDB lets at most one proxy pod go at a time', () => {
    const pdb = proxyPodDisruptionBudget(ref);
    assert.equal(pdb.spec!.maxUnavailable, 1);
    assert.equal(pdb.spec!.selector!.matchLabels!['app.kubernetes.io/component'], 'proxy');
  });

  it('the HAProxy config puts the writer first as the only non-backup write server, bound to the pod IP', () => {
    const text = haproxyConfigText(ref, spec({ type: 'haproxy' }), 'shop-2');
    const writerSection = text.split('listen ')[1]!;
    const servers = writerSection.split('\n').filter((l) => l.trim().startsWith('server '));
    assert.deepEqual(servers.map((l) => l.trim().split(' ')[1]), ['shop-2', 'shop-0', 'shop-1']);
    assert.deepEqual(servers.map((l) => / backup( |$)/.test(l)), [false, true, true]);
    assert.ok(servers[0]!.includes('shop-2.shop-headless.prod.svc.cluster.local:3306'));
    assert.match(text, /bind "\$\{POD_IP\}:3306"/);
    assert.ok(!text.includes('0.0.0.0'));
    const cm = proxyConfigMap(ref, { [HAPROXY_CONFIG_KEYS.config]: text });
    assert.equal(cm.metadata!.name, 'shop-proxy-config');
  });

  it('addresses members by pod IP where known (a re-created pod has a new IP), by DNS name otherwise', () => {
    const text = haproxyConfigText(ref, spec({ type: 'haproxy' }), 'shop-0', new Map([['shop-0', '127.1.0.7'], ['shop-2', '127.1.0.9']]));
    const writerLines = text.split('listen ')[1]!.split('\n').filter((l) => l.trim().startsWith('server '));
    assert.deepEqual(writerLines.map((l) => l.trim().split(' ').slice(1, 3).join(' ')), [
      'shop-0 127.1.0.7:3306',
      'shop-1 shop-1.shop-headless.prod.svc.cluster.local:3306',
      'shop-2 127.1.0.9:3306',
    ]);
  });
});
