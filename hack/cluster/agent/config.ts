/** Fixed shape of the local cluster's node side, and the agent's command line. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface NodeSpec {
  name: string;
  ip: string;
  zone: string;
}

export const NODES: readonly NodeSpec[] = [
  { name: 'node-1', ip: '127.0.10.1', zone: 'zone-a' },
  { name: 'node-2', ip: '127.0.10.2', zone: 'zone-b' },
  { name: 'node-3', ip: '127.0.10.3', zone: 'zone-c' },
];

/** The `kubernetes` Service's ClusterIP (first address of the Service CIDR 127.96.0.0/16). */
export const KUBERNETES_SERVICE = { host: '127.96.0.1', port: 443 };

/** Pod addresses come from 127.1.0.0/16, apart from node (127.0.10.x) and Service (127.96.x) ranges. */
export const POD_CIDR = { prefix: [127, 1] as const, size: 65536 };

export const NODE_CAPACITY = { cpu: '8', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' };

export const KUBELET_PORT = 10250;

export interface AgentOptions {
  kubeconfig: string;
  stateDir: string;
  projectDir: string;
  keepPods: boolean;
}

/** Repository root: three levels above this file (hack/cluster/agent), also from dist/. */
function defaultProjectDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const root = path.resolve(here, '..', '..', '..');
  return path.basename(root) === 'dist' ? path.dirname(root) : root;
}

export function parseArgs(argv: readonly string[]): AgentOptions {
  const projectDir = defaultProjectDir();
  const opts: AgentOptions = {
    kubeconfig: path.join(projectDir, '.cluster', 'kubeconfig'),
    stateDir: path.join(projectDir, '.cluster'),
    projectDir,
    keepPods: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return path.resolve(v);
    };
    if (arg === '--kubeconfig') opts.kubeconfig = value();
    else if (arg === '--state-dir') opts.stateDir = value();
    else if (arg === '--project-dir') opts.projectDir = value();
    else if (arg === '--keep-pods') opts.keepPods = true;
    else throw new Error(`unknown argument ${arg}`);
  }
  return opts;
}
