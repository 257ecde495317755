import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { planMounts, renderWrapper, shellQuote } from '../../../hack/cluster/agent/mount-plan.js';

const podPaths = { hostsFile: '/state/pod/hosts', tmpDir: '/state/pod/tmp/c' };

describe('mount plan', () => {
  it('puts hosts and /tmp first, then mounts parents before children, with subPaths', () => {
    const plan = planMounts({
      name: 'c',
      volumeMounts: [
        { name: 'conf', mountPath: '/etc/mysql/conf.d/my.cnf', subPath: 'my.cnf', readOnly: true },
        { name: 'data', mountPath: '/var/lib/mysql' },
        { name: 'data', mountPath: '/etc/mysql', subPathExpr: 'cfg-$(POD)' },
      ],
    }, new Map([['conf', '/v/conf'], ['data', '/v/data']]), { POD: 'db-0' }, [], podPaths);
    assert.ok(plan.ok);
    if (!plan.ok) return;
    assert.deepEqual(plan.mounts.map((m) => [m.source, m.target, m.readOnly]), [
      ['/state/pod/hosts', '/etc/hosts', false],
      ['/state/pod/tmp/c', '/tmp', false],
      ['/v/data/cfg-db-0', '/etc/mysql', false],
      ['/v/data', '/var/lib/mysql', false],
      ['/v/conf/my.cnf', '/etc/mysql/conf.d/my.cnf', true],
    ]);
  });

  it('refuses escaping subPaths and unknown volumes', () => {
    const vols = new Map([['data', '/v/data']]);
    assert.equal(planMounts({ name: 'c', volumeMounts: [{ name: 'data', mountPath: '/x', subPath: '../etc' }] }, vols, {}, [], podPaths).ok, false);
    assert.equal(planMounts({ name: 'c', volumeMounts: [{ name: 'nope', mountPath: '/x' }] }, vols, {}, [], podPaths).ok, false);
  });

  it('quotes for the shell', () => {
    assert.equal(shellQuote("it's"), `'it'\\''s'`);
  });
});

describe('wrapper script (real unshare)', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-wrapper-'));
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('binds every source even when an earlier mount hides its host path, and honours readOnly', () => {
    // The second source lives under the first target: mounting the first would hide it.
    const shadowing = path.join(root, 'shadow');
    const hidden = path.join(shadowing, 'deep', 'conf');
    const empty = path.join(root, 'empty');
    fs.mkdirSync(hidden, { recursive: true });
    fs.mkdirSync(empty);
    fs.writeFileSync(path.join(hidden, 'app.conf'), 'visible\n');
    const script = renderWrapper({
      mounts: [
        { source: empty, target: shadowing, readOnly: false, sourceIsFile: false },
        { source: hidden, target: path.join(root, 'mnt', 'conf'), readOnly: true, sourceIsFile: false },
      ],
      hostname: 'pod-x',
      argv: ['/bin/sh', '-c', `cat ${root}/mnt/conf/app.conf; hostname; ls ${shadowing} | wc -l; touch ${root}/mnt/conf/w 2>/dev/null || echo read-only`],
    });
    const file = path.join(root, 'wrapper.sh');
    fs.writeFileSync(file, script);
    const out = execFileSync('unshare', ['--mount', '--uts', '--propagation', 'private', '--', '/bin/bash', file], { timeout: 10_000 }).toString();
    assert.equal(out, 'visible\npod-x\n0\nread-only\n');
    assert.equal(fs.existsSync(path.join(hidden, 'app.conf')), true, 'the host side is untouched');
    assert.notEqual(execFileSync('hostname').toString().trim(), 'pod-x');
  });
});
