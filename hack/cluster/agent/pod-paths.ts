/** Where a pod's files live under the state dir. Pid and log paths are a contract (interfaces.md). */
import path from 'node:path';
import type { ContainerFiles } from './container-process.js';

export interface PodIdentity {
  namespace: string;
  name: string;
  uid: string;
}

export class PodPaths {
  /** Agent-private per-pod directory, keyed by UID so a re-created pod starts clean. */
  readonly podDir: string;
  readonly runDir: string;
  readonly logDir: string;

  constructor(readonly stateDir: string, readonly id: PodIdentity) {
    this.podDir = path.join(stateDir, 'pods', id.uid);
    this.runDir = path.join(stateDir, 'run', id.namespace, id.name);
    this.logDir = path.join(stateDir, 'logs', id.namespace, id.name);
  }

  get hostsFile(): string {
    return path.join(this.podDir, 'hosts');
  }

  get volumesDir(): string {
    return path.join(this.podDir, 'volumes');
  }

  /** Record of which pod a UID directory belongs to, for cleanup after an agent restart. */
  get identityFile(): string {
    return path.join(this.podDir, 'pod.json');
  }

  tmpDir(container: string): string {
    return path.join(this.podDir, 'tmp', container);
  }

  container(name: string): ContainerFiles {
    return {
      pidFile: path.join(this.runDir, `${name}.pid`),
      logFile: path.join(this.logDir, `${name}.log`),
      metaFile: path.join(this.podDir, 'containers', `${name}.json`),
      wrapperFile: path.join(this.podDir, 'containers', `${name}.sh`),
    };
  }
}
