import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import type { KeyedData } from '../../../hack/cluster/agent/env.js';
import { projectVolume, volumeReferences, type ProjectionSources } from '../../../hack/cluster/agent/projection.js';
import { writeProjectedFiles } from '../../../hack/cluster/agent/projected-writer.js';

const pod: V1Pod = { metadata: { name: 'p', namespace: 'ns', labels: { b: '2', a: '1' } }, spec: { containers: [{ name: 'c', resources: { limits: { memory: '64Mi' } } }] } };
const src: ProjectionSources = {
  podIP: '127.1.0.5', hostIP: '127.0.10.1',
  configMaps: new Map<string, KeyedData | null>([['cfg', { 'my.cnf': Buffer.from('[mysqld]\n'), other: Buffer.from('o') }], ['kube-root-ca.crt', { 'ca.crt': Buffer.from('CA') }]]),
  secrets: new Map<string, KeyedData | null>([['creds', { password: Buffer.from('pw') }], ['gone', null]]),
  tokens: new Map([['token', 'jwt']]),
};

const files = (r: ReturnType<typeof projectVolume>): [string, string, number][] =>
  r.ok ? r.files.map((f) => [f.path, f.data.toString(), f.mode]) : assert.fail(r.message);

describe('projected volumes', () => {
  it('projects all keys or the listed items with modes', () => {
    assert.deepEqual(files(projectVolume({ name: 'v', configMap: { name: 'cfg' } }, pod, src)), [['my.cnf', '[mysqld]\n', 0o644], ['other', 'o', 0o644]]);
    assert.deepEqual(files(projectVolume({ name: 'v', secret: { secretName: 'creds', defaultMode: 0o400, items: [{ key: 'password', path: 'sub/pw' }] } }, pod, src)),
      [['sub/pw', 'pw', 0o400]]);
  });

  it('waits for missing objects unless optional', () => {
    assert.equal(projectVolume({ name: 'v', secret: { secretName: 'gone' } }, pod, src).ok, false);
    assert.deepEqual(files(projectVolume({ name: 'v', secret: { secretName: 'gone', optional: true } }, pod, src)), []);
    assert.equal(projectVolume({ name: 'v', configMap: { name: 'cfg', items: [{ key: 'nope', path: 'x' }] } }, pod, src).ok, false);
  });

  it('renders downward API files', () => {
    const r = projectVolume({ name: 'v', downwardAPI: { items: [
      { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
      { path: 'ip', fieldRef: { fieldPath: 'status.podIP' } },
      { path: 'mem', resourceFieldRef: { containerName: 'c', resource: 'limits.memory', divisor: '1Mi' } },
    ] } }, pod, src);
    assert.deepEqual(files(r).map(([p, d]) => [p, d]), [['labels', 'a="1"\nb="2"'], ['ip', '127.1.0.5'], ['mem', '64']]);
  });

  it('builds the service-account volume the admission plugin injects', () => {
    const r = projectVolume({ name: 'kube-api-access', projected: { defaultMode: 420, sources: [
      { serviceAccountToken: { path: 'token', expirationSeconds: 3607 } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } }] } },
    ] } }, pod, src);
    assert.deepEqual(files(r), [['token', 'jwt', 420], ['ca.crt', 'CA', 420], ['namespace', 'ns', 420]]);
    assert.deepEqual([...volumeReferences({ spec: { containers: [], volumes: [{ name: 'x', projected: { sources: [{ configMap: { name: 'kube-root-ca.crt' } }] } }] } }).configMaps], ['kube-root-ca.crt']);
  });
});

describe('projected file writer', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-proj-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes, updates changed files only, and removes stale ones', () => {
    assert.equal(writeProjectedFiles(dir, [{ path: 'a', data: Buffer.from('1'), mode: 0o600 }, { path: 'd/b', data: Buffer.from('2'), mode: 0o644 }]), true);
    const inode = fs.statSync(path.join(dir, 'a')).ino;
    assert.equal(fs.statSync(path.join(dir, 'a')).mode & 0o777, 0o600);
    assert.equal(writeProjectedFiles(dir, [{ path: 'a', data: Buffer.from('1'), mode: 0o600 }, { path: 'd/b', data: Buffer.from('2'), mode: 0o644 }]), false);
    assert.equal(fs.statSync(path.join(dir, 'a')).ino, inode, 'unchanged files are left alone');
    writeProjectedFiles(dir, [{ path: 'a', data: Buffer.from('new'), mode: 0o600 }]);
    assert.equal(fs.readFileSync(path.join(dir, 'a'), 'utf8'), 'new');
    assert.equal(fs.existsSync(path.join(dir, 'd', 'b')), false);
    assert.throws(() => writeProjectedFiles(dir, [{ path: '../escape', data: Buffer.from(''), mode: 0o644 }]));
  });
});
