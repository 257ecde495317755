import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderHostsFile } from '../../../hack/cluster/agent/net/hosts-render.js';
import { pod, service } from './fixtures.js';

/** The names the rendered file gives each IP, as a map (order within a line preserved). */
function parse(content: string): Map<string, string[]> {
  const table = new Map<string, string[]>();
  for (const line of content.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const [ip, ...names] = line.split(/\s+/);
    assert.ok(!table.has(ip!), `ip ${ip} appears on two lines`);
    table.set(ip!, names);
  }
  return table;
}

/** The IP a resolver reading /etc/hosts top-down returns for a name. */
function resolve(content: string, name: string): string | undefined {
  for (const [ip, names] of parse(content)) if (names.includes(name)) return ip;
  return undefined;
}

const self = { namespace: 'ns1', name: 'db-0', ip: '127.1.0.10', hostname: 'db-0', subdomain: 'db' };

describe('renderHostsFile', () => {
  it('has localhost and no IPv6 loopback, and names the pod like the kubelet does', () => {
    const out = renderHostsFile(self, [], []);
    const table = parse(out);
    assert.deepEqual(table.get('127.0.0.1'), ['localhost']);
    assert.ok(!out.includes('::1'));
    assert.deepEqual(table.get('127.1.0.10'), ['db-0.db.ns1.svc.cluster.local', 'db-0.db', 'db-0']);
  });

  it('names a pod without subdomain by its hostname only', () => {
    const table = parse(renderHostsFile({ namespace: 'ns1', name: 'x', ip: '127.1.0.9', hostname: 'x' }, [], []));
    assert.deepEqual(table.get('127.1.0.9'), ['x']);
  });

  it('maps ClusterIP services by FQDN everywhere and by short name only in the own namespace', () => {
    const services = [
      service('api', { clusterIP: '127.96.0.20' }),
      service('other', { ns: 'ns2', clusterIP: '127.96.0.21' }),
    ];
    const out = renderHostsFile(self, services, []);
    assert.deepEqual(parse(out).get('127.96.0.20'), ['api.ns1.svc.cluster.local', 'api.ns1.svc', 'api.ns1', 'api']);
    assert.deepEqual(parse(out).get('127.96.0.21'), ['other.ns2.svc.cluster.local', 'other.ns2.svc', 'other.ns2']);
  });

  it('publishes only ready pods of a headless service unless publishNotReadyAddresses', () => {
    const pods = [
      pod('db-0', { ip: '127.1.0.10', labels: { app: 'db' } }),
      pod('db-1', { ip: '127.1.0.11', labels: { app: 'db' }, ready: false }),
      pod('db-2', { ip: '127.1.0.12', labels: { app: 'db' } }),
      pod('web-0', { ip: '127.1.0.13', labels: { app: 'web' } }),
      pod('db-3', { labels: { app: 'db' } }), // no IP yet
    ];
    const strict = renderHostsFile(self, [service('db', { selector: { app: 'db' } })], pods);
    assert.equal(resolve(strict, 'db-2.db.ns1.svc.cluster.local'), '127.1.0.12');
    assert.equal(resolve(strict, 'db-2.db.ns1.svc'), '127.1.0.12');
    assert.equal(resolve(strict, 'db-2.db'), '127.1.0.12');
    assert.equal(resolve(strict, 'db-1.db.ns1.svc.cluster.local'), undefined);
    assert.equal(resolve(strict, 'web-0.db.ns1.svc.cluster.local'), undefined);
    assert.equal(resolve(strict, 'db-3.db.ns1.svc.cluster.local'), undefined);

    const lenient = renderHostsFile(self, [service('db', { selector: { app: 'db' }, publishNotReady: true })], pods);
    assert.equal(resolve(lenient, 'db-1.db.ns1.svc.cluster.local'), '127.1.0.11');
    // the reading pod's own line keeps its own names first
    assert.deepEqual(parse(lenient).get('127.1.0.10')?.slice(0, 3), ['db-0.db.ns1.svc.cluster.local', 'db-0.db', 'db-0']);
  });

  it('publishes headless pods of other namespaces without the short forms', () => {
    const pods = [pod('g-0', { ns: 'ns2', ip: '127.1.0.30', labels: { app: 'g' } })];
    const out = renderHostsFile(self, [service('g', { ns: 'ns2', selector: { app: 'g' } })], pods);
    assert.equal(resolve(out, 'g-0.g.ns2.svc.cluster.local'), '127.1.0.30');
    assert.equal(resolve(out, 'g-0.g.ns2'), '127.1.0.30');
    assert.equal(resolve(out, 'g-0.g'), undefined);
  });

  it('uses spec.hostname when set and skips finished or terminating pods', () => {
    const pods = [
      pod('p1', { ip: '127.1.0.40', labels: { app: 'h' }, hostname: 'custom' }),
      pod('p2', { ip: '127.1.0.41', labels: { app: 'h' }, phase: 'Succeeded' }),
      pod('p3', { ip: '127.1.0.42', labels: { app: 'h' }, deleting: true }),
    ];
    const out = renderHostsFile(self, [service('h', { selector: { app: 'h' } })], pods);
    assert.equal(resolve(out, 'custom.h.ns1.svc.cluster.local'), '127.1.0.40');
    assert.equal(resolve(out, 'p1.h.ns1.svc.cluster.local'), undefined);
    assert.equal(resolve(out, 'p2.h.ns1.svc.cluster.local'), undefined);
    assert.equal(resolve(out, 'p3.h.ns1.svc.cluster.local'), undefined);
  });

  it('ignores services without selector and ExternalName services', () => {
    const services = [
      service('nosel', { selector: {} }),
      service('ext', { type: 'ExternalName', clusterIP: '' }),
    ];
    const out = renderHostsFile(self, services, [pod('a', { ip: '127.1.0.50' })]);
    assert.equal(parse(out).size, 2);
  });

  it('is deterministic regardless of input order', () => {
    const services = [service('b', { clusterIP: '127.96.0.2' }), service('a', { clusterIP: '127.96.0.1' })];
    assert.equal(renderHostsFile(self, services, []), renderHostsFile(self, [...services].reverse(), []));
  });
});
