import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import {
  clusterMissing,
  containerLog,
  createNamespace,
  deleteNamespace,
  loadKubeConfig,
  waitForPodReady,
} from '../../unit/agent-net/support/cluster.js';
import { waitFor } from '../../unit/agent-net/support/wait.js';

/*
 * Services in the local cluster, end to end: real pods run by the node agent, a ClusterIP Service
 * reached from the host and from another pod by name, readiness taking a pod out of rotation, and
 * the hosts files that stand in for cluster DNS.
 */

const SERVERS = ['web-0', 'web-1', 'web-2'];
const HEADLESS = 'web-hl';

// Each server greets every connection with its pod name and then echoes until the client
// half-closes; before that it proves from inside its own
// mount namespace that every peer's headless DNS name resolves.
const SERVER_SCRIPT = `
socat TCP-LISTEN:8080,bind=$POD_IP,reuseaddr,fork "SYSTEM:echo $POD_NAME; exec cat" &
SOCAT=$!
trap 'kill $SOCAT; exit 0' TERM
i=0
while [ $i -lt 240 ]; do
  ok=1
  for p in ${SERVERS.join(' ')}; do getent hosts $p.${HEADLESS}.$POD_NAMESPACE.svc.cluster.local >/dev/null || ok=0; done
  [ $ok = 1 ] && break
  i=$((i+1)); sleep 0.5
done
for p in ${SERVERS.join(' ')}; do echo "RESOLVED $p $(getent hosts $p.${HEADLESS}.$POD_NAMESPACE.svc.cluster.local)"; done
wait $SOCAT
`;

// The client asks the Service by its DNS name nine times, then idles.
const CLIENT_SCRIPT = `
target=web.$POD_NAMESPACE.svc.cluster.local
i=0
until getent hosts $target >/dev/null || [ $i -ge 240 ]; do i=$((i+1)); sleep 0.5; done
echo "TARGET $(getent hosts $target)"
n=0
while [ $n -lt 9 ]; do echo "ANSWER $(socat -T 3 - TCP:$target:80 </dev/null 2>&1)"; n=$((n+1)); done
echo DONE
exec sleep 3600
`;

const downwardEnv = [
  { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
  { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
  { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
];

function serverPod(name: string, flagDir: string): V1Pod {
  return {
    metadata: { name, labels: { app: 'web' } },
    spec: {
      hostname: name,
      subdomain: HEADLESS,
      terminationGracePeriodSeconds: 2,
      volumes: [{ name: 'flags', hostPath: { path: flagDir, type: 'Directory' } }],
      containers: [
        {
          name: 'server',
          image: 'busybox',
          command: ['sh', '-c', SERVER_SCRIPT],
          env: downwardEnv,
          ports: [{ name: 'http', containerPort: 8080 }],
          volumeMounts: [{ name: 'flags', mountPath: '/flags' }],
          // Ready until the test drops a flag file for this pod.
          readinessProbe: {
            exec: { command: ['sh', '-c', `test ! -e /flags/${name}.unready`] },
            periodSeconds: 1,
            failureThreshold: 1,
          },
        },
      ],
    },
  };
}

function clientPod(): V1Pod {
  return {
    metadata: { name: 'client', labels: { app: 'client' } },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'client', image: 'busybox', command: ['sh', '-c', CLIENT_SCRIPT], env: downwardEnv }],
    },
  };
}

/** One connection to host:port from this machine; the answer (trimmed), '' if closed without one. */
function ask(host: string, port: number, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host, port }, () => sock.end());
    let answer = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no answer from ${host}:${port} in ${timeoutMs} ms`));
    }, timeoutMs);
    sock.on('data', (d) => (answer += d.toString()));
    sock.on('error', () => undefined);
    sock.on('close', () => {
      clearTimeout(timer);
      resolve(answer.trim());
    });
  });
}

/** A connection held open: the pod that greeted it, and whether it still echoes. */
async function openSession(host: string, port: number): Promise<{ pod: string; echoes(text: string): Promise<boolean>; close(): void }> {
  const sock = connect({ host, port });
  let received = '';
  sock.on('data', (d) => (received += d.toString()));
  sock.on('error', () => undefined);
  const pod = await waitFor('a greeting', () => received.includes('\n') && received.split('\n')[0]!, 5000, 20);
  return {
    pod,
    async echoes(text: string) {
      sock.write(`${text}\n`);
      return waitFor(`echo of ${text}`, () => received.includes(`${text}\n`), 5000, 20);
    },
    close: () => sock.destroy(),
  };
}

async function askMany(host: string, port: number, times: number): Promise<string[]> {
  const answers: string[] = [];
  for (let i = 0; i < times; i++) answers.push(await ask(host, port));
  return answers;
}

function linesStartingWith(log: string, prefix: string): string[] {
  return log.split('\n').filter((l) => l.startsWith(prefix));
}

describe('local cluster networking', { skip: clusterMissing(), timeout: 360_000 }, () => {
  let kc: KubeConfig;
  let core: CoreV1Api;
  let ns = '';
  let flagDir = '';
  let clusterIP = '';
  const podIPs = new Map<string, string>();

  before(async () => {
    kc = loadKubeConfig();
    core = kc.makeApiClient(CoreV1Api);
    ns = await createNamespace(core, 'e2e-net');
    // A host directory outside /tmp (every pod has a private /tmp), mounted into the servers.
    flagDir = mkdtempSync('/var/tmp/e2e-net-flags-');
    const svc = await core.createNamespacedService({
      namespace: ns,
      body: {
        metadata: { name: 'web' },
        spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
      },
    });
    clusterIP = svc.spec?.clusterIP ?? '';
    await core.createNamespacedService({
      namespace: ns,
      body: {
        metadata: { name: HEADLESS },
        spec: { clusterIP: 'None', selector: { app: 'web' }, ports: [{ name: 'http', port: 8080 }] },
      },
    });
    for (const name of SERVERS) await core.createNamespacedPod({ namespace: ns, body: serverPod(name, flagDir) });
    for (const name of SERVERS) {
      const pod = await waitForPodReady(core, ns, name, true, 120_000);
      podIPs.set(name, pod.status?.podIP ?? '');
    }
  });

  after(async () => {
    if (ns) await deleteNamespace(core, ns);
    if (flagDir) rmSync(flagDir, { recursive: true, force: true });
  });

  it('gives the pods distinct loopback addresses and the Service a loopback ClusterIP', () => {
    assert.match(clusterIP, /^127\.96\./);
    const ips = [...podIPs.values()];
    assert.equal(new Set(ips).size, SERVERS.length);
    for (const ip of ips) assert.match(ip, /^127\./);
  });

  it('answers on ClusterIP:port from the host, spreading connections over every ready pod', async () => {
    await waitFor('the Service to answer', async () => (await ask(clusterIP, 80)) !== '', 30_000);
    const answers = await askMany(clusterIP, 80, 9);
    assert.deepEqual(new Set(answers), new Set(SERVERS), `answers: ${answers.join(',')}`);
  });

  it('resolves every pod of the headless Service inside each pod', async () => {
    for (const name of SERVERS) {
      const resolved = await waitFor(
        `${name} to report resolved peers`,
        () => {
          const lines = linesStartingWith(containerLog(ns, name, 'server'), 'RESOLVED ');
          return lines.length >= SERVERS.length && lines.slice(-SERVERS.length);
        },
        60_000,
      );
      for (const peer of SERVERS) {
        const line = resolved.find((l) => l.startsWith(`RESOLVED ${peer} `));
        const fqdn = `${peer}.${HEADLESS}.${ns}.svc.cluster.local`;
        assert.ok(line?.includes(podIPs.get(peer)!) && line.includes(fqdn), `in ${name}: ${line ?? 'nothing'} (want ${podIPs.get(peer)} ${fqdn})`);
      }
    }
  });

  it('is reachable from another pod by its DNS name', async () => {
    await core.createNamespacedPod({ namespace: ns, body: clientPod() });
    const log = await waitFor(
      'the client pod to finish asking',
      () => {
        const out = containerLog(ns, 'client', 'client');
        return out.includes('DONE') && out;
      },
      120_000,
    );
    assert.ok(linesStartingWith(log, 'TARGET ')[0]?.includes(clusterIP), log);
    const answers = linesStartingWith(log, 'ANSWER ').map((l) => l.slice('ANSWER '.length).trim());
    assert.equal(answers.length, 9, log);
    assert.deepEqual(new Set(answers), new Set(SERVERS), log);
  });

  it('sends no new connections to a pod that turns unready but keeps its open ones, and resumes', async () => {
    const session = await openSession(clusterIP, 80);
    const unready = session.pod;
    const others = SERVERS.filter((n) => n !== unready);
    const flag = join(flagDir, `${unready}.unready`);
    try {
      writeFileSync(flag, '');
      await waitForPodReady(core, ns, unready, false, 30_000);
      const whileUnready = await askMany(clusterIP, 80, 8);
      assert.deepEqual(new Set(whileUnready), new Set(others), `answers: ${whileUnready.join(',')}`);
      assert.ok(await session.echoes('still-connected'), 'the established connection still works');
    } finally {
      session.close();
      rmSync(flag, { force: true });
    }
    await waitForPodReady(core, ns, unready, true, 30_000);
    await waitFor(
      `${unready} to be back in rotation`,
      async () => (await askMany(clusterIP, 80, 6)).includes(unready),
      15_000,
    );
  });

  it('forwards the kubernetes Service to the API server', async () => {
    const k8s = await core.readNamespacedService({ name: 'kubernetes', namespace: 'default' });
    const ip = k8s.spec?.clusterIP ?? '';
    assert.match(ip, /^127\./);
    const opts = { host: ip, port: 443, path: '/version', method: 'GET', servername: 'kubernetes.default.svc', timeout: 5000 };
    await kc.applyToHTTPSOptions(opts);
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(opts, (res) => {
        let data = '';
        res.on('data', (d) => (data += d));
        res.on('end', () => resolve(data));
      });
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', reject);
      req.end();
    });
    assert.match(JSON.parse(body).gitVersion, /^v1\./);
  });
});
