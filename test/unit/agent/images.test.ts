import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { imageRepository, resolveImage, type HostView } from '../../../hack/cluster/agent/images.js';

const everything: HostView = { fileExists: () => true, locate: (binary) => `/opt/tools/bin/${binary}` };
const nothing: HostView = { fileExists: () => false, locate: () => null };

describe('image mapping', () => {
  it('strips registry, library/ prefix, tag and digest', () => {
    assert.equal(imageRepository('busybox'), 'busybox');
    assert.equal(imageRepository('docker.io/library/busybox:1.36'), 'busybox');
    assert.equal(imageRepository('proxysql/proxysql:2.7.1'), 'proxysql/proxysql');
    assert.equal(imageRepository('localhost:5000/team/galera-operator:dev'), 'team/galera-operator');
    assert.equal(imageRepository('mariadb@sha256:abc'), 'mariadb');
  });

  it('runs busybox and debian with the host shell', () => {
    for (const image of ['busybox', 'busybox:1.36', 'debian:12-slim']) {
      const r = resolveImage(image, nothing, '/repo');
      assert.equal(r.available, true, image);
      if (r.available) assert.deepEqual([r.entrypoint, r.cmd], [[], ['sh']]);
    }
  });

  it('needs the Debian binaries for mariadb and haproxy', () => {
    assert.equal(resolveImage('mariadb:11.4', everything, '/repo').available, true);
    const missing = resolveImage('mariadb:11.4', nothing, '/repo');
    assert.equal(missing.available, false);
    if (!missing.available) assert.match(missing.message, /mariadbd/);
    assert.equal(resolveImage('haproxy:2.8', nothing, '/repo').available, false);
  });

  it('reports a missing proxysql as an image pull error', () => {
    const r = resolveImage('proxysql/proxysql:2.7.1', nothing, '/repo');
    assert.deepEqual(r.available ? undefined : [r.reason, r.message], ['ErrImagePull', 'no proxysql binary on this machine']);
    const found = resolveImage('proxysql/proxysql:2.7.1', everything, '/repo');
    assert.deepEqual(found.available ? found.pathDirs : undefined, ['/opt/tools/bin'], 'its directory joins the pod PATH');
  });

  it("mounts the project read-only at /app for the operator's own image", () => {
    for (const image of ['galera-operator:dev', 'ghcr.io/someone/galera-operator:0.1.0']) {
      const r = resolveImage(image, nothing, '/work/repo');
      assert.ok(r.available, image);
      if (!r.available) continue;
      assert.deepEqual(r.mounts, [{ source: '/work/repo', target: '/app', readOnly: true }]);
      assert.deepEqual([r.entrypoint, r.cmd, r.workingDir], [['node'], ['/app/dist/src/main.js'], '/app']);
    }
  });

  it('refuses anything else with a clear message', () => {
    const r = resolveImage('nginx:1.27', everything, '/repo');
    assert.equal(r.available, false);
    if (!r.available) assert.equal(r.message, 'image nginx:1.27 is not available on this local cluster');
  });
});
