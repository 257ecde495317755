/**
 * The local cluster's node agent: registers the nodes, runs their pods as local processes,
 * and hosts the hosts-file writer, the Service proxy and the local volume provisioner.
 *
 *   node --import tsx hack/cluster/agent/main.ts --kubeconfig <path> --state-dir <dir>
 *        [--project-dir <repo>] [--keep-pods]
 */
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { NODES, parseArgs } from './config.js';
import { EventRecorder } from './events.js';
import { HostsFiles } from './hosts.js';
import { IpAllocator } from './ip-allocator.js';
import { KubeletServer } from './kubelet-server.js';
import { errorMessage, makeClients } from './k8s.js';
import { NodeRegistrar } from './nodes.js';
import { PodManager } from './pod-manager.js';
import { LocalProvisioner } from './provisioner.js';
import { ServiceProxy } from './services.js';

/** On shutdown, containers get at most this long between SIGTERM and SIGKILL. */
const SHUTDOWN_GRACE_CAP_MS = 10_000;

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const log = pino({ base: { component: 'node-agent' } });
  const kc = new KubeConfig();
  kc.loadFromFile(opts.kubeconfig);
  const server = new URL(kc.getCurrentCluster()?.server ?? 'https://127.0.0.1:6443');
  const clients = makeClients(kc);

  const nodes = new NodeRegistrar(clients, log, NODES);
  const provisioner = new LocalProvisioner(kc, log, { volumesDir: path.join(opts.stateDir, 'volumes') });
  const hosts = new HostsFiles(kc, log);
  const kubelet = new KubeletServer(opts.stateDir, log.child({ component: 'kubelet-server' }));
  const proxy = new ServiceProxy(kc, log, { apiServer: { host: server.hostname, port: Number(server.port || 443) } });
  const pods = new PodManager({
    clients,
    events: new EventRecorder(clients.core, log.child({ component: 'events' })),
    log,
    ips: new IpAllocator(path.join(opts.stateDir, 'agent', 'pod-ips.json')),
    hosts,
    stateDir: opts.stateDir,
    projectDir: opts.projectDir,
  }, new Map(NODES.map((n) => [n.name, n.ip])));

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, keepPods: opts.keepPods }, 'stopping');
    nodes.stop();
    await pods.stop(opts.keepPods, SHUTDOWN_GRACE_CAP_MS);
    await Promise.allSettled([proxy.stop(), hosts.stop(), provisioner.stop(), kubelet.stop()]);
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await nodes.start();
  await Promise.all([provisioner.start(), hosts.start(), proxy.start(), kubelet.start(NODES)]);
  await pods.start();
  log.info({ nodes: NODES.map((n) => n.name), stateDir: opts.stateDir }, 'node agent ready');
}

main().catch((err: unknown) => {
  process.stderr.write(`node agent failed: ${errorMessage(err)}\n`);
  process.exit(1);
});
