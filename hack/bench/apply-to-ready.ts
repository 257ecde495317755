/**
 * `make bench`: time from `kubectl apply` of a 3-member MySQLCluster to its Ready condition,
 * with the operator running as a local process on the local cluster, next to the floor: the
 * same three members bootstrapped by a plain script on the same machine (same SST method).
 * Prints `<metric>: <value> <unit>` lines; asserts nothing.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { createNamespace, deleteNamespace, loadKubeConfig, REPO_ROOT } from '../../test/unit/agent-net/support/cluster.js';
import { applyYaml, clusterYaml, waitForClusterReady } from '../../test/e2e/support/kube.js';
import { startOperator } from '../../test/e2e/support/operator.js';

const SST = (process.env.BENCH_SST ?? 'rsync') as 'rsync' | 'mariabackup';

async function applyToReadySeconds(): Promise<number> {
  const core = loadKubeConfig().makeApiClient(CoreV1Api);
  const ns = await createNamespace(core, 'bench');
  const operator = startOperator(ns, { leaderElection: false });
  try {
    // As users see it: the operator already runs (helm install came first) when they apply.
    await operator.started();
    const started = performance.now();
    await applyYaml(clusterYaml(ns, 'bench', { replicas: 3, sst: SST }));
    await waitForClusterReady(ns, 'bench', 600_000);
    return (performance.now() - started) / 1000;
  } finally {
    await operator.stop();
    await deleteNamespace(core, ns, 180_000);
  }
}

function handBootstrapSeconds(): number {
  const out = execFileSync('bash', [join(REPO_ROOT, 'hack/bench/hand-bootstrap.sh'), SST, '--bootstrap-only'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 600_000,
  });
  const match = /hand_bootstrap_seconds:\s*([\d.]+)/.exec(out);
  if (!match) throw new Error(`hand-bootstrap.sh printed no figure: ${out}`);
  return Number(match[1]);
}

const operatorSeconds = await applyToReadySeconds();
const handSeconds = handBootstrapSeconds();
console.log(`apply_to_ready_seconds: ${operatorSeconds.toFixed(1)} s`);
console.log(`hand_bootstrap_seconds: ${handSeconds.toFixed(1)} s`);
console.log(`apply_to_ready_ratio: ${(operatorSeconds / handSeconds).toFixed(2)} x`);
