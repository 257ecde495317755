import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadYaml, type KubernetesObject, type V1Deployment, type V1RoleBinding } from '@kubernetes/client-node';
import { CHART_DIR, RULES_FILE, clusterRoleRules, staleChartFiles } from '../../../hack/sync-chart-crds.js';
import { findHelm, helm, renderChart } from './support/helm.js';
import { loadDir, REPO_ROOT } from './support/load.js';
import { read } from './support/source.js';

const HELM = findHelm();
const NO_HELM = HELM ? false : 'helm is not built: run hack/helm.sh (builds it once into ~/.cache/galera-operator)';

describe('chart files shared with manifests/', () => {
  it('has byte-identical copies of every generated CRD in crds/', () => {
    const generated = readdirSync(join(REPO_ROOT, 'manifests/crds')).filter((n) => n.endsWith('.yaml')).sort();
    const charted = readdirSync(join(REPO_ROOT, CHART_DIR, 'crds')).sort();
    assert.ok(generated.length >= 2);
    assert.deepEqual(charted, generated);
    for (const name of generated) {
      const a = readFileSync(join(REPO_ROOT, 'manifests/crds', name));
      const b = readFileSync(join(REPO_ROOT, CHART_DIR, 'crds', name));
      assert.ok(a.equals(b), `${name} differs: run node --import tsx hack/sync-chart-crds.ts`);
    }
  });

  it('includes the ClusterRole rules of manifests/rbac as they are', () => {
    assert.equal(read(RULES_FILE), clusterRoleRules(read('manifests/rbac/cluster-role.yaml')));
    assert.match(read(`${CHART_DIR}/templates/clusterrole.yaml`), /\.Files\.Get "files\/cluster-role-rules\.yaml"/);
  });

  it('reports nothing stale (what hack/sync-chart-crds.ts --check checks)', () => {
    assert.deepEqual(staleChartFiles(REPO_ROOT), []);
  });

  it('refuses a ClusterRole manifest without rules', () => {
    assert.throws(() => clusterRoleRules('kind: ClusterRole\nmetadata: {name: x}\n'), /no top-level "rules:"/);
  });
});

describe('Chart.yaml and values.yaml', () => {
  it('describe an application chart whose defaults match the manifests', () => {
    const chart = loadYaml<Record<string, string>>(read(`${CHART_DIR}/Chart.yaml`));
    assert.equal(chart.apiVersion, 'v2');
    assert.equal(chart.name, 'galera-operator');
    assert.equal(chart.appVersion, (JSON.parse(read('package.json')) as { version: string }).version);
    const values = loadYaml<{ image: { repository: string; tag: string }; replicas: number; watchNamespace: string }>(read(`${CHART_DIR}/values.yaml`));
    const deployment = loadDir('manifests/operator').find((o) => o.kind === 'Deployment') as V1Deployment;
    assert.equal(`${values.image.repository}:${values.image.tag}`, deployment.spec!.template.spec!.containers[0]!.image);
    assert.equal(values.replicas, deployment.spec!.replicas);
    assert.equal(values.watchNamespace, '');
  });
});

/** An object without what legitimately differs between chart and manifests: labels and selectors. */
function withoutLabels(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutLabels);
  if (!value || typeof value !== 'object') return value;
  const skip = new Set(['labels', 'matchLabels', 'selector', 'labelSelector']);
  return Object.fromEntries(Object.entries(value).filter(([k]) => !skip.has(k)).map(([k, v]) => [k, withoutLabels(v)]));
}

const id = (o: KubernetesObject) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;

function envOf(objects: KubernetesObject[]): Record<string, string | undefined> {
  const deployment = objects.find((o) => o.kind === 'Deployment') as V1Deployment;
  return Object.fromEntries((deployment.spec!.template.spec!.containers[0]!.env ?? []).map((e) => [e.name, e.value]));
}

describe('helm template', { skip: NO_HELM }, () => {
  const bin = HELM!;

  it('passes helm lint', () => {
    const run = helm(bin, ['lint', CHART_DIR]);
    assert.equal(run.status, 0, run.stdout + run.stderr);
  });

  it('renders, with default values, the objects of manifests/rbac and manifests/operator (labels aside)', () => {
    const rendered = renderChart(bin);
    // The chart installs into the release namespace; it does not create it.
    const manifests = [...loadDir('manifests/rbac'), ...loadDir('manifests/operator')].filter((o) => o.kind !== 'Namespace');
    assert.deepEqual(rendered.map(id).sort(), manifests.map(id).sort());
    for (const expected of manifests) {
      const actual = rendered.find((o) => id(o) === id(expected))!;
      assert.deepEqual(withoutLabels(actual), withoutLabels(expected), id(expected));
    }
  });

  it('keeps its own selectors consistent with the pod labels', () => {
    const rendered = renderChart(bin);
    const deployment = rendered.find((o) => o.kind === 'Deployment') as V1Deployment;
    const podLabels = deployment.spec!.template.metadata!.labels!;
    const affinity = deployment.spec!.template.spec!.affinity!.podAntiAffinity!.preferredDuringSchedulingIgnoredDuringExecution![0]!;
    const service = rendered.find((o) => o.kind === 'Service') as { spec: { selector: Record<string, string> } };
    for (const selector of [deployment.spec!.selector.matchLabels!, affinity.podAffinityTerm.labelSelector!.matchLabels!, service.spec.selector]) {
      assert.ok(Object.keys(selector).length > 0);
      for (const [k, v] of Object.entries(selector)) assert.equal(podLabels[k], v, k);
    }
  });

  it('binds the ClusterRole in the watched namespace only when one is set', () => {
    const rendered = renderChart(bin, ['watchNamespace=shop']);
    assert.ok(!rendered.some((o) => o.kind === 'ClusterRoleBinding'));
    const binding = rendered.find((o) => o.kind === 'RoleBinding' && o.metadata?.namespace === 'shop') as V1RoleBinding;
    assert.equal(binding.roleRef.kind, 'ClusterRole');
    assert.equal(envOf(rendered).WATCH_NAMESPACE, 'shop');
  });

  it('drops the Lease Role without leader election, and refuses two unelected replicas', () => {
    const single = renderChart(bin, ['leaderElection.enabled=false', 'replicas=1']);
    assert.ok(!single.some((o) => o.kind === 'Role'));
    assert.equal(envOf(single).LEADER_ELECTION, 'false');
    assert.throws(() => renderChart(bin, ['leaderElection.enabled=false']), /needs replicas: 1/);
  });

  it('gives member pods the same image the operator runs', () => {
    const rendered = renderChart(bin, ['image.repository=registry.example/galera-operator', 'image.tag=1.2.3'], 'db');
    const deployment = rendered.find((o) => o.kind === 'Deployment') as V1Deployment;
    assert.equal(deployment.metadata?.name, 'db-galera-operator');
    assert.equal(deployment.spec!.template.spec!.containers[0]!.image, 'registry.example/galera-operator:1.2.3');
    assert.equal(envOf(rendered).OPERATOR_IMAGE, 'registry.example/galera-operator:1.2.3');
  });
});
