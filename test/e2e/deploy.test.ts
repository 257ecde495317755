import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  EventsV1Api,
  PolicyV1Api,
  RbacAuthorizationV1Api,
  type KubernetesObject,
  type V1Deployment,
  type V1Pod,
} from '@kubernetes/client-node';
import { clusterMissing, containerLog, createNamespace, deleteNamespace, KUBECONFIG_PATH, loadKubeConfig, REPO_ROOT } from '../unit/agent-net/support/cluster.js';
import { waitFor } from '../unit/agent-net/support/wait.js';
import { loadDir } from '../unit/manifests/support/load.js';

/*
 * The operator deployed in the local cluster exactly as manifests/ describe it (CRDs, RBAC,
 * Deployment), running under its own ServiceAccount: two replicas become Available, one holds
 * the Lease, and the leader brings a one-member MySQLCluster to Ready with no request refused
 * by RBAC. It watches only the test's namespace, so it never touches what other suites (or
 * their locally run operator) create; everything it created is deleted afterwards, because an
 * operator left running would fight the one other suites start.
 */

const OPERATOR_NS = 'galera-operator-system';
const ACCOUNT = `system:serviceaccount:${OPERATOR_NS}:galera-operator`;
const GROUP = 'galera-operator.io';
const VERSION = 'v1alpha1';
const CLUSTER = 'deploy-e2e';
const MISSING = clusterMissing();

function kubectlPath(): string {
  const bin = execFileSync('bash', ['-c', 'source hack/cluster/lib.sh && echo "$CP_BIN"'], { cwd: REPO_ROOT, timeout: 10_000 }).toString().trim();
  return join(bin, 'kubectl');
}

function kubectl(args: string[], input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(kubectlPath(), ['--kubeconfig', KUBECONFIG_PATH, '--request-timeout=20s', ...args], {
      cwd: REPO_ROOT,
      timeout: 40_000,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

async function kubectlOk(args: string[], input?: string): Promise<string> {
  const run = await kubectl(args, input);
  assert.equal(run.code, 0, `kubectl ${args.join(' ')}: ${run.stderr}`);
  return run.stdout;
}

const notFound = (err: unknown) => (err as { code?: number }).code === 404;

/** The operator manifests, the Deployment watching only `namespace`. */
function operatorManifests(namespace: string): KubernetesObject[] {
  return loadDir('manifests/operator').map((obj) => {
    if (obj.kind !== 'Deployment') return obj;
    const deployment = structuredClone(obj) as V1Deployment;
    const env = deployment.spec!.template.spec!.containers[0]!.env!;
    const watch = env.find((e) => e.name === 'WATCH_NAMESPACE');
    assert.ok(watch, 'the Deployment sets WATCH_NAMESPACE');
    watch.value = namespace;
    return deployment;
  });
}

describe('operator deployed in-cluster with its own RBAC', { skip: MISSING ?? false, timeout: 600_000 }, () => {
  const kc = MISSING ? undefined : loadKubeConfig();
  const core = kc?.makeApiClient(CoreV1Api) as CoreV1Api;
  const apps = kc?.makeApiClient(AppsV1Api) as AppsV1Api;
  const leases = kc?.makeApiClient(CoordinationV1Api) as CoordinationV1Api;
  const custom = kc?.makeApiClient(CustomObjectsApi) as CustomObjectsApi;
  const events = kc?.makeApiClient(EventsV1Api) as EventsV1Api;
  const policy = kc?.makeApiClient(PolicyV1Api) as PolicyV1Api;
  const rbac = kc?.makeApiClient(RbacAuthorizationV1Api) as RbacAuthorizationV1Api;
  let namespace = '';
  let createdClusterRbac = false;
  let createdOperatorNamespace = false;

  const seenPods = new Set<string>();
  const operatorPods = async (): Promise<V1Pod[]> => {
    const pods = (await core.listNamespacedPod({ namespace: OPERATOR_NS, labelSelector: 'app.kubernetes.io/name=galera-operator' })).items;
    for (const pod of pods) seenPods.add(pod.metadata!.name!);
    return pods.filter((p) => !p.metadata?.deletionTimestamp);
  };

  /** The log of every operator pod this test has seen (also of pods that were replaced). */
  const operatorLogs = (): Array<{ pod: string; log: string }> =>
    [...seenPods].map((pod) => ({ pod, log: containerLog(OPERATOR_NS, pod, 'operator') }));

  before(async () => {
    const existing = await apps.readNamespacedDeployment({ name: 'galera-operator', namespace: OPERATOR_NS }).catch((err) => {
      if (notFound(err)) return undefined;
      throw err;
    });
    assert.equal(existing, undefined, `an operator is already deployed in ${OPERATOR_NS}; remove it before running this suite`);
    createdOperatorNamespace = await core.readNamespace({ name: OPERATOR_NS }).then(() => false, (err) => notFound(err));
    createdClusterRbac = await rbac.readClusterRole({ name: 'galera-operator' }).then(() => false, (err) => notFound(err));
    namespace = await createNamespace(core, 'deploy-e2e');

    await kubectlOk(['apply', '--server-side', '--force-conflicts', '-f', 'manifests/crds/']);
    await kubectlOk(['wait', '--for=condition=Established', '--timeout=30s', `crd/mysqlclusters.${GROUP}`, `crd/mysqlbackups.${GROUP}`]);
    await kubectlOk(['apply', '--server-side', '-f', 'manifests/rbac/']);
    const list = { apiVersion: 'v1', kind: 'List', items: operatorManifests(namespace) };
    await kubectlOk(['apply', '--server-side', '-f', '-'], JSON.stringify(list));
  });

  after(async () => {
    if (!kc) return;
    // The operator goes first, so it does not race the deletions below.
    await apps.deleteNamespacedDeployment({ name: 'galera-operator', namespace: OPERATOR_NS }).catch(() => undefined);
    await waitFor('operator pods to be gone', async () => (await operatorPods()).length === 0, 90_000, 500);
    if (namespace) {
      await custom
        .deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: 'mysqlclusters', name: CLUSTER })
        .catch(() => undefined);
      await deleteNamespace(core, namespace, 120_000);
    }
    if (createdOperatorNamespace) await deleteNamespace(core, OPERATOR_NS, 90_000);
    else await kubectl(['delete', '--ignore-not-found', '-f', 'manifests/operator/']);
    if (createdClusterRbac) {
      await rbac.deleteClusterRoleBinding({ name: 'galera-operator' }).catch(() => undefined);
      await rbac.deleteClusterRole({ name: 'galera-operator' }).catch(() => undefined);
    }
  });

  it('becomes Available with two ready replicas', async () => {
    const deployment = await waitFor(
      'the operator Deployment to be Available',
      async () => {
        const d = await apps.readNamespacedDeployment({ name: 'galera-operator', namespace: OPERATOR_NS });
        const available = d.status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True');
        return available && d.status?.readyReplicas === 2 && d;
      },
      180_000,
      1000,
    );
    assert.equal(deployment.spec?.template.spec?.serviceAccountName, 'galera-operator');
    const pods = await operatorPods();
    assert.equal(pods.length, 2);
    for (const pod of pods) assert.match(pod.status?.podIP ?? '', /^127\./);
  });

  it('has exactly one replica holding the leader Lease', async () => {
    const pods = (await operatorPods()).map((p) => p.metadata!.name!);
    const lease = await waitFor(
      'a current holder of the leader Lease',
      async () => {
        const l = await leases.readNamespacedLease({ name: 'galera-operator-leader', namespace: OPERATOR_NS });
        const holder = l.spec?.holderIdentity ?? '';
        return pods.some((p) => holder.startsWith(`${p}_`)) && l;
      },
      60_000,
      1000,
    );
    const holder = lease.spec!.holderIdentity!;
    assert.equal(pods.filter((p) => holder.startsWith(`${p}_`)).length, 1);
    const renewed = new Date(String(lease.spec?.renewTime)).getTime();
    assert.ok(Date.now() - renewed < (lease.spec?.leaseDurationSeconds ?? 15) * 1000 + 5000, 'the lease is being renewed');
    // Log lines reach the file a little after the Lease write.
    const logsLeading = () => pods.filter((p) => containerLog(OPERATOR_NS, p, 'operator').includes('"msg":"became leader"'));
    const leaders = await waitFor('the leader to log that it leads', () => logsLeading().length > 0 && logsLeading(), 15_000, 250);
    assert.deepEqual(leaders, [holder.slice(0, holder.lastIndexOf('_'))], 'only the holder logged that it leads');
  });

  it('serves metrics through its Service, on pod addresses', async () => {
    const service = await core.readNamespacedService({ name: 'galera-operator-metrics', namespace: OPERATOR_NS });
    const address = `${service.spec?.clusterIP}:${service.spec?.ports?.[0]?.port}`;
    assert.match(address, /^127\.\d+\.\d+\.\d+:8080$/);
    const body = await waitFor(
      `metrics at ${address}`,
      async () => {
        const res = await fetch(`http://${address}/metrics`, { signal: AbortSignal.timeout(5000) });
        return res.ok && (await res.text());
      },
      30_000,
      1000,
    );
    assert.match(body, /^leader_election_master_status\{name="galera-operator-leader"\} [01]$/m);
    assert.match(body, /^workqueue_depth\{name="mysqlcluster"\} \d+$/m);
  });

  it('is allowed what it needs and refused the rest by the real authorizer', async () => {
    const canI = async (args: string[]) => (await kubectl(['auth', 'can-i', '--as', ACCOUNT, ...args])).stdout.trim();
    assert.equal(await canI(['watch', `mysqlclusters.${GROUP}`, '--all-namespaces']), 'yes');
    assert.equal(await canI(['patch', `mysqlclusters.${GROUP}`, '--subresource=status', '-n', namespace]), 'yes');
    assert.equal(await canI(['create', 'statefulsets.apps', '-n', namespace]), 'yes');
    assert.equal(await canI(['update', 'leases.coordination.k8s.io/galera-operator-leader', '-n', OPERATOR_NS]), 'yes');
    assert.equal(await canI(['list', 'secrets', '--all-namespaces']), 'no');
    assert.equal(await canI(['update', 'leases.coordination.k8s.io/other', '-n', OPERATOR_NS]), 'no');
    assert.equal(await canI(['create', 'leases.coordination.k8s.io', '-n', 'default']), 'no');
    assert.equal(await canI(['delete', 'customresourcedefinitions.apiextensions.k8s.io']), 'no');
  });

  it('reconciles a one-member MySQLCluster to Ready through its ServiceAccount', async () => {
    const body = {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: 'MySQLCluster',
      metadata: { name: CLUSTER, namespace },
      spec: { replicas: 1, proxy: { type: 'none' }, storage: { size: '1Gi' } },
    };
    await custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: 'mysqlclusters', body });

    // Each owned object, applied by the operator with a controller reference to the cluster.
    const owned = await waitFor(
      'the operator to create the cluster objects',
      async () => {
        const objects = await Promise.all([
          apps.readNamespacedStatefulSet({ name: CLUSTER, namespace }),
          core.readNamespacedService({ name: `${CLUSTER}-headless`, namespace }),
          core.readNamespacedConfigMap({ name: `${CLUSTER}-config`, namespace }),
          policy.readNamespacedPodDisruptionBudget({ name: CLUSTER, namespace }),
        ]);
        return objects;
      },
      90_000,
      1000,
    );
    for (const obj of owned) {
      assert.equal(obj.metadata?.ownerReferences?.[0]?.kind, 'MySQLCluster', `${obj.metadata?.name} is owned by the cluster`);
      assert.ok(obj.metadata?.managedFields?.some((f) => f.manager === 'galera-operator' && f.operation === 'Apply'));
    }
    const secret = await core.readNamespacedSecret({ name: `${CLUSTER}-credentials`, namespace });
    for (const key of ['root-password', 'app-username', 'app-password', 'app-database']) assert.ok(secret.data?.[key], `secret has ${key}`);

    const ready = await waitFor(
      `MySQLCluster ${CLUSTER} to be Ready`,
      async () => {
        const obj = (await custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: 'mysqlclusters', name: CLUSTER })) as {
          status?: { observedGeneration?: number; readyReplicas?: number; conditions?: Array<{ type: string; status: string }> };
        };
        return obj.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') && obj;
      },
      240_000,
      2000,
    );
    assert.equal(ready.status?.observedGeneration, 1);
    assert.equal(ready.status?.readyReplicas, 1);

    // The Secret was made by the in-cluster leader (events name their reporting instance), not
    // by some other operator process that happens to run against this cluster.
    const recorded = await events.listNamespacedEvent({ namespace });
    const created = recorded.items.find((e) => e.reportingController === 'galera-operator' && e.regarding?.name === CLUSTER && e.reason === 'CredentialsCreated');
    assert.ok(created, 'the operator recorded an event about the credentials it created');
    const lease = await leases.readNamespacedLease({ name: 'galera-operator-leader', namespace: OPERATOR_NS });
    assert.equal(created.reportingInstance, lease.spec?.holderIdentity, 'the in-cluster leader did the work');
  });

  it('logged no request refused by RBAC', async () => {
    await operatorPods();
    const logs = operatorLogs();
    assert.ok(logs.length >= 2, 'both replicas wrote logs');
    assert.ok(logs.some((l) => l.log.includes('"msg":"operator started"')));
    for (const { pod, log } of logs) {
      const refused = log.split('\n').filter((line) => /forbidden|\b403\b/i.test(line));
      assert.deepEqual(refused, [], `${pod} was refused by the API server`);
    }
  });
});
