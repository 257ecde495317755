import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type Endpoint,
  affinitySeconds,
  desiredListeners,
  isLoopbackIPv4,
  newPickState,
  pickEndpoint,
  resolveTargetPort,
  serviceEndpoints,
} from '../../../hack/cluster/agent/net/endpoints.js';
import { pod, service } from './fixtures.js';

const apiServer = { host: '127.0.0.1', port: 6443 };

describe('isLoopbackIPv4', () => {
  it('accepts only 127.0.0.0/8', () => {
    assert.ok(isLoopbackIPv4('127.96.0.1'));
    assert.ok(!isLoopbackIPv4('128.0.0.1'));
    assert.ok(!isLoopbackIPv4('0.0.0.0'));
    assert.ok(!isLoopbackIPv4('::1'));
    assert.ok(!isLoopbackIPv4('127.1'));
  });
});

describe('desiredListeners', () => {
  it('listens on each TCP port of services with a loopback ClusterIP and reports the rest', () => {
    const { listeners, skipped } = desiredListeners([
      service('web', {
        clusterIP: '127.96.0.10',
        ports: [
          { name: 'http', port: 80 },
          { name: 'dns', port: 53, protocol: 'UDP' },
          { port: 81 },
        ],
      }),
      service('headless'),
      service('np', { clusterIP: '127.96.0.11', type: 'NodePort' }),
      service('far', { clusterIP: '169.254.0.1' }),
    ]);
    assert.deepEqual(
      listeners.map((l) => [l.key, l.service, l.portId]),
      [
        ['127.96.0.10:80', 'web', 'http'],
        ['127.96.0.10:81', 'web', '81'],
        ['127.96.0.11:80', 'np', 'http'],
      ],
    );
    assert.deepEqual(
      skipped.map((s) => [s.service, s.port]),
      [
        ['ns1/web', 53],
        ['ns1/far', 80],
      ],
    );
  });
});

describe('resolveTargetPort', () => {
  const p = pod('a', { ip: '127.1.0.1', ports: [{ name: 'mysql', containerPort: 3306 }] });
  it('uses the number, the named container port, or the service port', () => {
    assert.equal(resolveTargetPort(p, { port: 80, targetPort: 8080 }), 8080);
    assert.equal(resolveTargetPort(p, { port: 80, targetPort: 'mysql' }), 3306);
    assert.equal(resolveTargetPort(p, { port: 80 }), 80);
    assert.equal(resolveTargetPort(p, { port: 80, targetPort: 'absent' }), undefined);
    assert.equal(resolveTargetPort(p, { port: 80, targetPort: 'mysql', protocol: 'UDP' }), undefined);
  });
});

describe('serviceEndpoints', () => {
  const svc = service('web', { clusterIP: '127.96.0.10', ports: [{ name: 'http', port: 80, targetPort: 'web' }] });
  const ports = [{ name: 'web', containerPort: 8080 }];
  it('lists ready selected pods that expose the target port, in name order', () => {
    const pods = [
      pod('web-2', { ip: '127.1.0.3', ports }),
      pod('web-0', { ip: '127.1.0.1', ports }),
      pod('web-1', { ip: '127.1.0.2', ports, ready: false }),
      pod('web-3', { ip: '127.1.0.4', ports: [] }),
      pod('web-4', { ip: '127.1.0.5', ports, deleting: true }),
      pod('other', { ip: '127.1.0.6', ports, labels: { app: 'x' } }),
      pod('web-5', { ip: '127.1.0.7', ports, ns: 'ns2' }),
    ];
    assert.deepEqual(
      serviceEndpoints(svc, 'http', pods, apiServer).map((e) => `${e.host}:${e.port}`),
      ['127.1.0.1:8080', '127.1.0.3:8080'],
    );
    assert.deepEqual(serviceEndpoints(svc, 'nope', pods, apiServer), []);
  });

  it('sends the kubernetes service to the API server', () => {
    const k8s = service('kubernetes', { ns: 'default', clusterIP: '127.96.0.1', selector: {}, ports: [{ name: 'https', port: 443, targetPort: 6443 }] });
    assert.deepEqual(serviceEndpoints(k8s, 'https', [], apiServer), [{ key: 'apiserver', host: '127.0.0.1', port: 6443 }]);
    assert.deepEqual(serviceEndpoints(k8s, 'https', [], undefined), []);
  });
});

describe('pickEndpoint', () => {
  const eps: Endpoint[] = [
    { key: 'a', host: '127.1.0.1', port: 1 },
    { key: 'b', host: '127.1.0.2', port: 1 },
    { key: 'c', host: '127.1.0.3', port: 1 },
  ];
  const client = { ip: '127.0.0.1', now: 1_000 };

  it('rotates over endpoints and returns undefined when there are none', () => {
    const state = newPickState();
    const keys = Array.from({ length: 6 }, () => pickEndpoint(eps, state, client)?.key);
    assert.deepEqual(keys, ['a', 'b', 'c', 'a', 'b', 'c']);
    assert.equal(pickEndpoint([], state, client), undefined);
  });

  it('keeps spreading when an endpoint drops out', () => {
    const state = newPickState();
    pickEndpoint(eps, state, client);
    const without = eps.filter((e) => e.key !== 'b');
    const keys = Array.from({ length: 4 }, () => pickEndpoint(without, state, client)?.key);
    assert.deepEqual(new Set(keys), new Set(['a', 'c']));
  });

  it('sticks to the same endpoint per client IP until it expires or disappears', () => {
    const state = newPickState();
    const first = pickEndpoint(eps, state, client, 10)!;
    assert.equal(pickEndpoint(eps, state, { ip: client.ip, now: 5_000 }, 10)?.key, first.key);
    assert.notEqual(pickEndpoint(eps, state, { ip: '127.0.0.2', now: 5_000 }, 10)?.key, first.key);
    const remaining = eps.filter((e) => e.key !== first.key);
    assert.notEqual(pickEndpoint(remaining, state, { ip: client.ip, now: 6_000 }, 10)?.key, first.key);
    // once the 10 s window has passed, the client is simply next in the rotation
    const expiring = newPickState();
    assert.equal(pickEndpoint(eps, expiring, client, 10)?.key, 'a');
    assert.equal(pickEndpoint(eps, expiring, { ip: client.ip, now: 20_000 }, 10)?.key, 'b');
  });

  it('reads the affinity window from the service', () => {
    assert.equal(affinitySeconds(service('s', { clusterIP: '127.96.0.5' })), undefined);
    assert.equal(affinitySeconds(service('s', { clusterIP: '127.96.0.5', affinity: true })), 10_800);
  });
});
