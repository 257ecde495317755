import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { containerArgv, envReferences, expandVars, resolveEnv, type EnvSources } from '../../../hack/cluster/agent/env.js';

const pod: V1Pod = {
  metadata: { name: 'db-0', namespace: 'prod', uid: 'u-1', labels: { app: 'db' }, annotations: { note: 'x' } },
  spec: { nodeName: 'node-2', serviceAccountName: 'sa', containers: [] },
};

const sources: EnvSources = {
  podIP: '127.1.0.7',
  hostIP: '127.0.10.2',
  configMaps: new Map([['cfg', { mode: Buffer.from('local'), 'bad key': Buffer.from('x') }], ['absent', null]]),
  secrets: new Map([['creds', { password: Buffer.from('pw') }]]),
};

function resolve(container: Partial<V1Container>): ReturnType<typeof resolveEnv> {
  return resolveEnv(pod, { name: 'c', ...container }, sources);
}

describe('container env', () => {
  it('provides the Kubernetes service, PATH and HOME', () => {
    const r = resolve({});
    assert.ok(r.ok);
    if (!r.ok) return;
    assert.equal(r.env.KUBERNETES_SERVICE_HOST, '127.96.0.1');
    assert.equal(r.env.KUBERNETES_SERVICE_PORT, '443');
    assert.match(r.env.PATH ?? '', /\/usr\/bin/);
    assert.equal(r.env.HOME, '/root');
    assert.equal(r.env.HOSTNAME, 'db-0');
  });

  it('resolves field, secret and configmap references', () => {
    const fields = ['metadata.name', 'metadata.namespace', 'metadata.uid', 'status.podIP', 'status.hostIP', 'spec.nodeName',
      'spec.serviceAccountName', "metadata.labels['app']", "metadata.annotations['note']"];
    const r = resolve({
      env: [
        ...fields.map((fieldPath, i) => ({ name: `F${i}`, valueFrom: { fieldRef: { fieldPath } } })),
        { name: 'PW', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
        { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'mode' } } },
        { name: 'OPT', valueFrom: { configMapKeyRef: { name: 'absent', key: 'k', optional: true } } },
      ],
    });
    assert.ok(r.ok);
    if (!r.ok) return;
    assert.deepEqual(fields.map((_, i) => r.env[`F${i}`]), ['db-0', 'prod', 'u-1', '127.1.0.7', '127.0.10.2', 'node-2', 'sa', 'db', 'x']);
    assert.equal(r.env.PW, 'pw');
    assert.equal(r.env.MODE, 'local');
    assert.equal('OPT' in r.env, false);
  });

  it('fails on a missing required reference', () => {
    const r = resolve({ env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'creds', key: 'nope' } } }] });
    assert.deepEqual(r, { ok: false, message: "couldn't find key nope in secret creds" });
    assert.equal(resolve({ envFrom: [{ configMapRef: { name: 'absent' } }] }).ok, false);
  });

  it('imports envFrom with prefix, skips invalid names, and lets env override it', () => {
    const r = resolve({ envFrom: [{ configMapRef: { name: 'cfg' }, prefix: 'CFG_' }], env: [{ name: 'CFG_mode', value: 'override' }] });
    assert.ok(r.ok);
    if (!r.ok) return;
    assert.equal(r.env.CFG_mode, 'override');
    assert.equal(Object.keys(r.env).some((k) => k.includes(' ')), false);
  });

  it('expands $(VAR) from earlier variables, keeps unknown ones and $$ escapes', () => {
    assert.equal(expandVars('$(A)-$(B)-$$(A)', { A: '1' }), '1-$(B)-$(A)');
    const r = resolve({ env: [{ name: 'A', value: 'one' }, { name: 'B', value: '$(A)-two' }] });
    assert.ok(r.ok && r.env.B === 'one-two');
  });

  it('builds argv from command, args and the image defaults like a container runtime', () => {
    const env = { NAME: 'db-0' };
    const shell = { entrypoint: [], cmd: ['sh'] };
    const node = { entrypoint: ['node'], cmd: ['/app/dist/src/main.js'] };
    assert.deepEqual(containerArgv({ name: 'c', command: ['echo'], args: ['$(NAME)'] }, shell, env), ['echo', 'db-0']);
    assert.deepEqual(containerArgv({ name: 'c', args: ['sleep', '1'] }, shell, env), ['sleep', '1']);
    assert.deepEqual(containerArgv({ name: 'c' }, shell, env), ['sh']);
    assert.deepEqual(containerArgv({ name: 'c' }, node, env), ['node', '/app/dist/src/main.js']);
    assert.deepEqual(containerArgv({ name: 'c', args: ['/app/dist/src/sidecar.js'] }, node, env), ['node', '/app/dist/src/sidecar.js']);
    assert.deepEqual(containerArgv({ name: 'c', command: ['sh'] }, node, env), ['sh']);
    assert.equal(containerArgv({ name: 'c' }, { entrypoint: [], cmd: [] }, env), undefined);
  });

  it('lists the objects to fetch', () => {
    const refs = envReferences({
      name: 'c', envFrom: [{ secretRef: { name: 's1' } }],
      env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'c1', key: 'k' } } }],
    });
    assert.deepEqual([[...refs.configMaps], [...refs.secrets]], [['c1'], ['s1']]);
  });
});
