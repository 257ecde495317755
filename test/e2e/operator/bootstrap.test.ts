/**
 * Issue "operator foundation": a 3-member cluster bootstraps and reaches Ready through the real
 * API server and real Galera; kubectl shows it; the operator survives a restart mid-bootstrap;
 * deleting the cluster removes what it owns and keeps the data volumes and credentials.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import { clusterMissing, createNamespace, deleteNamespace, loadKubeConfig } from '../../unit/agent-net/support/cluster.js';
import { waitFor } from '../../unit/agent-net/support/wait.js';
import { applyYaml, clusterStatus, clusterYaml, getJson, kubectl, waitForClusterReady } from '../support/kube.js';
import { startOperator, type OperatorProcess } from '../support/operator.js';
import { query, rootTarget } from '../support/sql.js';

const skip = clusterMissing();
const core = skip ? undefined : loadKubeConfig().makeApiClient(CoreV1Api);
let ns = '';
let operator: OperatorProcess | undefined;

before(async () => {
  if (skip) return;
  ns = await createNamespace(core!, 'op-bootstrap');
  operator = startOperator(ns);
});

after(async () => {
  await operator?.stop();
  if (ns) await deleteNamespace(core!, ns, 180_000);
});

test('a 3-member cluster reaches Ready and kubectl shows it', { skip, timeout: 300_000 }, async () => {
  await applyYaml(clusterYaml(ns, 'shop', { replicas: 3 }));
  await kubectl(['wait', '--for=condition=Ready', 'mysqlcluster/shop', '-n', ns, '--timeout=240s'], undefined, 250_000);
  const table = await kubectl(['get', 'mysqlclusters', '-n', ns]);
  const [header, row] = table.trim().split('\n');
  assert.match(header!, /^NAME\s+READY\s+WRITER\s+STATUS\s+AGE/);
  assert.match(row!, /^shop\s+3\/3\s+.*Running\s+\S+/);
  const status = await clusterStatus(ns, 'shop');
  assert.equal(status.readyReplicas, 3);
  assert.deepEqual(status.members.map((m: { name: string; ready: boolean }) => [m.name, m.ready]), [
    ['shop-0', true],
    ['shop-1', true],
    ['shop-2', true],
  ]);
  assert.ok(status.clusterUUID, 'the cluster UUID is recorded at the first bootstrap');
});

test('a row written on member 0 is read on members 1 and 2', { skip, timeout: 60_000 }, async () => {
  const m0 = await rootTarget(ns, 'shop', 'shop-0');
  await query(m0, 'CREATE DATABASE IF NOT EXISTS e2e');
  await query(m0, 'CREATE TABLE IF NOT EXISTS e2e.t (id INT PRIMARY KEY, note VARCHAR(40))');
  await query(m0, "INSERT INTO e2e.t VALUES (1, 'from shop-0')");
  for (const pod of ['shop-1', 'shop-2']) {
    const rows = await query<{ note: string; host: string }>(await rootTarget(ns, 'shop', pod), 'SELECT note, @@hostname AS host FROM e2e.t WHERE id = 1');
    assert.deepEqual(rows.map((r) => [r.note, r.host]), [['from shop-0', pod]]);
  }
});

test('an operator killed mid-bootstrap is replaced and the cluster still ends Ready', { skip, timeout: 300_000 }, async () => {
  await applyYaml(clusterYaml(ns, 'restart', { replicas: 3 }));
  // Kill the operator once the first member was told to bootstrap (recorded before acting).
  await waitFor('bootstrap generation recorded', async () => (await clusterStatus(ns, 'restart')).recovery?.generation >= 1, 120_000, 200);
  await operator!.stop('SIGKILL');
  operator = startOperator(ns, { tag: 'after-kill' });
  const status = await waitForClusterReady(ns, 'restart', 240_000);
  assert.equal(status.readyReplicas, 3);
  assert.equal(status.recovery.generation, 1, 'the restarted operator resumed the same bootstrap instead of starting another');
});

test('deleting a cluster removes what it owns and keeps its PVCs and credentials', { skip, timeout: 180_000 }, async () => {
  await kubectl(['delete', 'mysqlcluster', 'restart', '-n', ns, '--wait=true', '--timeout=60s']);
  await waitFor(
    'owned objects garbage-collected',
    async () => {
      const sets = await getJson(['statefulsets,services,configmaps,poddisruptionbudgets', '-n', ns, '-l', 'app.kubernetes.io/instance=restart']);
      const pods = await getJson(['pods', '-n', ns, '-l', 'app.kubernetes.io/instance=restart']);
      return sets.items.length === 0 && pods.items.length === 0;
    },
    120_000,
    1000,
  );
  const pvcs = await getJson(['pvc', '-n', ns]);
  const kept = pvcs.items.map((p: { metadata: { name: string } }) => p.metadata.name).filter((n: string) => n.startsWith('data-restart-'));
  assert.deepEqual(kept.sort(), ['data-restart-0', 'data-restart-1', 'data-restart-2']);
  await getJson(['secret', 'restart-credentials', '-n', ns]);
  // The other cluster in the namespace is untouched.
  assert.equal((await clusterStatus(ns, 'shop')).readyReplicas, 3);
});
