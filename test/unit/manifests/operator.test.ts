import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Container, V1Deployment, V1EnvVar, V1Service } from '@kubernetes/client-node';
import { findObject, loadDir, OPERATOR_NAMESPACE, SERVICE_ACCOUNT } from './support/load.js';
import { filesUnder, operatorEnvNames, read, sourceOfImagePath } from './support/source.js';

const operator = loadDir('manifests/operator');
const deployment = findObject<V1Deployment>(operator, 'Deployment', 'galera-operator');
const pod = deployment.spec!.template.spec!;
const container = pod.containers.find((c) => c.name === 'operator') as V1Container;
const env = new Map((container.env ?? []).map((e, index) => [e.name, { ...e, index }]));

const value = (name: string): string | undefined => env.get(name)?.value;
const fieldPath = (e: V1EnvVar | undefined) => e?.valueFrom?.fieldRef?.fieldPath;
const portNumber = (name: string) => container.ports?.find((p) => p.name === name)?.containerPort;

describe('operator Deployment', () => {
  it('runs as the RBAC ServiceAccount in the operator namespace', () => {
    assert.equal(deployment.metadata?.namespace, OPERATOR_NAMESPACE);
    assert.equal(pod.serviceAccountName, SERVICE_ACCOUNT);
    const rbac = loadDir('manifests/rbac');
    assert.ok(rbac.some((o) => o.kind === 'ServiceAccount' && o.metadata?.name === SERVICE_ACCOUNT && o.metadata.namespace === OPERATOR_NAMESPACE));
  });

  it('has two replicas that prefer different nodes', () => {
    assert.equal(deployment.spec?.replicas, 2);
    assert.notEqual(value('LEADER_ELECTION'), 'false', 'two replicas need leader election');
    const preferred = pod.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    assert.equal(preferred.length, 1);
    const term = preferred[0]!.podAffinityTerm;
    assert.equal(term.topologyKey, 'kubernetes.io/hostname');
    const podLabels = deployment.spec!.template.metadata!.labels!;
    for (const [k, v] of Object.entries(term.labelSelector?.matchLabels ?? {})) assert.equal(podLabels[k], v);
    for (const [k, v] of Object.entries(deployment.spec!.selector.matchLabels ?? {})) assert.equal(podLabels[k], v);
  });

  it('runs the compiled operator entry point, and the sidecar image path exists too', () => {
    assert.equal(container.command?.[0], 'node');
    assert.equal(sourceOfImagePath(container.command?.[1] ?? ''), 'src/main.ts');
    const sidecarPath = /'\/app\/dist\/[^']+'/.exec(read('src/reconcilers/builders/statefulset.ts'))?.[0].slice(1, -1);
    assert.equal(sourceOfImagePath(sidecarPath ?? ''), 'src/sidecar/main.ts');
  });

  it('gives the operator its image, namespace, identity and scope', () => {
    assert.equal(container.image, 'galera-operator:dev');
    assert.equal(value('OPERATOR_IMAGE'), container.image, 'member sidecars run the operator image');
    assert.equal(fieldPath(env.get('POD_NAMESPACE')), 'metadata.namespace');
    assert.equal(fieldPath(env.get('POD_NAME')), 'metadata.name');
    assert.equal(fieldPath(env.get('POD_IP')), 'status.podIP');
    assert.equal(value('WATCH_NAMESPACE'), '', 'all namespaces by default, matching the ClusterRoleBinding');
  });

  it('binds metrics and probes to the pod IP, declared before its use, on the declared ports', () => {
    const podIp = env.get('POD_IP')!.index;
    for (const [name, port] of [['METRICS_BIND_ADDRESS', 'metrics'], ['HEALTH_PROBE_BIND_ADDRESS', 'health']] as const) {
      assert.equal(value(name), `$(POD_IP):${portNumber(port)}`, name);
      assert.ok(env.get(name)!.index > podIp, `${name} must come after POD_IP for $(POD_IP) to expand`);
    }
    assert.equal(container.readinessProbe?.httpGet?.path, '/readyz');
    assert.equal(container.livenessProbe?.httpGet?.path, '/healthz');
    assert.equal(container.startupProbe?.httpGet?.path, '/healthz');
    for (const probe of [container.readinessProbe, container.livenessProbe, container.startupProbe]) {
      assert.equal(probe?.httpGet?.port, 'health');
      assert.equal(probe?.httpGet?.host, undefined, 'no host: the probe goes to the pod IP');
    }
    const server = read('src/runtime/http-server.ts');
    for (const path of ['/healthz', '/readyz', '/metrics']) assert.ok(server.includes(`'${path}'`), `the runtime serves ${path}`);
  });

  it('sets only variables the operator reads', () => {
    const readByOperator = operatorEnvNames();
    const unknown = [...env.keys()].filter((name) => !readByOperator.has(name));
    assert.deepEqual(unknown, []);
    for (const name of ['WATCH_NAMESPACE', 'POD_NAMESPACE', 'LEADER_ELECTION', 'OPERATOR_IMAGE', 'METRICS_BIND_ADDRESS', 'HEALTH_PROBE_BIND_ADDRESS']) {
      assert.ok(readByOperator.has(name), `${name} is read by the operator`);
    }
  });

  it('is locked down: non-root, no privilege escalation, no capabilities, read-only root', () => {
    assert.equal(pod.securityContext?.runAsNonRoot, true);
    assert.ok((pod.securityContext?.runAsUser ?? 0) > 0);
    assert.equal(pod.securityContext?.seccompProfile?.type, 'RuntimeDefault');
    assert.equal(container.securityContext?.allowPrivilegeEscalation, false);
    assert.equal(container.securityContext?.readOnlyRootFilesystem, true);
    assert.deepEqual(container.securityContext?.capabilities?.drop, ['ALL']);
    assert.ok(container.resources?.requests?.cpu && container.resources.requests.memory && container.resources.limits?.memory);
  });

  it('has a metrics Service that selects its pods on the metrics port', () => {
    const service = findObject<V1Service>(operator, 'Service', 'galera-operator-metrics');
    const podLabels = deployment.spec!.template.metadata!.labels!;
    for (const [k, v] of Object.entries(service.spec?.selector ?? {})) assert.equal(podLabels[k], v);
    assert.equal(service.spec?.ports?.[0]?.targetPort, 'metrics');
    assert.equal(service.spec?.ports?.[0]?.port, portNumber('metrics'));
  });
});

describe('addresses in the deployment artifacts', () => {
  const files = filesUnder('manifests/rbac', 'manifests/operator', 'charts/galera-operator', 'Dockerfile', '.dockerignore');

  it('has files to check', () => assert.ok(files.length >= 10, files.join(', ')));

  it('binds no wildcard and names no address outside 127.0.0.0/8', () => {
    for (const file of files) {
      const text = read(file);
      assert.ok(!text.includes('0.0.0.0'), `${file} mentions 0.0.0.0`);
      assert.ok(!/\[::\]|"::"|'::'/.test(text), `${file} mentions the IPv6 wildcard`);
      for (const [ip] of text.matchAll(/\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b/g)) {
        assert.ok(ip.startsWith('127.'), `${file} names ${ip}`);
      }
    }
  });
});
