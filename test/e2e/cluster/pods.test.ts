import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { AppsV1Api, BatchV1Api, CoreV1Api, type V1Container, type V1Pod } from '@kubernetes/client-node';
import {
  REPO_ROOT, clusterMissing, containerLog, createNamespace, deleteNamespace, isReady, loadKubeConfig, waitForPodReady,
} from '../../unit/agent-net/support/cluster.js';
import { waitFor } from '../../unit/agent-net/support/wait.js';

/*
 * The node agent end to end, against the real control plane: StatefulSet ordering, addresses and
 * PVCs, restarts after kill -9, re-creation with data intact, Jobs and CronJobs, unknown images,
 * readiness probes, init containers and unsupported features.
 */

const RUN_DIR = join(REPO_ROOT, '.cluster', 'run');
const kc = loadKubeConfig();
const core = kc.makeApiClient(CoreV1Api);
const apps = kc.makeApiClient(AppsV1Api);
const batch = kc.makeApiClient(BatchV1Api);

function pidOf(namespace: string, pod: string, container: string): number {
  return Number(readFileSync(join(RUN_DIR, namespace, pod, `${container}.pid`), 'utf8').trim());
}

/** Run a command inside a container's mount namespace (what `kubectl exec` would do). */
function inContainer(namespace: string, pod: string, container: string, argv: string[]): string {
  const pid = pidOf(namespace, pod, container);
  return execFileSync('nsenter', ['--target', String(pid), '--mount', '--uts', '--', ...argv], { timeout: 5_000 }).toString();
}

const readPod = (namespace: string, name: string): Promise<V1Pod> => core.readNamespacedPod({ name, namespace });

function busybox(name: string, script: string, extra: Partial<V1Container> = {}): V1Container {
  return {
    name, image: 'busybox:1.36', command: ['/bin/sh', '-c', script],
    env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
    ...extra,
  };
}

/**
 * A fresh namespace, removed afterwards: one per test, or with `shared` one for a suite whose
 * tests are steps of one scenario.
 */
function withNamespace(prefix: string, shared = false): () => string {
  let namespace = '';
  const create = async (): Promise<void> => { namespace = await createNamespace(core, prefix); };
  const remove = async (): Promise<void> => { if (namespace) await deleteNamespace(core, namespace); };
  if (shared) {
    before(create);
    after(remove);
  } else {
    beforeEach(create);
    afterEach(remove);
  }
  return () => namespace;
}

const skip = clusterMissing();

describe('node agent: StatefulSet pods', { skip, timeout: 300_000 }, () => {
  const ns = withNamespace('agent-sts', true);
  const names = ['db-0', 'db-1', 'db-2'];
  const script = '[ -f /data/id ] || echo "$POD_NAME-$(date +%s%N)" > /data/id; echo "ID $(cat /data/id)"; touch /tmp/ready; exec sleep 3600';

  it('runs a headless StatefulSet of 3 in order with distinct addresses and bound PVCs', async () => {
    await core.createNamespacedService({ namespace: ns(), body: {
      metadata: { name: 'db' },
      spec: { clusterIP: 'None', selector: { app: 'db' }, publishNotReadyAddresses: true, ports: [{ name: 'x', port: 80 }] },
    } });
    await apps.createNamespacedStatefulSet({ namespace: ns(), body: {
      metadata: { name: 'db' },
      spec: {
        serviceName: 'db', replicas: 3, selector: { matchLabels: { app: 'db' } },
        template: {
          metadata: { labels: { app: 'db' } },
          spec: {
            terminationGracePeriodSeconds: 2,
            containers: [busybox('main', script, {
              volumeMounts: [{ name: 'data', mountPath: '/data' }],
              readinessProbe: { exec: { command: ['test', '-f', '/tmp/ready'] }, periodSeconds: 1 },
            })],
          },
        },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Mi' } } } }],
      },
    } });
    const pods: V1Pod[] = [];
    for (const name of names) pods.push(await waitForPodReady(core, ns(), name, true, 90_000));
    for (let i = 1; i < pods.length; i++) {
      const prevReady = pods[i - 1]?.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime;
      const started = pods[i]?.status?.startTime;
      assert.ok(prevReady && started && new Date(started) >= new Date(prevReady), `${names[i]} started before ${names[i - 1]} was Ready`);
    }
    const ips = pods.map((p) => p.status?.podIP ?? '');
    assert.equal(new Set(ips).size, 3, `addresses not distinct: ${ips.join(' ')}`);
    for (const ip of ips) assert.match(ip, /^127\.1\.\d+\.\d+$/);
    for (const name of names) {
      const pvc = await core.readNamespacedPersistentVolumeClaim({ name: `data-${name}`, namespace: ns() });
      assert.equal(pvc.status?.phase, 'Bound', `PVC data-${name}`);
    }
    const peer = `db-2.db.${ns()}.svc.cluster.local`;
    const resolved = await waitFor(`${peer} to resolve inside db-0`,
      () => inContainer(ns(), 'db-0', 'main', ['getent', 'hosts', peer]), 20_000, 500);
    assert.ok(resolved.startsWith(`${ips[2]} `), `db-0 resolves ${peer} as ${resolved.trim()}, want ${ips[2]}`);
  });

  it('restarts a container killed with kill -9 and counts the restart', async () => {
    const before = await readPod(ns(), 'db-1');
    const oldPid = pidOf(ns(), 'db-1', 'main');
    process.kill(oldPid, 'SIGKILL');
    const after = await waitFor('db-1 to restart', async () => {
      const pod = await readPod(ns(), 'db-1');
      const status = pod.status?.containerStatuses?.[0];
      return (status?.restartCount ?? 0) > (before.status?.containerStatuses?.[0]?.restartCount ?? 0) && status?.state?.running && pod;
    }, 30_000);
    assert.equal(after.metadata?.uid, before.metadata?.uid, 'the pod was not re-created, only its container');
    assert.equal(after.status?.containerStatuses?.[0]?.lastState?.terminated?.exitCode, 137);
    assert.notEqual(pidOf(ns(), 'db-1', 'main'), oldPid);
    await waitForPodReady(core, ns(), 'db-1', true, 20_000);
  });

  it('re-creates a deleted pod with a new address and its PVC data intact', async () => {
    const before = await readPod(ns(), 'db-1');
    const id = inContainer(ns(), 'db-1', 'main', ['cat', '/data/id']).trim();
    assert.match(id, /^db-1-\d+$/);
    await core.deleteNamespacedPod({ name: 'db-1', namespace: ns() });
    const recreated = await waitFor('db-1 to be re-created and Ready', async () => {
      const pod = await readPod(ns(), 'db-1');
      return pod.metadata?.uid !== before.metadata?.uid && isReady(pod) && pod;
    }, 60_000, 500);
    assert.notEqual(recreated.status?.podIP, before.status?.podIP, 'a re-created pod gets a new address');
    assert.equal(inContainer(ns(), 'db-1', 'main', ['cat', '/data/id']).trim(), id);
    assert.match(containerLog(ns(), 'db-1', 'main'), new RegExp(`ID ${id}[\\s\\S]*ID ${id}`));
  });
});

describe('node agent: Jobs', { skip, timeout: 240_000 }, () => {
  const ns = withNamespace('agent-jobs');

  it("runs a CronJob's Job to completion", async () => {
    await batch.createNamespacedCronJob({ namespace: ns(), body: {
      metadata: { name: 'tick' },
      spec: {
        schedule: '* * * * *', concurrencyPolicy: 'Forbid',
        jobTemplate: { spec: { backoffLimit: 0, template: { spec: { restartPolicy: 'Never', containers: [busybox('tick', 'echo tick from $POD_NAME')] } } } },
      },
    } });
    const job = await waitFor('the CronJob to create a Job that completes', async () => {
      const jobs = await batch.listNamespacedJob({ namespace: ns() });
      return jobs.items.find((j) => j.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True'));
    }, 150_000, 1_000);
    const pods = await core.listNamespacedPod({ namespace: ns(), labelSelector: `job-name=${job.metadata?.name}` });
    const pod = pods.items[0];
    assert.equal(pod?.status?.phase, 'Succeeded');
    assert.equal(pod?.status?.containerStatuses?.[0]?.state?.terminated?.reason, 'Completed');
    assert.match(containerLog(ns(), pod?.metadata?.name ?? '', 'tick'), /tick from /);
  });

  it('fails a Job whose pod exits non-zero', async () => {
    await batch.createNamespacedJob({ namespace: ns(), body: {
      metadata: { name: 'fails' },
      spec: { backoffLimit: 0, template: { spec: { restartPolicy: 'Never', containers: [busybox('fail', 'echo failing; exit 3')] } } },
    } });
    await waitFor('Job fails to be Failed', async () => {
      const job = await batch.readNamespacedJob({ name: 'fails', namespace: ns() });
      return job.status?.conditions?.some((c) => c.type === 'Failed' && c.status === 'True');
    }, 60_000, 500);
    const pods = await core.listNamespacedPod({ namespace: ns(), labelSelector: 'job-name=fails' });
    assert.equal(pods.items[0]?.status?.phase, 'Failed');
    assert.equal(pods.items[0]?.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 3);
  });
});

describe('node agent: single pods', { skip, timeout: 400_000 }, () => {
  const ns = withNamespace('agent-pods');

  it('does not start a pod with an unknown image and says why', async () => {
    await core.createNamespacedPod({ namespace: ns(), body: {
      metadata: { name: 'unknown-image' },
      spec: { containers: [{ name: 'web', image: 'nginx:1.27', command: ['nginx'] }] },
    } });
    const status = await waitFor('an image pull failure', async () => {
      const s = (await readPod(ns(), 'unknown-image')).status?.containerStatuses?.[0];
      return ['ErrImagePull', 'ImagePullBackOff'].includes(s?.state?.waiting?.reason ?? '') && s;
    }, 20_000);
    assert.match(status.state?.waiting?.message ?? '', /image nginx:1\.27 is not available on this local cluster/);
    assert.equal((await readPod(ns(), 'unknown-image')).status?.phase, 'Pending');
  });

  it('turns a pod unready when its exec readiness probe starts failing', async () => {
    await core.createNamespacedPod({ namespace: ns(), body: {
      metadata: { name: 'probed' },
      spec: { containers: [busybox('main', 'touch /tmp/ready; exec sleep 3600', {
        readinessProbe: { exec: { command: ['test', '-f', '/tmp/ready'] }, periodSeconds: 1, failureThreshold: 2 },
      })] },
    } });
    await waitForPodReady(core, ns(), 'probed', true, 30_000);
    inContainer(ns(), 'probed', 'main', ['rm', '/tmp/ready']);
    const pod = await waitForPodReady(core, ns(), 'probed', false, 20_000);
    assert.equal(pod.status?.phase, 'Running');
    assert.equal(pod.status?.conditions?.find((c) => c.type === 'Ready')?.reason, 'ContainersNotReady');
  });

  it('restarts a container whose liveness probe fails', async () => {
    await core.createNamespacedPod({ namespace: ns(), body: {
      metadata: { name: 'liveness' },
      spec: { terminationGracePeriodSeconds: 1, containers: [busybox('main', 'touch /tmp/alive; exec sleep 3600', {
        livenessProbe: { exec: { command: ['test', '-f', '/tmp/alive'] }, periodSeconds: 1, failureThreshold: 2 },
      })] },
    } });
    await waitFor('liveness to run', async () => (await readPod(ns(), 'liveness')).status?.containerStatuses?.[0]?.state?.running, 30_000);
    const firstPid = pidOf(ns(), 'liveness', 'main');
    inContainer(ns(), 'liveness', 'main', ['rm', '/tmp/alive']);
    const status = await waitFor('the liveness failure to restart the container', async () => {
      const s = (await readPod(ns(), 'liveness')).status?.containerStatuses?.[0];
      return s?.restartCount === 1 && s.state?.running && s;
    }, 30_000);
    assert.equal(status.lastState?.terminated?.exitCode, 143, 'stopped with SIGTERM');
    assert.notEqual(pidOf(ns(), 'liveness', 'main'), firstPid);
  });

  it('runs init containers first and gives containers env and volumes from ConfigMaps and Secrets', async () => {
    await core.createNamespacedSecret({ namespace: ns(), body: { metadata: { name: 's' }, stringData: { token: 's3cr3t-value' } } });
    await core.createNamespacedConfigMap({ namespace: ns(), body: { metadata: { name: 'c' }, data: { 'app.conf': 'mode=local\n' } } });
    await core.createNamespacedPod({ namespace: ns(), body: {
      metadata: { name: 'init-order' },
      spec: {
        restartPolicy: 'Never',
        volumes: [{ name: 'work', emptyDir: {} }, { name: 'conf', configMap: { name: 'c' } }],
        initContainers: [busybox('prepare', 'echo prepared-by-init > /work/marker', { volumeMounts: [{ name: 'work', mountPath: '/work' }] })],
        containers: [busybox('main', 'cat /work/marker /etc/app/app.conf; test "$TOKEN" = s3cr3t-value && echo token-ok; hostname', {
          env: [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 's', key: 'token' } } }],
          volumeMounts: [{ name: 'work', mountPath: '/work' }, { name: 'conf', mountPath: '/etc/app', readOnly: true }],
        })],
      },
    } });
    await waitFor('init-order to succeed', async () => (await readPod(ns(), 'init-order')).status?.phase === 'Succeeded', 30_000);
    assert.equal(containerLog(ns(), 'init-order', 'main'), 'prepared-by-init\nmode=local\ntoken-ok\ninit-order\n');
  });

  it('gives pods a service-account token that the API server accepts, and serves their logs', async () => {
    const sa = '/var/run/secrets/kubernetes.io/serviceaccount';
    const review = `curl -sS --max-time 10 --cacert ${sa}/ca.crt -H "Authorization: Bearer $(cat ${sa}/token)" -H 'Content-Type: application/json' `
      + `-X POST -d '{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}' `
      + 'https://kubernetes.default.svc/apis/authentication.k8s.io/v1/selfsubjectreviews';
    await core.createNamespacedPod({ namespace: ns(), body: {
      metadata: { name: 'api-client' },
      spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'debian:12', command: ['/bin/sh', '-c', review] }] },
    } });
    await waitFor('api-client to finish', async () => (await readPod(ns(), 'api-client')).status?.phase === 'Succeeded', 30_000);
    assert.match(containerLog(ns(), 'api-client', 'main'), new RegExp(`"username": "system:serviceaccount:${ns()}:default"`));
    const viaApi = await core.readNamespacedPodLog({ name: 'api-client', namespace: ns(), container: 'main' });
    assert.equal(viaApi, containerLog(ns(), 'api-client', 'main'), 'kubectl logs reaches the node agent');
  });

  it('fails a pod that uses an unsupported volume type, with a reason', async () => {
    await core.createNamespacedPod({ namespace: ns(), body: {
      metadata: { name: 'nfs-user' },
      spec: {
        volumes: [{ name: 'remote', nfs: { server: '127.0.0.1', path: '/exports' } }],
        containers: [busybox('main', 'sleep 3600', { volumeMounts: [{ name: 'remote', mountPath: '/remote' }] })],
      },
    } });
    const pod = await waitFor('nfs-user to fail', async () => {
      const p = await readPod(ns(), 'nfs-user');
      return p.status?.phase === 'Failed' && p;
    }, 20_000);
    assert.equal(pod.status?.reason, 'UnsupportedByLocalCluster');
    assert.match(pod.status?.message ?? '', /volume remote: type nfs is not supported/);
  });
});
