/**
 * Registers the agent's Node objects and keeps them Ready: a Lease renewal in kube-node-lease
 * (what the node lifecycle controller watches) and a periodic NodeStatus update.
 */
import os from 'node:os';
import type { Logger } from 'pino';
import { KUBELET_PORT, NODE_CAPACITY, type NodeSpec } from './config.js';
import { errorMessage, isNotFound, mergePatch, type Clients } from './k8s.js';
import { timestamp } from './pod-status.js';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';

const LEASE_DURATION_SECONDS = 40;
const LEASE_RENEW_MS = 10_000;
const STATUS_UPDATE_MS = 20_000;
const KUBELET_VERSION = 'v1.36.3';
const FIELD_MANAGER = 'local-node-agent';
const applyPatch = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);

/** MicroTime as the API server parses it (six fractional digits). */
export function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

const ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64' };

export function nodeLabels(node: NodeSpec): Record<string, string> {
  return {
    'kubernetes.io/hostname': node.name,
    'topology.kubernetes.io/zone': node.zone,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': ARCH[process.arch] ?? process.arch,
  };
}

export function nodeStatus(node: NodeSpec, now: Date, readySince: Date): Record<string, unknown> {
  const condition = (type: string, status: string, reason: string, message: string): Record<string, string> => ({
    type, status, reason, message, lastHeartbeatTime: timestamp(now), lastTransitionTime: timestamp(readySince),
  });
  return {
    capacity: NODE_CAPACITY,
    allocatable: NODE_CAPACITY,
    conditions: [
      condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'local node agent has sufficient memory available'),
      condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'local node agent has no disk pressure'),
      condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'local node agent has sufficient PID available'),
      condition('Ready', 'True', 'KubeletReady', 'local node agent is posting ready status (pods run as local processes)'),
    ],
    addresses: [{ type: 'InternalIP', address: node.ip }, { type: 'Hostname', address: node.name }],
    daemonEndpoints: { kubeletEndpoint: { Port: KUBELET_PORT } },
    nodeInfo: {
      machineID: node.name, systemUUID: node.name, bootID: node.name,
      kernelVersion: os.release(), osImage: 'local process node', containerRuntimeVersion: 'local-process://1',
      kubeletVersion: KUBELET_VERSION, kubeProxyVersion: KUBELET_VERSION, operatingSystem: 'linux',
      architecture: ARCH[process.arch] ?? process.arch,
    },
  };
}

export class NodeRegistrar {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly readySince = new Date();
  private readonly log: Logger;

  constructor(private readonly clients: Clients, log: Logger, private readonly nodes: readonly NodeSpec[]) {
    this.log = log.child({ component: 'nodes' });
  }

  async start(): Promise<void> {
    for (const node of this.nodes) {
      await this.register(node);
      await this.renewLease(node);
      await this.updateStatus(node);
    }
    const every = (ms: number, fn: (n: NodeSpec) => Promise<void>): void => {
      this.timers.push(setInterval(() => {
        for (const n of this.nodes) fn.call(this, n).catch((err: unknown) => this.log.warn({ node: n.name, err: errorMessage(err) }, 'node heartbeat failed'));
      }, ms));
    };
    every(LEASE_RENEW_MS, this.renewLease);
    every(STATUS_UPDATE_MS, this.updateStatus);
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
  }

  private async register(node: NodeSpec): Promise<void> {
    const { core } = this.clients;
    try {
      await core.readNode({ name: node.name });
      await core.patchNode({ name: node.name, body: { metadata: { labels: nodeLabels(node) } } }, mergePatch);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      await core.createNode({ body: { apiVersion: 'v1', kind: 'Node', metadata: { name: node.name, labels: nodeLabels(node) } } });
      this.log.info({ node: node.name, ip: node.ip }, 'node registered');
    }
  }

  private async renewLease(node: NodeSpec): Promise<void> {
    await this.clients.coordination.patchNamespacedLease({
      name: node.name,
      namespace: 'kube-node-lease',
      fieldManager: FIELD_MANAGER,
      force: true,
      body: {
        apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
        metadata: { name: node.name, namespace: 'kube-node-lease' },
        spec: { holderIdentity: node.name, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: microTime(new Date()) },
      },
    }, applyPatch);
  }

  private async updateStatus(node: NodeSpec): Promise<void> {
    const { core } = this.clients;
    await core.patchNodeStatus({ name: node.name, body: { status: nodeStatus(node, new Date(), this.readySince) } }, mergePatch);
    const current = await core.readNode({ name: node.name });
    const taints = current.spec?.taints ?? [];
    const kept = taints.filter((t) => t.key !== 'node.kubernetes.io/not-ready');
    if (kept.length !== taints.length) {
      await core.patchNode({ name: node.name, body: { spec: { taints: kept.length ? kept : null } } }, mergePatch);
      this.log.info({ node: node.name }, 'cleared not-ready taint');
    }
  }
}
