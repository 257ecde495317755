import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';

/*
 * The generated CRDs on the real API server of the local cluster: they install and become
 * Established, defaults are applied, invalid objects are refused with readable messages (schema
 * and CEL rules, including transition rules), `kubectl explain` shows the descriptions and
 * `kubectl get` the printer columns. No process is started except kubectl.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const KUBECONFIG = resolve(ROOT, '.cluster/kubeconfig');
const NS = `crd-e2e-${randomBytes(3).toString('hex')}`;
const API = 'galera-operator.io/v1alpha1';
const KUBECTL_TIMEOUT_MS = 30_000;

/** kubectl of the pinned control-plane build (hack/cluster/lib.sh), else the one on PATH. */
function findKubectl(): string {
  if (process.env.KUBECTL) return process.env.KUBECTL;
  try {
    const bin = execFileSync('bash', ['-c', 'source hack/cluster/lib.sh && echo "$CP_BIN"'], { cwd: ROOT, timeout: 10_000 })
      .toString()
      .trim();
    if (existsSync(`${bin}/kubectl`)) return `${bin}/kubectl`;
  } catch {
    // fall through to the other places
  }
  const legacy = resolve(homedir(), '.cache/galera-operator/k8s-v1.36.3/bin/kubectl');
  return existsSync(legacy) ? legacy : 'kubectl';
}

const KUBECTL = findKubectl();

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function kubectl(args: string[], input?: string): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(KUBECTL, ['--kubeconfig', KUBECONFIG, '--request-timeout=20s', ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: KUBECTL_TIMEOUT_MS,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

async function ok(args: string[], input?: string): Promise<string> {
  const run = await kubectl(args, input);
  assert.equal(run.code, 0, `kubectl ${args.join(' ')} failed: ${run.stderr}`);
  return run.stdout;
}

/** The API server's message for an object it refused; fails if it was accepted. */
async function refused(args: string[], input?: string): Promise<string> {
  const run = await kubectl(args, input);
  assert.notEqual(run.code, 0, `kubectl ${args.join(' ')} was accepted but should be refused`);
  assert.match(run.stderr, /is invalid|Invalid value|Unsupported value|Forbidden|Required value/, run.stderr);
  return run.stderr;
}

function cluster(name: string, spec: object): string {
  return JSON.stringify({ apiVersion: API, kind: 'MySQLCluster', metadata: { name, namespace: NS }, spec });
}

const CREATE = ['create', '-f', '-'];
const getJson = async (resource: string) => JSON.parse(await ok(['get', '-n', NS, resource, '-o', 'json']));
const mergePatch = (resource: string, patch: object) => ['patch', '-n', NS, resource, '--type', 'merge', '-p', JSON.stringify(patch)];

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.fail(`timed out waiting for ${what}`);
}

let skip: string | false = existsSync(KUBECONFIG) ? false : 'no local cluster (.cluster/kubeconfig missing; run make cluster)';
if (!skip && (await kubectl(['get', '--raw', '/readyz'])).code !== 0) skip = 'local cluster API server not reachable';

describe('MySQLCluster and MySQLBackup CRDs on the real API server', { skip, timeout: 300_000 }, () => {
  before(async () => {
    await ok(['apply', '--server-side', '--force-conflicts', '-f', resolve(ROOT, 'manifests/crds')]);
    await ok(['wait', '--for=condition=Established', '--timeout=60s', 'crd/mysqlclusters.galera-operator.io', 'crd/mysqlbackups.galera-operator.io']);
    await ok(['create', 'namespace', NS]);
    // A new CRD's REST mapping reaches discovery a moment after Established.
    await eventually('the mysqlclusters resource in discovery', async () => (await kubectl(['get', '-n', NS, 'mysqlclusters'])).code === 0);
  });

  after(async () => {
    await kubectl(['delete', 'namespace', NS, '--wait=false', '--ignore-not-found']);
  });

  it('accepts the minimal object of interfaces.md and fills in the defaults', async () => {
    await ok(CREATE, cluster('demo', { replicas: 3, proxy: { type: 'haproxy' } }));
    const { spec } = await getJson('mysqlcluster/demo');
    assert.equal(spec.replicas, 3);
    assert.equal(spec.image, 'mariadb:10.11');
    assert.equal(spec.sst, 'mariabackup');
    assert.deepEqual(spec.storage, { size: '1Gi', deleteWithCluster: false });
    assert.deepEqual(spec.proxy, { type: 'haproxy', replicas: 2, service: { type: 'ClusterIP' } });
    assert.deepEqual(spec.app, { database: 'app', username: 'app' });
    assert.deepEqual(spec.recovery, { automatic: true });
    assert.deepEqual(spec.podDisruptionBudget, { maxUnavailable: 1 });
    assert.equal(spec.scheduling.antiAffinity, 'preferred');
    assert.equal(spec.paused, false);
  });

  it('defaults schedule fields and an omitted spec', async () => {
    const withSchedule = { backup: { schedules: [{ name: 'nightly', schedule: '0 3 * * *' }] } };
    await ok(CREATE, cluster('scheduled', withSchedule));
    const { spec } = await getJson('mysqlcluster/scheduled');
    assert.deepEqual(spec.backup.schedules, [{ name: 'nightly', schedule: '0 3 * * *', method: 'physical', keep: 7, suspend: false }]);
    const bare = JSON.stringify({ apiVersion: API, kind: 'MySQLCluster', metadata: { name: 'bare', namespace: NS } });
    await ok(CREATE, bare);
    assert.equal((await getJson('mysqlcluster/bare')).spec.replicas, 3);
  });

  it('refuses 2 replicas without the opt-in, and accepts them with it', async () => {
    const message = await refused(CREATE, cluster('even', { replicas: 2 }));
    assert.match(message, /spec\.replicas: .*replicas must be odd .*allowEvenReplicas: true/);
    await ok(CREATE, cluster('even', { replicas: 2, allowEvenReplicas: true }));
  });

  it('refuses 0 replicas', async () => {
    const message = await refused(CREATE, cluster('zero', { replicas: 0 }));
    assert.match(message, /spec\.replicas: Invalid value: 0: .*greater than or equal to 1/);
  });

  it('refuses an unknown SST method', async () => {
    const message = await refused(CREATE, cluster('sst', { sst: 'xtrabackup' }));
    assert.match(message, /spec\.sst: Unsupported value: "xtrabackup": supported values: "mariabackup", "rsync"/);
  });

  it('refuses a cron expression without 5 fields', async () => {
    const spec = { backup: { schedules: [{ name: 'nightly', schedule: '0 3 * *' }] } };
    const message = await refused(CREATE, cluster('cron', spec));
    assert.match(message, /spec\.backup\.schedules\[0\]\.schedule: .*5-field cron expression/);
  });

  it('refuses duplicate schedule names and a proxy without replicas', async () => {
    const twice = { backup: { schedules: [{ name: 'a', schedule: '0 3 * * *' }, { name: 'a', schedule: '0 4 * * *' }] } };
    assert.match(await refused(CREATE, cluster('dup', twice)), /spec\.backup\.schedules\[1\]: Duplicate value/);
    const noProxy = await refused(CREATE, cluster('proxy', { proxy: { type: 'proxysql', replicas: 0 } }));
    assert.match(noProxy, /spec\.proxy\.replicas: .*at least 1 unless proxy\.type is none/);
  });

  it('lets storage grow and refuses shrinking it', async () => {
    await ok(CREATE, cluster('disk', { storage: { size: '10Gi' } }));
    await ok(mergePatch('mysqlcluster/disk', { spec: { storage: { size: '20Gi' } } }));
    const message = await refused(mergePatch('mysqlcluster/disk', { spec: { storage: { size: '15Gi' } } }));
    assert.match(message, /spec\.storage\.size: .*never shrink/);
    assert.equal((await getJson('mysqlcluster/disk')).spec.storage.size, '20Gi');
  });

  it('refuses changing, removing or adding bootstrapFrom after creation', async () => {
    await ok(CREATE, cluster('restored', { bootstrapFrom: { backupName: 'shop-nightly-1' } }));
    await ok(mergePatch('mysqlcluster/restored', { spec: { replicas: 5 } })); // other fields stay editable
    const changed = await refused(mergePatch('mysqlcluster/restored', { spec: { bootstrapFrom: { backupName: 'other' } } }));
    assert.match(changed, /spec\.bootstrapFrom: .*cannot be added, changed or removed/);
    await refused(mergePatch('mysqlcluster/restored', { spec: { bootstrapFrom: null } }));
    await refused(mergePatch('mysqlcluster/demo', { spec: { bootstrapFrom: { backupName: 'late' } } }));
  });

  it('kubectl explain shows the field descriptions', async () => {
    let output = '';
    await eventually('explain to know the kind', async () => {
      const run = await kubectl(['explain', 'mysqlcluster.spec.replicas']);
      output = run.stdout;
      return run.code === 0;
    });
    assert.match(output, /Number of database members\. Odd/);
    assert.match(await ok(['explain', 'mysqlcluster.spec.proxy.type']), /proxysql \(default; also splits reads\)/);
  });

  it('takes a status through the status subresource and shows it in kubectl get', async () => {
    const status = {
      observedGeneration: 1,
      phase: 'Running',
      replicas: 3,
      readyReplicas: 3,
      ready: '3/3',
      writer: 'demo-0',
      clusterUUID: '6d0e9b8c-0000-11ee-8000-000000000001',
      members: [{ name: 'demo-0', state: 'Synced', seqno: 42, ready: true, writer: true, address: '127.1.0.5' }],
      conditions: [{ type: 'Ready', status: 'True', reason: 'AllMembersSynced', message: '3/3 members Synced', lastTransitionTime: '2026-11-27T10:00:00Z', observedGeneration: 1 }],
      recovery: { generation: 1, phase: 'Done', source: 'demo-0', reported: [{ member: 'demo-0', uuid: '6d0e9b8c-0000-11ee-8000-000000000001', seqno: 42, safeToBootstrap: false, datadirEmpty: false, sstInterrupted: false }] },
      bootstrap: { generation: 1, source: 'demo-0', completed: true },
    };
    await ok(['patch', '-n', NS, 'mysqlcluster/demo', '--subresource=status', '--type', 'merge', '-p', JSON.stringify({ status })]);
    assert.deepEqual((await getJson('mysqlcluster/demo')).status, status);
    const table = await ok(['get', '-n', NS, 'mysqlclusters']);
    assert.match(table, /^NAME\s+READY\s+WRITER\s+STATUS\s+AGE\n/);
    assert.match(table, /^demo\s+3\/3\s+demo-0\s+Running\s+\d+s/m);
    const badCondition = { status: { conditions: [{ ...status.conditions[0], status: 'Maybe' }] } };
    const message = await refused(['patch', '-n', NS, 'mysqlcluster/demo', '--subresource=status', '--type', 'merge', '-p', JSON.stringify(badCondition)]);
    assert.match(message, /status\.conditions\[0\]\.status: Unsupported value: "Maybe"/);
  });

  it('MySQLBackup: defaults the method, requires the cluster and refuses changes', async () => {
    const backup = (spec: object) => JSON.stringify({ apiVersion: API, kind: 'MySQLBackup', metadata: { name: 'b1', namespace: NS }, spec });
    assert.match(await refused(CREATE, backup({ method: 'logical' })), /spec\.cluster: Required value/);
    await ok(CREATE, backup({ cluster: 'demo' }));
    assert.equal((await getJson('mysqlbackup/b1')).spec.method, 'physical');
    const message = await refused(mergePatch('mysqlbackup/b1', { spec: { method: 'logical' } }));
    assert.match(message, /cannot be changed once created/);
    await ok(['patch', '-n', NS, 'mysqlbackup/b1', '--subresource=status', '--type', 'merge', '-p', JSON.stringify({ status: { phase: 'Succeeded', completionTime: '2026-11-27T03:00:10Z' } })]);
    assert.match(await ok(['get', '-n', NS, 'mybk']), /^b1\s+demo\s+physical\s+Succeeded\s+/m);
  });
});
