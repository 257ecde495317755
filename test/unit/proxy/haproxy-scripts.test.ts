import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { monitorCredentialsPath, renderCheckScript } from '../../../src/haproxy/check-script.js';
import { HAPROXY_ENV, renderHAProxyStartScript } from '../../../src/haproxy/start-script.js';

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'haproxy-scripts-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('external check script', () => {
  const script = renderCheckScript({ runtimeDir: '/run/haproxy' });

  it('is valid bash that requires Synced (4) and Primary, bounded by timeout', () => {
    assert.equal(spawnSync('bash', ['-n'], { input: script }).status, 0);
    assert.match(script, /\[ "\$state" = 4 \] && \[ "\$component" = Primary \]/);
    assert.match(script, /timeout -k 1 2 mariadb /);
    assert.ok(script.includes(`--defaults-extra-file=${monitorCredentialsPath('/run/haproxy')}`));
    assert.ok(!/--password|\s-p\S/.test(script), 'no password on the command line');
  });

  it('fails for a server without an address and for an unreachable member, within its bound', () => {
    withDir((dir) => {
      const path = join(dir, 'check.sh');
      writeFileSync(path, renderCheckScript({ runtimeDir: dir }), { mode: 0o755 });
      writeFileSync(monitorCredentialsPath(dir), '[client]\nuser="monitor"\npassword="x"\n', { mode: 0o600 });
      for (const args of [['127.6.1.10', '3306', '', '3306'], ['127.6.1.10', '3306', '0.0.0.0', '3306'], ['127.6.1.10', '3306', '127.6.1.99', '1']]) {
        const started = Date.now();
        const run = spawnSync('bash', [path, ...args], { timeout: 10_000, env: { PATH: '/usr/bin:/bin' } });
        assert.equal(run.status, 1, `check passed for ${args.join(' ')}`);
        assert.ok(Date.now() - started < 5000);
      }
    });
  });
});

describe('HAProxy start script', () => {
  it('is valid bash', () => {
    assert.equal(spawnSync('bash', ['-n'], { input: renderHAProxyStartScript({ runtimeDir: '/run/haproxy' }) }).status, 0);
  });

  it('writes the monitor option file 0600 from the environment and runs haproxy in master-worker mode', () => {
    withDir((dir) => {
      const runtimeDir = join(dir, 'run');
      // A stand-in binary records its arguments; the real HAProxy is exercised by the e2e test.
      const fake = join(dir, 'fake-haproxy');
      writeFileSync(fake, `#!/bin/bash\necho "$@" > ${dir}/args\n`, { mode: 0o755 });
      const cfg = join(dir, 'haproxy.cfg');
      writeFileSync(cfg, 'global\n');
      const script = join(dir, 'start.sh');
      writeFileSync(script, renderHAProxyStartScript({ runtimeDir, haproxyBinary: fake }));
      const run = spawnSync('bash', [script, cfg], {
        timeout: 20_000,
        env: { PATH: process.env.PATH, [HAPROXY_ENV.monitorUser]: 'monitor', [HAPROXY_ENV.monitorPassword]: 's3cret-Pw' },
      });
      assert.equal(run.status, 0, run.stderr.toString());
      const credentials = monitorCredentialsPath(runtimeDir);
      assert.equal(statSync(credentials).mode & 0o777, 0o600);
      assert.equal(readFileSync(credentials, 'utf8'), '[client]\nuser="monitor"\npassword="s3cret-Pw"\n');
      assert.match(readFileSync(join(dir, 'args'), 'utf8'), /^-W -db -S \S+\/master\.sock -f \S+\/applied\.cfg$/m);
    });
  });

  it('refuses a password an option file cannot carry', () => {
    withDir((dir) => {
      const script = join(dir, 'start.sh');
      writeFileSync(script, renderHAProxyStartScript({ runtimeDir: join(dir, 'run'), haproxyBinary: 'true' }));
      const run = spawnSync('bash', [script, '/dev/null'], {
        timeout: 10_000,
        env: { PATH: process.env.PATH, [HAPROXY_ENV.monitorUser]: 'monitor', [HAPROXY_ENV.monitorPassword]: 'has"quote' },
      });
      assert.equal(run.status, 1);
      assert.ok(!run.stderr.toString().includes('has"quote'), 'the password is not echoed');
    });
  });
});
