/**
 * Runs last (files run in name order): `make cluster-down` stops every process the local
 * cluster started and leaves nothing listening. `make test` starts the cluster before the e2e
 * files; stopping it here is what the test checks, and hack/test.sh's own stop is then a no-op.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { clusterMissing, REPO_ROOT } from '../unit/agent-net/support/cluster.js';

const CLUSTER_DIR = join(REPO_ROOT, '.cluster');
const skip = clusterMissing() ?? (process.env.KEEP_CLUSTER ? 'KEEP_CLUSTER is set' : undefined);

/** PIDs of processes whose command line or working directory points into the cluster dir. */
function clusterProcesses(): string[] {
  return readdirSync('/proc').filter((pid) => {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) return false;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      return cmdline.includes(CLUSTER_DIR) || cmdline.includes('dist/hack/cluster/agent/main.js');
    } catch {
      return false; // exited meanwhile
    }
  });
}

/** Local addresses in LISTEN state on the loopback ranges the cluster uses (ss from iproute2). */
function clusterListeners(): string[] {
  const out = execFileSync('ss', ['-Htln'], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[3] ?? '')
    .filter((addr) => /^127\.(0\.0\.1:(6443|2379|2380|2381|10257|10259)|0\.10\.|1\.|96\.)/.test(addr));
}

test('make cluster-down leaves no process and no listener behind', { skip, timeout: 180_000 }, () => {
  assert.ok(clusterListeners().some((a) => a.endsWith(':6443')), 'the API server listens before the stop');
  execFileSync('make', ['-s', 'cluster-down'], { cwd: REPO_ROOT, stdio: 'inherit', timeout: 150_000 });
  assert.deepEqual(clusterProcesses(), []);
  assert.deepEqual(clusterListeners(), []);
  const runDir = join(CLUSTER_DIR, 'run');
  const pidFiles = existsSync(runDir) ? execFileSync('find', [runDir, '-name', '*.pid'], { encoding: 'utf8' }).trim() : '';
  assert.equal(pidFiles, '', 'no pid file of a running container is left');
});
